"""seed_demo: the demo catalogue and people, what they did, and that a second run changes nothing.

The demo is seeded once for the module (inside a transaction rolled back at the end); each test runs in a
savepoint of its own on top of it.
"""

import datetime
import statistics
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import TestCase, override_settings
from django.utils import timezone

from activity.models import DiaryEntry, MovieLike, WatchedMark, WatchlistEntry
from comments.models import Comment
from conftest import authenticated_client
from feed.models import Event
from follows.models import Block, Follow
from imports.demo.catalogue import GENRES, demo_films
from imports.demo.people import PEOPLE, QUIET_MEMBERS
from imports.demo.plan import SPAN_DAYS
from imports.management.commands.seed_demo import DEMO_USER_PASSWORD, DEMO_USERNAMES
from lists.models import FilmList, ListItem, ListLike
from movies.models import Genre, Movie
from movies.ratings import no_ratings, rating_key
from notifications.models import Notification
from reviews.models import Review, ReviewLike

pytestmark = pytest.mark.django_db

FIRST_VERSION_USERNAMES = ["ada", "grace", "linus", "margaret", "alan", "barbara", "ken", "radia"]
# The films of the demo's first version: databases seeded by it keep matching them.
FIRST_VERSION_FILMS = {
    ("The Shawshank Redemption", 1994), ("The Godfather", 1972), ("The Dark Knight", 2008), ("Pulp Fiction", 1994),
    ("Inception", 2010), ("The Matrix", 1999), ("Spirited Away", 2001), ("Toy Story", 1995), ("Alien", 1979),
    ("Amélie", 2001), ("Parasite", 2019), ("Casablanca", 1942), ("Mad Max: Fury Road", 2015),
    ("The Grand Budapest Hotel", 2014), ("Get Out", 2017), ("Arrival", 2016), ("Heat", 1995), ("Up", 2009),
    ("Blade Runner", 1982), ("Whiplash", 2014), ("The Shining", 1980), ("Before Sunrise", 1995),
    ("Seven Samurai", 1954), ("Everything Everywhere All at Once", 2022),
}  # fmt: skip


