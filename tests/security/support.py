"""What the security modules share: the four people who try everything, a small world of their things built once
per module, and a fingerprint of the database that a refused request must leave as it was."""

import datetime
from dataclasses import dataclass

from django.apps import apps
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from activity.models import DiaryEntry, Dismissal, MovieLike, WatchedMark, WatchlistEntry
from comments.models import Comment
from follows.models import Follow
from imports.models import ImportJob, UnmatchedRow
from lists.models import FilmList, ListItem, ListLike
from movies.models import Genre
from notifications.models import Notification
from reviews.models import Review, ReviewLike
from tests.factories import MovieFactory, ReviewFactory, UserFactory

ANONYMOUS, OWNER, OTHER, ADMIN = "anonymous", "owner", "other", "admin"

# Text only the owner may ever read, and text that moderation hid (its author and admins still read it).
OWNER_ONLY = "SECRET-OWNER-ONLY"
MODERATED = "SECRET-MODERATED"
PROJECT_APPS = {
    "accounts",
    "movies",
    "follows",
    "reviews",
    "activity",
    "lists",
    "comments",
    "feed",
    "notifications",
    "imports",
    "recommendations",
}


@dataclass(frozen=True)
class World:
    """The owner keeps a private diary and watchlist, a public and a private list, a review and a hidden one, a comment
    on the review, a hidden one and one on the private list, an import job and a notification; the other member
    follows the owner and likes their review and public list; the admin has done nothing. Only ids and names are
    kept: each test reads the rows as they are."""

    usernames: dict[str, str]
    tokens: dict[str, str]
    user_ids: dict[str, int]
    genre_slug: str
    movie: int  # reviewed, logged, liked, on the watchlist and in both lists
    hidden_movie: int  # the hidden review's
    fresh_movie: int  # nobody did anything with it
    review: int
    hidden_review: int
    diary_entry: int
    public_list: int
    public_item: int
    private_list: int
    private_item: int
    comment: int  # the owner's, on their review
    hidden_comment: int  # the owner's, on their review, hidden by moderation
    private_comment: int  # the owner's, on their private list
    import_job: int
    notification: int  # the owner's: the other member followed them

    def client(self, actor: str) -> APIClient:
        client = APIClient()
        if actor != ANONYMOUS:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[actor]}")
        return client

    def user(self, actor: str) -> User:
        return User.objects.get(pk=self.user_ids[actor])


def _people() -> dict[str, User]:
    return {
        OWNER: UserFactory(diary_public=False, watchlist_public=False, email="owner-private@example.com"),
        OTHER: UserFactory(),
        ADMIN: UserFactory(is_staff=True, is_superuser=True),
    }


def build_world() -> World:
    people = _people()
    owner = people[OWNER]
    genre = Genre.objects.create(name="Noir", slug="noir")
    movie, hidden_movie, fresh_movie = (
        MovieFactory(genres=[genre], like_count=1, tmdb_id=550),
        MovieFactory(),
        MovieFactory(),
    )
    review = ReviewFactory(user=owner, movie=movie, body="A review anyone may read.")
    Review.objects.filter(pk=review.pk).update(like_count=1, comment_count=1)
    hidden_review = ReviewFactory(user=owner, movie=hidden_movie, body=f"{MODERATED} review")
    Review.objects.filter(pk=hidden_review.pk).update(hidden=True)
    for mark in (WatchlistEntry, MovieLike, WatchedMark, Dismissal):
        mark.objects.create(user=owner, movie=movie)
    public_list = FilmList.objects.create(owner=owner, name="Films anyone may see", item_count=1, like_count=1)
    private_list = FilmList.objects.create(
        owner=owner, name=f"{OWNER_ONLY} list", public=False, item_count=1, comment_count=1
    )
    job = ImportJob.objects.create(user=owner, source="letterboxd", file_name=f"{OWNER_ONLY}.zip", data=b"x")
    Follow.objects.create(follower=people[OTHER], followee=owner)
    ReviewLike.objects.create(user=people[OTHER], review=review)
    ListLike.objects.create(user=people[OTHER], film_list=public_list)
    UnmatchedRow.objects.create(job=job, file="ratings.csv", line=2, fact="rating", title=OWNER_ONLY, reason="no")
    return World(
        usernames={actor: user.username for actor, user in people.items()},
        tokens={actor: str(RefreshToken.for_user(user).access_token) for actor, user in people.items()},
        user_ids={actor: user.pk for actor, user in people.items()},
        genre_slug=genre.slug,
        movie=movie.pk,
        hidden_movie=hidden_movie.pk,
        fresh_movie=fresh_movie.pk,
        review=review.pk,
        hidden_review=hidden_review.pk,
        diary_entry=DiaryEntry.objects.create(user=owner, movie=movie, watched_on=datetime.date(2024, 5, 1)).pk,
        public_list=public_list.pk,
        public_item=ListItem.objects.create(film_list=public_list, movie=movie, position=1).pk,
        private_list=private_list.pk,
        private_item=ListItem.objects.create(film_list=private_list, movie=movie, position=1, note=OWNER_ONLY).pk,
        comment=Comment.objects.create(author=owner, review=review, body="A comment anyone may read.").pk,
        hidden_comment=Comment.objects.create(author=owner, review=review, body=f"{MODERATED} c", hidden=True).pk,
        private_comment=Comment.objects.create(author=owner, film_list=private_list, body=f"{OWNER_ONLY} c").pk,
        import_job=job.pk,
        notification=Notification.objects.create(recipient=owner, actor=people[OTHER], kind="follow").pk,
    )


# Figures a read may count again when it finds them stale (see POPULAR_FIGURES_REFRESH_SECONDS): derived from the
# rows below, like a cache, and no one's data.
REFRESHED_BY_READS = {
    "movies.Genre": {"movie_count", "review_count", "avg_rating", "stats_at"},
    "recommendations.PopularList": {"ranked", "computed_at"},
}


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every table of the project's apps (less the figures reads refresh): a refused request leaves
    this exactly as it was."""
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            derived = REFRESHED_BY_READS.get(model._meta.label, set())
            fields = [field.attname for field in model._meta.concrete_fields if field.attname not in derived]
            tables[model._meta.label] = sorted(model.objects.values_list(*fields), key=repr)
    return tables
