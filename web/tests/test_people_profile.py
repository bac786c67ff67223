"""A member's profile, followers and following; following and blocking from the site."""

import pytest
from django.urls import reverse

from follows.models import Block, Follow
from follows.services import block_create, follow_create
from web.tests.people_fixtures import HTMX, PEOPLE, Cast, history, make_cast, messages_of, queries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def profile_url(member) -> str:
    return reverse("web:profile", args=[member.username])


@pytest.mark.parametrize("who", PEOPLE)
def test_everyone_sees_a_profile_with_its_stats_favourites_and_taste(cast: Cast, who):
    history(cast.owner, 2)

    response = cast.client(who).get(profile_url(cast.owner))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>owner</h1>" in html
    assert "Films &lt;b&gt;and&lt;/b&gt; more" in html and "<b>and</b>" not in html
    assert response.context["stats"]["films_watched"] == 4  # two reviewed, two logged
    assert [favourite["reason"] for favourite in response.context["favourites"]][:1] == ["Rated 4.5 of 5"]
    assert 'role="img"' in html and "Favourite genres as a table" in html
    assert ("Edit your profile" in html) == (who == "owner")
    assert ('aria-pressed="false"' in html) == (who in {"other", "admin"})
    assert ("Log in to follow" in html) == (who == "anonymous")


def test_a_private_list_counts_and_shows_only_for_its_owner(cast: Cast):
    history(cast.owner, 2)  # one public list, one private

    assert cast.client("owner").get(profile_url(cast.owner)).context["list_count"] == 2
    for who in ("anonymous", "other", "admin"):
        response = cast.client(who).get(profile_url(cast.owner))
        assert response.context["list_count"] == 1
        assert "List 1" not in response.content.decode()


def test_a_private_diary_leaves_the_profile_for_others_and_the_taste_loses_its_decades(cast: Cast):
    history(cast.owner, 2)
    cast.owner.diary_public = False
    cast.owner.save()

    for who in ("anonymous", "other", "admin"):
        response = cast.client(who).get(profile_url(cast.owner))
        html = response.content.decode()
        assert "keeps their diary private" in html
        assert response.context["recent_diary"] == []
        assert response.context["stats"]["films_this_year"] is None
        assert response.context["taste"]["decades"] is None
        assert reverse("web:diary", args=["owner"]) not in html
    own = cast.client("owner").get(profile_url(cast.owner))
    assert len(own.context["recent_diary"]) == 2 and own.context["taste"]["decades"]


def test_an_unknown_or_deactivated_member_is_a_404(cast: Cast):
    cast.other.is_active = False
    cast.other.save()

    assert cast.client("owner").get(reverse("web:profile", args=["nobody"])).status_code == 404
    assert cast.client("owner").get(profile_url(cast.other)).status_code == 404


def test_across_a_block_the_profile_shows_only_who_it_is_and_the_block(cast: Cast):
    history(cast.owner, 1)
    block_create(blocker=cast.other, blocked=cast.owner)

    mine = cast.client("other").get(profile_url(cast.owner)).content.decode()
    theirs = cast.client("owner").get(profile_url(cast.other)).content.decode()

    assert "You blocked owner" in mine and "Unblock owner" in mine and "Favourite films" not in mine
    assert "Films &lt;b&gt;and" not in mine and "aria-pressed" not in mine
    assert "You cannot see other's profile" in theirs and "Block other" in theirs and "Favourite films" not in theirs


@pytest.mark.parametrize("who", ["anonymous", "owner", "other"])
@pytest.mark.parametrize("size", [1, 5])
def test_the_profile_reads_in_a_fixed_number_of_queries(cast: Cast, who, size):
    history(cast.owner, size)

    # Session, user and unread badge when logged in; the member, their profile row, the block check (for someone
    # else), two for the stats, the lists' count, favourites (rated, liked), diary, reviews, lists, and the taste
    # profile's five (reviews, likes, genres, the catalogue's mean, the other films watched).
    expected = {"anonymous": 15, "owner": 18, "other": 19}[who]
    assert queries_of(cast.client(who), profile_url(cast.owner)) == expected


# --- follow and unfollow ------------------------------------------------------------------------


def test_following_without_javascript_posts_then_comes_back_with_a_message(cast: Cast):
    client = cast.client("other")

    response = client.post(reverse("web:follow", args=["owner"]), {"action": "follow"})

    assert response.status_code == 302 and response["Location"] == profile_url(cast.owner)
    assert messages_of(response) == ["You follow owner."]
    assert Follow.objects.filter(follower=cast.other, followee=cast.owner).exists()
    response = client.post(reverse("web:follow", args=["owner"]), {"action": "unfollow", "next": "/feed/"})
    assert response["Location"] == "/feed/"
    assert not Follow.objects.exists()


