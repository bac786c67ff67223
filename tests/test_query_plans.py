"""The hot reads at catalogue scale use their indexes on PostgreSQL (EXPLAIN with sequential scans off; the
benchmark, `make bench-scale`, measures their times)."""

import pytest
from django.db import connection

from accounts.selectors import users_named
from reviews.filters import ReviewFilter
from reviews.models import Review
from tests.factories import ReviewFactory, UserFactory
from tests.query_plans import index_searched, plan_without_seqscan

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's"),
]


def test_a_member_is_found_by_name_in_any_case_through_the_unique_index():
    UserFactory.create_batch(50)
    member = UserFactory(username="Cinephile")

    assert list(users_named("cINEPHILE")) == [member]
    assert index_searched(plan_without_seqscan(users_named("cinephile")), "user_username_ci_unique")


def test_a_members_reviews_are_read_through_the_user_and_date_index():
    member = UserFactory(username="Cinephile")
    for _ in range(30):
        ReviewFactory()
    ReviewFactory(user=member)

    listed = ReviewFilter({"user": "CINEPHILE"}, queryset=Review.objects.all()).qs

    assert [review.user for review in listed] == [member]
    plan = plan_without_seqscan(listed.order_by("-created_at", "-id")[:20])
    assert "accounts_user" not in plan, plan  # the member was found first, by the query above
    assert index_searched(plan, "reviews_rev_user_id_35ef9b_idx"), plan
