"""comment_count stays exact under parallel posts, deletes and moderation (PostgreSQL: real row locks)."""

import pytest
from django.db import connection

from comments import services
from comments.models import Comment
from comments.tests.utils import assert_counts_exact, comment_count, comment_url, list_comments_url, review_comments_url
from conftest import authenticated_client
from lists.models import FilmList
from reviews.tests.test_concurrency import run_at_once
from tests.factories import ReviewFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_parallel_comments_on_a_review_and_a_list_count_exactly():
    review = ReviewFactory()
    film_list = FilmList.objects.create(owner=UserFactory(), name="Picks")
    clients = [authenticated_client(UserFactory()) for _ in range(12)]
    jobs = [
        lambda client=client, url=url: client.post(url, {"body": "Yes."}, format="json").status_code
        for client in clients
        for url in (review_comments_url(review.pk), list_comments_url(film_list.pk))
    ]

    statuses = run_at_once(jobs)

    assert statuses == [201] * 24
    assert comment_count(review) == 12 == Comment.objects.filter(review=review).count()
    assert comment_count(film_list) == 12 == Comment.objects.filter(film_list=film_list).count()


def test_parallel_posts_deletes_and_moderation_leave_the_exact_count():
    review = ReviewFactory()
    owner = authenticated_client(review.user)
    authors = UserFactory.create_batch(8)
    existing = [services.comment_create(author=author, review=review, body="Old.") for author in authors]
    newcomers = [authenticated_client(UserFactory()) for _ in range(6)]
    # Four authors delete theirs, and the review's owner deletes one of them at the same moment; two comments are
    # hidden while their authors delete them; six newcomers post.
    jobs = [lambda c=c: authenticated_client(c.author).delete(comment_url(c.pk)).status_code for c in existing[:4]]
    jobs.append(lambda: owner.delete(comment_url(existing[0].pk)).status_code)
    jobs += [lambda c=c: services.comment_hide(comment=c) for c in existing[4:6]]
    jobs += [lambda c=c: authenticated_client(c.author).delete(comment_url(c.pk)).status_code for c in existing[4:6]]
    jobs += [
        lambda client=client: client.post(review_comments_url(review.pk), {"body": "New."}, format="json").status_code
        for client in newcomers
    ]

    results = run_at_once(jobs)

    assert sorted([results[0], results[4]]) in ([204, 204], [204, 404])  # Whoever came second found it gone.
    assert results[-6:] == [201] * 6
    left = Comment.objects.filter(review=review)
    assert left.count() == 2 + 6
    assert comment_count(review) == left.filter(hidden=False).count() == 8
    assert_counts_exact()
