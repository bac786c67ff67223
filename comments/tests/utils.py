"""A small world for the comment tests, and what every rejected request must leave as it was."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from rest_framework.test import APIClient

from comments import services
from comments.models import Comment
from conftest import authenticated_client
from follows.services import block_create
from lists.models import FilmList
from reviews.models import Review
from reviews.services import review_hide
from tests.factories import MovieFactory, ReviewFactory, UserFactory

HUGE_ID = "99999999999999999999"  # Past any 64-bit integer.

ANONYMOUS, OWNER, COMMENTER, OTHER, ADMIN, BLOCKED = "anonymous", "owner", "commenter", "other", "admin", "blocked"
ACTORS = (ANONYMOUS, OWNER, COMMENTER, OTHER, ADMIN, BLOCKED)


def review_comments_url(review_id) -> str:
    return f"/api/reviews/{review_id}/comments/"


def list_comments_url(list_id) -> str:
    return f"/api/lists/{list_id}/comments/"


def comment_url(comment_id) -> str:
    return f"/api/comments/{comment_id}/"


def client_for(user) -> APIClient:
    return APIClient() if user is None else authenticated_client(user)


@dataclass
class World:
    """The owner wrote a review, a hidden review, a public and a private list; the commenter commented on the first
    three (before the hiding); the blocked member commented on the review, then the owner blocked them."""

    users: dict[str, Any]
    review: Review
    hidden_review: Review
    public_list: FilmList
    private_list: FilmList
    on_review: Comment  # by the commenter
    on_list: Comment  # by the commenter
    on_hidden_review: Comment  # by the commenter
    on_private_list: Comment  # by the owner
    by_blocked: Comment  # on the review, by the member the owner blocked later

    @property
    def owner(self):
        return self.users[OWNER]

    def client(self, actor: str) -> APIClient:
        return client_for(self.users[actor])


def make_world() -> World:
    owner, commenter, blocked = UserFactory(), UserFactory(), UserFactory()
    review = ReviewFactory(user=owner, movie=MovieFactory())
    hidden_review = ReviewFactory(user=owner, movie=MovieFactory())
    public_list = FilmList.objects.create(owner=owner, name="Favourites")
    private_list = FilmList.objects.create(owner=owner, name="Secret", public=False)
    world = World(
        users={
            ANONYMOUS: None,
            OWNER: owner,
            COMMENTER: commenter,
            OTHER: UserFactory(),
            ADMIN: UserFactory(is_staff=True, is_superuser=True),
            BLOCKED: blocked,
        },
        review=review,
        hidden_review=hidden_review,
        public_list=public_list,
        private_list=private_list,
        on_review=services.comment_create(author=commenter, review=review, body="First!"),
        on_list=services.comment_create(author=commenter, film_list=public_list, body="Good picks."),
        on_hidden_review=services.comment_create(author=commenter, review=hidden_review, body="Spoilers."),
        on_private_list=services.comment_create(author=owner, film_list=private_list, body="Note to self."),
        by_blocked=services.comment_create(author=blocked, review=review, body="Hm."),
    )
    review_hide(review=hidden_review)
    block_create(blocker=owner, blocked=blocked)
    return world


def snapshot() -> dict:
    """Everything a rejected comment request must leave as it was."""
    return {
        "comments": sorted(
            Comment.objects.values_list("pk", "author_id", "review_id", "film_list_id", "body", "hidden", "edited_at")
        ),
        "reviews": sorted(Review.objects.values_list("pk", "comment_count", "hidden", "like_count")),
        "lists": sorted(FilmList.objects.values_list("pk", "comment_count")),
    }


def assert_counts_exact() -> None:
    """Every review's and list's comment_count is the number of its visible comments."""
    visible = Count("comments", filter=Q(comments__hidden=False))
    for model in (Review, FilmList):
        rows = model.objects.annotate(visible=visible).values_list("pk", "comment_count", "visible")
        wrong = [row for row in rows if row[1] != row[2]]
        assert not wrong, f"{model.__name__} (pk, comment_count, visible comments): {wrong}"


def comment_count(thing: Review | FilmList) -> int:
    return type(thing).objects.values_list("comment_count", flat=True).get(pk=thing.pk)


def result_ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]