def seed() -> str:
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):  # notifications are made once the seed has committed
        call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The first run's output; its data stays for the module's tests."""
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast_hashing:
        output = seed()
        yield output
        transaction.set_rollback(True)


def user(username: str):
    return get_user_model().objects.get(username=username)


# --- The catalogue data ----------------------------------------------------------------------------------------


def test_the_catalogue_data_is_well_formed():
    films = demo_films()

    assert len(films) >= 160
    assert len({film.key for film in films}) == len(films)
    assert {film.key for film in films} >= FIRST_VERSION_FILMS
    assert {film.year // 10 * 10 for film in films} >= set(range(1920, 2030, 10))
    assert {genre for film in films for genre in film.genres} == set(GENRES)
    assert len({film.country for film in films}) >= 10
    for film in films:
        assert 1900 <= film.year <= 2025, film
        assert film.genres and set(film.genres) <= set(GENRES), film
        assert film.directors and all(name.strip() == name and name for name in film.directors), film
        assert 1 <= len(film.cast) <= 4 and len(film.keywords) >= 3, film
        assert 8 <= len(film.description.split()) <= 20 and len(film.description) <= 140, film
        assert film.description.endswith("."), film
        assert 1 <= film.standing <= 5, film
    assert sum("Documentary" not in film.genres and len(film.cast) >= 3 for film in films) >= 0.9 * len(films)


def test_the_demo_people_are_distinct_and_keep_the_first_versions_usernames():
    assert DEMO_USERNAMES[:8] == FIRST_VERSION_USERNAMES
    assert len(set(DEMO_USERNAMES)) == len(DEMO_USERNAMES) >= 12
    assert len({person.label for person in PEOPLE}) == len(PEOPLE)
    assert all(person.bio and set(person.tastes) <= set(GENRES) for person in PEOPLE)
    assert all(person.preferred_genres and set(person.preferred_genres) <= set(GENRES) for person in PEOPLE)
    assert {member.archetype for member in QUIET_MEMBERS} <= set(DEMO_USERNAMES)
    assert not {member.username for member in QUIET_MEMBERS} & set(DEMO_USERNAMES)


# --- What the seed writes --------------------------------------------------------------------------------------


def test_every_film_is_there_with_its_facts_and_every_person_with_their_profile(seeded, api_client):
    assert Movie.objects.count() == len(demo_films())
    assert not Movie.objects.filter(Q(genres__isnull=True) | Q(description="") | Q(directors=[]) | Q(cast=[]))
    assert Genre.objects.get(name="Sci-Fi").movies.count() >= 40
    ada = user("ada")
    assert ada.check_password(DEMO_USER_PASSWORD) and ada.bio.startswith("Sci-fi devotee")
    assert "Sci-Fi" in ada.preferred_genres.values_list("name", flat=True)
    assert get_user_model().objects.filter(username__in=DEMO_USERNAMES).count() == len(DEMO_USERNAMES)
    assert "Admin login: admin / flixreview-admin" in seeded
    assert all(f"{person.username} ({person.label})" in seeded for person in PEOPLE)
    admin = user("admin")
    assert admin.is_superuser and admin.check_password("flixreview-admin")
    for path in ("/api/movies/", "/api/reviews/", "/api/genres/", "/api/recommendations/trending/", "/api/lists/"):
        assert api_client.get(path).json()


def test_their_activity_spreads_over_the_last_two_years(seeded):
    now = timezone.now()
    people = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    reviews = Review.objects.filter(user__in=people)
    assert reviews.count() >= 600 and reviews.exclude(body="").count() >= 200
    assert Review.objects.filter(rating__in=[2.5, 3.5, 4.5]).exists()  # half stars
    oldest = reviews.order_by("created_at").first()
    assert oldest and now - oldest.created_at <= datetime.timedelta(days=SPAN_DAYS)
    assert reviews.filter(created_at__gte=now - datetime.timedelta(days=7)).count() >= 5
    entries = DiaryEntry.objects.filter(user__in=people)
    assert entries.count() >= 400 and entries.filter(rewatch=True).count() >= 10
    assert entries.filter(review__isnull=False).exclude(rating=None).count() >= 300
    assert not entries.exclude(rating=None).filter(review__isnull=True).exists()
    assert entries.filter(watched_on__lt=now.date() - datetime.timedelta(days=365)).exists()
    for model in (WatchedMark, WatchlistEntry, MovieLike):
        assert model.objects.filter(user__in=people).count() >= 50
    for model in (Review, DiaryEntry, ReviewLike, ListLike, Comment, Follow, FilmList, Event, Notification):
        assert not model.objects.filter(created_at__gt=timezone.now()).exists(), model
    # Nobody's watchlist holds a film they have reviewed.
    assert not WatchlistEntry.objects.filter(user__in=people, movie__reviews__user=F("user")).exists()


def test_the_aggregates_and_counters_match_the_rows(seeded):
    for movie in Movie.objects.all():
        ratings = list(movie.reviews.values_list("rating", flat=True))
        assert movie.review_count == len(ratings)
        assert movie.avg_rating == pytest.approx(sum(ratings) / len(ratings) if ratings else 0)
        assert movie.rating_distribution == {**no_ratings(), **Counter(rating_key(rating) for rating in ratings)}
        assert movie.like_count == MovieLike.objects.filter(movie=movie).count()
    for review in Review.objects.filter(Q(like_count__gt=0) | Q(comment_count__gt=0)):
        assert review.like_count == review.likes.count()
        assert review.comment_count == review.comments.count()
    assert Review.objects.filter(like_count__gt=0).count() == ReviewLike.objects.values("review").distinct().count()
    for film_list in FilmList.objects.all():
        assert film_list.item_count == film_list.items.count()
        assert film_list.like_count == ListLike.objects.filter(film_list=film_list).count()
        assert film_list.comment_count == film_list.comments.count()


def test_tastes_show_in_the_ratings(seeded):
    fans = [("ada", "Sci-Fi"), ("ken", "Horror"), ("barbara", "Animation"), ("margaret", "Documentary")]
    for username, genre in fans:
        ratings = defaultdict(list)
        for rating, genres in _ratings_with_genres(username):
            ratings[genre in genres].append(rating)
        assert len(ratings[True]) >= 10, username
        assert statistics.mean(ratings[True]) >= statistics.mean(ratings[False]) + 0.5, username
    dennis = [rating for rating, _ in _ratings_with_genres("dennis")]
    assert len(dennis) >= 120 and statistics.pstdev(dennis) < 0.6  # the completist rates everything middling


def _ratings_with_genres(username: str) -> list[tuple[float, set[str]]]:
    genres = defaultdict(set)
    for movie_id, name in Movie.genres.through.objects.values_list("movie_id", "genre__name"):
        genres[movie_id].add(name)
    reviews = Review.objects.filter(user__username=username).values_list("rating", "movie_id")
    return [(rating, genres[movie_id]) for rating, movie_id in reviews]


def test_lists_are_ranked_from_one_with_notes_and_one_is_private(seeded):
    lists = FilmList.objects.filter(owner__username__in=DEMO_USERNAMES)
    assert lists.count() >= 10 and lists.values("owner").distinct().count() >= 6
    assert lists.filter(ranked=True).exists() and list(lists.filter(public=False).values_list("name", flat=True))
    for film_list in lists:
        assert list(film_list.items.values_list("position", flat=True)) == list(range(1, film_list.item_count + 1))
    assert ListItem.objects.exclude(note="").count() >= 10
    assert Event.objects.filter(film_list__public=False, hidden=True).exists()


def test_follows_group_similar_tastes_and_never_cross_a_block(seeded):
    assert Block.objects.filter(blocker__username="grace", blocked__username="ken").exists()
    for block in Block.objects.all():
        pair = Q(follower=block.blocker, followee=block.blocked) | Q(follower=block.blocked, followee=block.blocker)
        assert not Follow.objects.filter(pair).exists()
        assert not ReviewLike.objects.filter(user=block.blocked, review__user=block.blocker).exists()
        assert not Comment.objects.filter(author=block.blocked, review__user=block.blocker).exists()
    follows = set(Follow.objects.values_list("follower__username", "followee__username"))
    assert {("ada", "linus"), ("alan", "katherine"), ("grace", "tim")} <= follows
    assert all(Follow.objects.filter(follower__username=name).count() >= 3 for name in DEMO_USERNAMES)
    assert Follow.objects.filter(follower__username__in=[m.username for m in QUIET_MEMBERS]).count() >= 39


def test_conversations_and_likes_connect_the_people(seeded):
    assert ReviewLike.objects.count() >= 150 and ListLike.objects.count() >= 15
    comments = Comment.objects.all()
    assert comments.count() >= 60 and comments.filter(film_list__isnull=False).count() >= 5
    threads = comments.filter(review__isnull=False).values("review").annotate(n=Count("pk")).filter(n__gte=3)
    assert threads.exists()
    assert all(comment.created_at > comment.review.created_at for comment in comments.filter(review__isnull=False))


def test_a_demo_persons_feed_shows_what_the_people_they_follow_did(seeded):
    ada = user("ada")
    followed = set(Follow.objects.filter(follower=ada).values_list("followee__username", flat=True))

    rows = authenticated_client(ada).get("/api/feed/").json()["results"]

    assert rows and {row["actor"] for row in rows} <= followed
    assert len({row["kind"] for row in rows}) >= 2
    newest = datetime.datetime.fromisoformat(rows[0]["created_at"])
    assert timezone.now() - newest < datetime.timedelta(days=14)
    assert Event.objects.count() >= Review.objects.count() + DiaryEntry.objects.count()


def test_notifications_are_dated_like_what_they_report_and_the_old_ones_read(seeded):
    ada = user("ada")
    notifications = Notification.objects.filter(recipient=ada)
    assert notifications.filter(kind=Notification.Kind.FOLLOW).exists()
    assert notifications.filter(kind=Notification.Kind.REVIEW_LIKE).exists()
    month_ago = timezone.now() - datetime.timedelta(days=30)
    assert notifications.filter(created_at__lt=month_ago, read_at__isnull=False).exists()
    assert not notifications.filter(created_at__lt=month_ago, read_at__isnull=True).exists()
    body = authenticated_client(ada).get("/api/notifications/").json()
    assert body["count"] == notifications.count() and body["unread_count"] < body["count"]


def test_a_second_run_creates_nothing_and_changes_nothing(seeded):
    before = snapshot()

    output = seed()

    assert "nothing new" in output
    assert snapshot() == before


def snapshot() -> dict[str, list]:
    return {
        "movies": list(Movie.objects.order_by("pk").values_list("pk", "title", "avg_rating", "like_count")),
        "users": list(get_user_model().objects.order_by("pk").values_list("pk", "username", "bio", "password")),
        "reviews": list(Review.objects.order_by("pk").values_list("pk", "rating", "body", "created_at")),
        "diary": list(DiaryEntry.objects.order_by("pk").values_list("pk", "watched_on", "rating", "review")),
        "marks": [model.objects.count() for model in (WatchedMark, WatchlistEntry, MovieLike)],
        "items": list(ListItem.objects.order_by("pk").values_list("pk", "film_list", "position", "note")),
        "social": [model.objects.count() for model in (Follow, Block, ReviewLike, ListLike, Comment, FilmList)],
        "feed": [Event.objects.count(), Notification.objects.count()],
        "genres": list(Genre.objects.order_by("pk").values_list("pk", "name")),
    }


def test_the_admin_credentials_come_from_the_environment(seeded, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "boss")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "s3cret-pass")

    output = seed()

    assert "Admin login: boss / s3cret-pass" in output
    assert user("boss").check_password("s3cret-pass")


def test_a_database_seeded_by_the_first_version_gets_the_new_facts(seeded):
    """Its movies and users are matched, not duplicated: the films get their directors, cast and description,
    the users their bio."""
    godfather = Movie.objects.get(title="The Godfather")
    Movie.objects.filter(pk=godfather.pk).update(directors=[], cast=[], description="Old text.")
    get_user_model().objects.filter(username="ada").update(bio="Demo account ada.")
    count = Movie.objects.count()

    seed()

    godfather.refresh_from_db()
    assert Movie.objects.count() == count
    assert godfather.directors == ["Francis Ford Coppola"] and godfather.description != "Old text."
    assert user("ada").bio.startswith("Sci-fi devotee")