def test_following_with_htmx_answers_the_control_in_place(cast: Cast):
    client = cast.client("other")

    response = client.post(reverse("web:follow", args=["owner"]), {"action": "follow", "show_count": "1"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'aria-pressed="true"' in html and 'value="unfollow"' in html
    assert 'id="follower-count" hx-swap-oob="true"' in html and ">1</a>" in html
    assert 'hx-swap-oob="innerHTML"' in html and "You follow owner." in html


def test_following_yourself_or_across_a_block_is_refused_with_the_apis_words(cast: Cast):
    client = cast.client("owner")
    block_create(blocker=cast.other, blocked=cast.owner)

    own = client.post(reverse("web:follow", args=["owner"]), {"action": "follow"}, follow=True)
    blocked = client.post(reverse("web:follow", args=["other"]), {"action": "follow"}, **HTMX)

    assert "You cannot follow yourself." in own.content.decode()
    assert "One of you has blocked the other" in blocked.content.decode()
    assert 'aria-pressed="false"' in blocked.content.decode()
    assert not Follow.objects.exists()


def test_following_needs_a_login_and_a_post(cast: Cast):
    url = reverse("web:follow", args=["owner"])

    assert cast.client("anonymous").post(url)["Location"].startswith(reverse("web:login"))
    assert cast.client("other").get(url).status_code == 405
    assert cast.client("other").post(reverse("web:follow", args=["ghost"])).status_code == 404


# --- block and unblock --------------------------------------------------------------------------


def test_blocking_ends_the_follows_and_unblocking_does_not_bring_them_back(cast: Cast):
    follow_create(follower=cast.owner, followee=cast.other)
    client = cast.client("owner")

    response = client.post(reverse("web:block", args=["other"]), {"action": "block"})

    assert response.status_code == 302
    assert "You blocked other" in messages_of(response)[0]
    assert Block.objects.filter(blocker=cast.owner, blocked=cast.other).exists()
    assert not Follow.objects.exists()
    response = client.post(reverse("web:block", args=["other"]), {"action": "unblock"})
    assert "You unblocked other" in messages_of(response)[0]
    assert not Block.objects.exists() and not Follow.objects.exists()


def test_blocking_yourself_is_refused(cast: Cast):
    response = cast.client("owner").post(reverse("web:block", args=["owner"]), {"action": "block"})

    assert messages_of(response) == ["You cannot block yourself."]
    assert not Block.objects.exists()


# --- followers and following --------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_followers_and_following_list_the_members_newest_first(cast: Cast, who):
    follow_create(follower=cast.other, followee=cast.owner)
    follow_create(follower=cast.owner, followee=cast.admin)

    followers = cast.client(who).get(reverse("web:followers", args=["owner"]))
    following = cast.client(who).get(reverse("web:following", args=["owner"]))

    assert [row["person"] for row in followers.context["rows"]] == [cast.other]
    assert [row["person"] for row in following.context["rows"]] == [cast.admin]
    html = followers.content.decode()
    assert ('aria-pressed="false"' in html) == (who in {"owner", "admin"})  # not for yourself, not anonymously
    assert followers.context["rows"][0]["followed"] is False


def test_whom_you_follow_shows_pressed_in_a_list_of_followers(cast: Cast):
    follow_create(follower=cast.other, followee=cast.owner)
    follow_create(follower=cast.admin, followee=cast.other)

    response = cast.client("admin").get(reverse("web:followers", args=["owner"]))

    assert response.context["rows"][0]["followed"] is True
    assert 'aria-pressed="true"' in response.content.decode()


def test_members_across_a_block_leave_the_lists_and_their_own_are_404(cast: Cast):
    follow_create(follower=cast.other, followee=cast.owner)
    block_create(blocker=cast.admin, blocked=cast.other)

    response = cast.client("admin").get(reverse("web:followers", args=["owner"]))

    assert response.context["rows"] == []
    assert cast.client("admin").get(reverse("web:followers", args=["other"])).status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_followers_read_in_a_fixed_number_of_queries(cast: Cast, size):
    history(cast.owner, size)

    # session, user, badge; member, block check, count, page, followed among them
    assert queries_of(cast.client("other"), reverse("web:followers", args=["owner"])) == 8
    assert queries_of(cast.client("other"), reverse("web:following", args=["owner"])) == 8
