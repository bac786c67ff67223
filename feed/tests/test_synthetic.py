"""generate_synthetic_social on a tiny size: the requested rows, one event per object, exact counters, ids that
new rows do not collide with, a working feed; and a clear refusal the second time."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from activity.models import DiaryEntry
from conftest import authenticated_client
from feed.models import Event
from feed.synthetic import USERNAME_PREFIX
from feed.tests.utils import FEED_URL, items, list_by
from follows.models import Follow
from lists.models import FilmList
from movies.models import Movie
from reviews.models import Review, ReviewLike
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db(transaction=False)

ARGS = ("--users", "30", "--follows", "5", "--events", "400", "--movies", "40", "--seed", "3")


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_synthetic_social", *args, stdout=out)
    return out.getvalue()


def test_tiny_world_has_the_requested_rows_and_one_event_per_object():
    output = run(*ARGS)

    assert "400 events" in output and "planner statistics" in output
    members = Follow.objects.values("follower").annotate(n=Count("pk"))
    assert members.count() == 30 and {row["n"] for row in members} == {5}
    assert not Follow.objects.filter(follower=F("followee")).exists()
    assert Movie.objects.count() == 40
    assert (Review.objects.count(), DiaryEntry.objects.count(), FilmList.objects.count()) == (160, 140, 20)
    assert ReviewLike.objects.count() == 80 and Event.objects.count() == 400
    assert not ReviewLike.objects.filter(user=F("review__user")).exists()
    for kind, field in [("review", "review"), ("diary_entry", "diary_entry"), ("list", "film_list")]:
        events = Event.objects.filter(kind=kind)
        assert events.count() == events.values(field).distinct().count()
        assert not events.exclude(created_at=F(f"{field}__created_at")).exists()
        assert not events.exclude(actor=F(f"{field}__{'owner' if kind == 'list' else 'user'}")).exists()
    likes = Event.objects.filter(kind="review_like")
    assert not likes.exclude(subject=F("review_like__review__user")).exists()
    assert not likes.exclude(created_at__gte=F("review_like__review__created_at")).exists()
    counted = Review.objects.annotate(n=Count("likes")).exclude(like_count=F("n"))
    assert not counted.exists()
    movie = Movie.objects.filter(review_count__gt=0).first()
    assert movie.review_count == Review.objects.filter(movie=movie).count()


def test_the_feed_reads_it_and_new_rows_get_fresh_ids():
    run(*ARGS)
    member = Follow.objects.filter(follower__username__startswith=USERNAME_PREFIX).first().follower

    rows = items(authenticated_client(member).get(FEED_URL, {"page_size": 100}))

    assert rows and {row["actor"] for row in rows} <= set(
        member.following_set.values_list("followee__username", flat=True)
    )
    ReviewFactory(user=member)  # the id sequences were moved past the explicit ids
    list_by(member)
    assert Event.objects.count() == 402


def test_it_refuses_to_run_twice():
    run(*ARGS)

    with pytest.raises(CommandError, match="already here"):
        run(*ARGS)
    assert Event.objects.count() == 400


@pytest.mark.parametrize(
    "args, message",
    [
        (("--users", "5", "--follows", "5", "--events", "10"), "--follows must be less"),
        (("--users", "0", "--events", "10"), "at least 1"),
        (("--users", "2", "--follows", "1", "--events", "100000", "--movies", "3"), "Too many reviews"),
    ],
)
def test_impossible_sizes_are_refused_before_writing(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Movie.objects.exists() and not Follow.objects.exists()


def test_hidden_flags_match_the_objects():
    run(*ARGS)

    hidden = Event.objects.filter(hidden=True)
    expected = (
        Event.objects.filter(review__hidden=True).count()
        + Event.objects.filter(film_list__public=False).count()
        + Event.objects.filter(review_like__review__hidden=True).count()
    )
    assert hidden.count() == expected > 0
    assert not hidden.filter(kind="diary_entry").exists()
