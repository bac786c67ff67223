"""The friends' activity feed (pages by cursor, a kind filter) and the notifications (marking read, in place too)."""

import pytest
from django.test import TestCase
from django.urls import reverse

from comments.services import comment_create
from core.pagination import KeysetPagination
from feed.tests.utils import diary_entry_by, follow, like_by, list_by, one_of_each, review_by
from follows.services import follow_create
from notifications.models import Notification
from tests.factories import UserFactory
from web.tests.people_fixtures import HTMX, Cast, a_list, make_cast, messages_of, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


FEED = reverse("web:feed")
NOTIFICATIONS = reverse("web:notifications")
READ = reverse("web:notifications-read")


# --- the feed -----------------------------------------------------------------------------------


def test_the_feed_is_for_members_only(cast: Cast):
    assert cast.client("anonymous").get(FEED)["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("who", ["owner", "other", "admin"])
def test_the_feed_shows_what_the_followed_members_did_newest_first(cast: Cast, who):
    friend = UserFactory(username="friend")
    follow(getattr(cast, who), friend)
    one_of_each(friend)
    list_by(friend, name="Noir <b>nights</b>")

    response = cast.client(who).get(FEED)

    html = response.content.decode()
    assert [item.kind for _, item in response.context["entries"]][:2] == ["list", "review_like"]
    assert "Noir &lt;b&gt;nights&lt;/b&gt;" in html and "<b>nights</b>" not in html
    newest = response.context["entries"][0][1]
    assert reverse("web:list", args=[newest.film_list.id]) in html
    assert "rewatched" in html and "reviewed" in html and "liked" in html


def test_the_feed_filters_by_kind_and_says_when_a_kind_is_unknown(cast: Cast):
    friend = UserFactory()
    follow(cast.owner, friend)
    one_of_each(friend)

    reviews = cast.client("owner").get(FEED, {"kind": "review"})
    unknown = cast.client("owner").get(FEED, {"kind": "nonsense"})

    assert [item.kind for _, item in reviews.context["entries"]] == ["review"]
    assert '<option value="review" selected>' in reviews.content.decode()
    assert unknown.status_code == 400 and len(unknown.context["entries"]) == 4
    assert "There is no such kind of activity" in unknown.content.decode()


def test_older_activity_comes_by_cursor_and_with_htmx_as_a_partial(cast: Cast):
    friend = UserFactory()
    follow(cast.owner, friend)
    for _ in range(25):
        review_by(friend)
    client = cast.client("owner")

    first = client.get(FEED)
    cursor = first.context["next_cursor"]
    older = client.get(FEED, {"cursor": cursor})
    partial = client.get(FEED, {"cursor": cursor}, **HTMX)

    assert len(first.context["entries"]) == 20 and f"cursor={cursor}" in first.content.decode()
    assert len(older.context["entries"]) == 5 and older.context["next_cursor"] is None
    seen = {item.id for _, item in first.context["entries"]} | {item.id for _, item in older.context["entries"]}
    assert len(seen) == 25
    assert "<html" not in partial.content.decode() and "data-autofocus" in partial.content.decode()
    assert "Back to the newest" in older.content.decode()


def test_a_broken_cursor_shows_the_newest_activity_with_a_400(cast: Cast):
    response = cast.client("owner").get(FEED, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_the_feed_leaves_out_private_diaries_and_members_across_a_block(cast: Cast):
    private, blocked = UserFactory(diary_public=False), UserFactory()
    follow(cast.owner, private, blocked)
    diary_entry_by(private)
    review_by(blocked)
    from follows.services import block_create

    block_create(blocker=blocked, blocked=cast.owner)
    follow(cast.owner, blocked)  # even a follow that somehow outlived the block shows nothing

    assert cast.client("owner").get(FEED).context["entries"] == []


@pytest.mark.parametrize("size", [1, 5])
def test_the_feed_reads_in_a_fixed_number_of_queries(cast: Cast, size):
    friends = UserFactory.create_batch(size)
    follow(cast.owner, *friends)
    for friend in friends:
        one_of_each(friend)
        like_by(friend)

    # Session, user, badge; the page's events; their objects.
    assert queries_of(cast.client("owner"), FEED) == 5
    cursor = KeysetPagination.encode_cursor(cast.client("owner").get(FEED).context["entries"][0][0])
    assert queries_of(cast.client("owner"), f"{FEED}?cursor={cursor}&kind=review") == 5


# --- notifications ------------------------------------------------------------------------------


def notify(member, count: int) -> list[Notification]:
    """``count`` follows of ``member`` (each a notification), and a comment on their list (notifications are made
    once the writes commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        for _ in range(count):
            follow_create(follower=UserFactory(), followee=member)
        film_list = a_list(member, 1, name="Films <3")
        comment_create(author=UserFactory(username="commenter"), body="<em>Lovely</em> list", film_list=film_list)
    return list(Notification.objects.filter(recipient=member))


def test_notifications_are_for_members_only(cast: Cast):
    assert cast.client("anonymous").get(NOTIFICATIONS)["Location"].startswith(reverse("web:login"))
    assert cast.client("anonymous").post(READ, {"all": "1"})["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("who", ["owner", "other", "admin"])
def test_each_member_sees_their_own_notifications_newest_first_with_the_unread_marked(cast: Cast, who):
    notify(cast.owner, 2)

    response = cast.client(who).get(NOTIFICATIONS)

    html = response.content.decode()
    if who != "owner":
        assert response.context["notifications"] == [] and "No notifications yet." in html
        return
    assert [n.kind for n in response.context["notifications"]] == ["list_comment", "follow", "follow"]
    assert html.count('class="tag tag-new"') == 3
    assert "commenter</a> commented on your list" in html
    assert "Films &lt;3</a>" in html and "&lt;em&gt;Lovely&lt;/em&gt; list" in html and "<em>Lovely" not in html
    assert reverse("web:list", args=[response.context["notifications"][0].film_list_id]) + "#comments" in html
    assert '<span class="badge">3<span class="visually-hidden"> unread</span>' in html


def test_marking_one_read_without_javascript_comes_back_with_a_message(cast: Cast):
    first, *_ = notify(cast.owner, 2)

    response = cast.client("owner").post(READ, {"id": first.pk})

    assert response.status_code == 302 and response["Location"] == NOTIFICATIONS
    assert messages_of(response) == ["Marked read. 2 unread left."]
    assert Notification.objects.filter(read_at__isnull=True).count() == 2


def test_marking_read_with_htmx_answers_the_list_and_the_headers_badge(cast: Cast):
    first, *_ = notify(cast.owner, 2)
    client = cast.client("owner")

    one = client.post(READ, {"id": first.pk, "page": "1"}, **HTMX)
    everything = client.post(READ, {"all": "1"}, **HTMX)

    html = one.content.decode()
    assert 'id="notifications-region"' in html and "<html" not in html
    assert 'id="nav-notifications"' in html and 'hx-swap-oob="true"' in html and '<span class="badge">2' in html
    assert f'id="notification-{first.pk}" tabindex="-1" data-autofocus' in html
    assert 'id="mark-all-read-control" hx-swap-oob="true"' in html and "Mark all read" in html  # 2 left unread
    assert 'id="notifications-region" class="notifications-region">' in html  # the marked one takes the focus
    assert "All your notifications are read." in everything.content.decode()
    assert 'class="badge"' not in everything.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_goes_with_the_last_unread_notification_and_the_focus_moves_to_the_list(cast: Cast):
    notify(cast.owner, 1)
    client = cast.client("owner")
    assert 'id="mark-all-read"' in client.get(NOTIFICATIONS).content.decode()

    html = client.post(READ, {"all": "1", "page": "1"}, **HTMX).content.decode()

    control = html.split('<div id="mark-all-read-control" hx-swap-oob="true">', 1)[1].split("</div>", 1)[0]
    assert "<button" not in control.replace(" ", "")  # swapped in empty: the button is gone
    assert 'id="notifications-region" class="notifications-region" tabindex="-1" data-autofocus' in html
    assert 'id="mark-all-read"' not in client.get(NOTIFICATIONS).content.decode()


def test_marking_the_last_unread_one_read_takes_mark_all_read_away(cast: Cast):
    first, last = notify(cast.owner, 1)  # a follow and a comment
    client = cast.client("owner")

    one_left = client.post(READ, {"id": first.pk, "page": "1"}, **HTMX).content.decode()
    none_left = client.post(READ, {"id": last.pk, "page": "1"}, **HTMX).content.decode()

    assert 'id="mark-all-read-control" hx-swap-oob="true"' in one_left and 'id="mark-all-read"' in one_left
    assert 'id="mark-all-read-control" hx-swap-oob="true"' in none_left and 'id="mark-all-read"' not in none_left
    assert f'id="notification-{last.pk}" tabindex="-1" data-autofocus' in none_left  # the focus stays on it


def test_someone_elses_notifications_stay_unread_and_nonsense_is_refused(cast: Cast):
    theirs = notify(cast.owner, 1)[0]
    client = cast.client("other")

    client.post(READ, {"id": theirs.pk})
    nothing = client.post(READ, {})
    nonsense = client.post(READ, {"id": "x"})

    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert messages_of(nothing) == ["Send either ids or all (true), not both."]
    assert "A valid integer is required." in messages_of(nonsense)[0]


@pytest.mark.parametrize("size", [1, 5])
def test_notifications_read_in_a_fixed_number_of_queries(cast: Cast, size):
    notify(cast.owner, size)

    # Session, user, badge; the count and the page.
    assert queries_of(cast.client("owner"), NOTIFICATIONS) == 5


def test_notifications_about_reviews_and_replies_link_to_the_film(cast: Cast):
    from reviews.services import review_like

    review = review_by(cast.owner)
    with TestCase.captureOnCommitCallbacks(execute=True):
        review_like(user=cast.other, review=review)
        comment_create(author=cast.admin, body="First", review=review)
        comment_create(author=cast.other, body="Second", review=review)

    owner = cast.client("owner").get(NOTIFICATIONS).content.decode()
    admin = cast.client("admin").get(NOTIFICATIONS).content.decode()

    film = reverse("web:film", args=[review.movie_id]) + f"#review-{review.pk}"
    assert "liked your review of" in owner and "commented on your review of" in owner and film in owner
    assert "replied where you commented, on" in admin and film in admin and "Second" in admin
