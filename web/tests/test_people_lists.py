"""Lists on the site: a member's lists, a list's page, likes and comments, and the owner's changes (moving films by
buttons that work without JavaScript, and in place with htmx)."""

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.services import comment_create
from follows.services import block_create
from lists.models import FilmList, ListItem, ListLike
from lists.services import list_like
from tests.factories import MovieFactory
from web.tests.people_fixtures import (
    HTMX,
    PEOPLE,
    Cast,
    a_list,
    history,
    make_cast,
    messages_of,
    queries_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def list_url(film_list: FilmList, name: str = "web:list", *args) -> str:
    return reverse(name, args=[film_list.pk, *args])


def titles(film_list: FilmList) -> list[str]:
    items = ListItem.objects.filter(film_list=film_list).order_by("position")
    return list(items.values_list("movie__title", flat=True))


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PEOPLE)
def test_a_members_lists_show_the_private_ones_to_their_owner_alone(cast: Cast, who):
    a_list(cast.owner, name="Open <list>")
    a_list(cast.owner, name="Hidden", public=False)

    response = cast.client(who).get(reverse("web:lists", args=["owner"]))

    html = response.content.decode()
    assert "Open &lt;list&gt;" in html and "Open <list>" not in html
    assert ("Hidden" in html) == (who == "owner")
    assert ("Make a list" in html) == (who == "owner")


@pytest.mark.parametrize("who", PEOPLE)
def test_a_public_list_shows_its_films_notes_and_comments_escaped(cast: Cast, who):
    film_list = a_list(cast.owner, 2, name="Best <i>ever</i>", description="Line one\n<script>x</script>", ranked=True)
    ListItem.objects.filter(film_list=film_list, position=1).update(note="<b>Loud</b> note")
    comment_create(author=cast.other, body="<img src=x onerror=alert(1)>", film_list=film_list)

    response = cast.client(who).get(list_url(film_list))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Best &lt;i&gt;ever&lt;/i&gt;" in html and "<i>ever</i>" not in html
    assert "Line one<br>&lt;script&gt;x&lt;/script&gt;" in html
    assert "&lt;b&gt;Loud&lt;/b&gt; note" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert '<ol class="list-items ranked" start="1">' in html
    assert ("Move " in html) == (who == "owner")  # the owner's Up and Down buttons
    assert ('draggable="true"' in html) == (who == "owner")
    assert ('aria-pressed="false"' in html) == (who in {"other", "admin"})  # like: not your own list
    assert (list_url(film_list, "web:list-delete") in html) == (who in {"owner", "admin"})


@pytest.mark.parametrize("who", ["anonymous", "other", "admin"])
def test_a_private_list_is_a_404_to_everyone_but_its_owner(cast: Cast, who):
    film_list = a_list(cast.owner, public=False)

    assert cast.client(who).get(list_url(film_list)).status_code == 404
    assert cast.client("owner").get(list_url(film_list)).status_code == 200
    assert cast.client(who).post(list_url(film_list, "web:list-like")).status_code in {302, 404}
    assert not ListLike.objects.exists()


def test_across_a_block_the_list_and_the_members_lists_are_404(cast: Cast):
    film_list = a_list(cast.owner)
    block_create(blocker=cast.other, blocked=cast.owner)

    assert cast.client("other").get(list_url(film_list)).status_code == 404
    assert cast.client("other").get(reverse("web:lists", args=["owner"])).status_code == 404
    assert cast.client("owner").get(reverse("web:lists", args=["other"])).status_code == 404


def test_comments_of_members_across_a_block_are_left_out(cast: Cast):
    film_list = a_list(cast.owner)
    comment_create(author=cast.other, body="From other", film_list=film_list)
    block_create(blocker=cast.admin, blocked=cast.other)

    assert "From other" not in cast.client("admin").get(list_url(film_list)).content.decode()
    assert "From other" in cast.client("anonymous").get(list_url(film_list)).content.decode()


def test_a_long_list_pages_its_films_by_a_hundred(cast: Cast):
    film_list = a_list(cast.owner, 101, ranked=True)

    first = cast.client("other").get(list_url(film_list))
    second = cast.client("other").get(list_url(film_list), {"page": 2})

    assert len(first.context["items"]) == 100 and "?page=2" in first.content.decode()
    assert [item.position for item in second.context["items"]] == [101]
    assert 'start="101"' in second.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "owner", "other"])
@pytest.mark.parametrize("size", [1, 5])
def test_list_pages_read_in_a_fixed_number_of_queries(cast: Cast, who, size):
    history(cast.owner, size)
    film_list = FilmList.objects.filter(owner=cast.owner, public=True).first()
    for index in range(size):
        comment_create(author=cast.other, body=f"comment {index}", film_list=film_list)

    # The list (with the viewer's like, blocks as subqueries), the comments' count and page, the films; session,
    # user and badge when logged in.
    assert queries_of(cast.client(who), list_url(film_list)) == {"anonymous": 4, "owner": 7, "other": 7}[who]
    # The member, the block check (someone else), the count and the page of lists.
    assert queries_of(cast.client(who), reverse("web:lists", args=["owner"])) == {"anonymous": 3, "owner": 6,
                                                                                  "other": 7}[who]  # fmt: skip


# --- likes --------------------------------------------------------------------------------------


def test_liking_a_list_with_htmx_answers_the_control_in_place(cast: Cast):
    film_list = a_list(cast.owner)
    client = cast.client("other")

    response = client.post(list_url(film_list, "web:list-like"), {"action": "like"}, **HTMX)

    html = response.content.decode()
    assert 'aria-pressed="true"' in html and "1 like" in html and "<html" not in html
    assert "You like this list." in html
    response = client.post(list_url(film_list, "web:list-like"), {"action": "unlike"}, **HTMX)
    assert 'aria-pressed="false"' in response.content.decode() and "0 likes" in response.content.decode()
    assert not ListLike.objects.exists()


def test_liking_without_javascript_comes_back_with_a_message_and_your_own_list_is_refused(cast: Cast):
    film_list = a_list(cast.owner)

    response = cast.client("other").post(list_url(film_list, "web:list-like"), {"action": "like"})
    own = cast.client("owner").post(list_url(film_list, "web:list-like"), {"action": "like"})

    assert response.status_code == 302 and response["Location"] == list_url(film_list)
    assert messages_of(response) == ["You like this list."]
    assert messages_of(own) == ["You cannot like your own list."]
    assert ListLike.objects.get().user == cast.other


def test_liking_across_a_block_is_refused(cast: Cast):
    film_list = a_list(cast.owner)
    block_create(blocker=cast.owner, blocked=cast.other)

    response = cast.client("other").post(list_url(film_list, "web:list-like"), {"action": "like"})

    assert "One of you has blocked the other" in messages_of(response)[0]
    assert not ListLike.objects.exists()


# --- comments -----------------------------------------------------------------------------------


def test_commenting_without_javascript_posts_then_comes_back_to_the_comments(cast: Cast):
    film_list = a_list(cast.owner)

    response = cast.client("other").post(list_url(film_list, "web:list-comment"), {"body": "  <b>Nice</b>  "})

    assert response.status_code == 302 and response["Location"] == list_url(film_list) + "#comments"
    assert Comment.objects.get().body == "<b>Nice</b>"
    assert "&lt;b&gt;Nice&lt;/b&gt;" in cast.client("anonymous").get(list_url(film_list)).content.decode()


def test_an_empty_comment_shows_the_apis_error_on_the_form(cast: Cast):
    film_list = a_list(cast.owner)

    page = cast.client("other").post(list_url(film_list, "web:list-comment"), {"body": "   "})
    partial = cast.client("other").post(list_url(film_list, "web:list-comment"), {"body": ""}, **HTMX)

    assert page.status_code == 400 and page.context["comment_form"].errors
    assert partial.status_code == 200 and 'class="errorlist"' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    assert not Comment.objects.exists()


def test_commenting_with_htmx_answers_the_comments_in_place(cast: Cast):
    film_list = a_list(cast.owner)

    response = cast.client("other").post(list_url(film_list, "web:list-comment"), {"body": "Good <one>"}, **HTMX)

    html = response.content.decode()
    assert 'id="comments"' in html and "Good &lt;one&gt;" in html and "<html" not in html
    assert "Your comment is posted." in html


def test_comments_are_throttled_as_in_the_api(cast: Cast, settings):
    rest_framework = settings.REST_FRAMEWORK
    rates = {**rest_framework["DEFAULT_THROTTLE_RATES"], "comments": "2/minute"}
    settings.REST_FRAMEWORK = {**rest_framework, "DEFAULT_THROTTLE_RATES": rates}
    film_list = a_list(cast.owner)
    client, url = cast.client("other"), list_url(film_list, "web:list-comment")
    for n in range(2):
        assert client.post(url, {"body": f"n{n}"}).status_code == 302

    page = client.post(url, {"body": "too many"})
    partial = client.post(url, {"body": "too many"}, **HTMX)

    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "commenting too fast" in partial.content.decode()
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(("who", "allowed"), [("owner", True), ("other", True), ("admin", True), ("third", False)])
def test_a_comment_is_deleted_by_its_author_the_lists_owner_or_an_admin(cast: Cast, who, allowed):
    from tests.factories import UserFactory

    film_list = a_list(cast.owner)
    comment = comment_create(author=cast.other, body="Hi", film_list=film_list)
    if who == "third":
        cast.third = UserFactory()  # type: ignore[attr-defined]

    response = cast.client(who).post(list_url(film_list, "web:list-comment-delete", comment.pk))

    assert response.status_code == (302 if allowed else 403)
    assert Comment.objects.exists() is not allowed


def test_deleting_a_comment_with_htmx_answers_the_comments_in_place(cast: Cast):
    film_list = a_list(cast.owner)
    comment = comment_create(author=cast.other, body="Hi", film_list=film_list)

    response = cast.client("other").post(list_url(film_list, "web:list-comment-delete", comment.pk), **HTMX)

    assert "The comment is deleted." in response.content.decode()
    assert "No comments yet." in response.content.decode()


def test_a_comment_of_another_list_is_a_404_here(cast: Cast):
    film_list, elsewhere = a_list(cast.owner), a_list(cast.owner)
    comment = comment_create(author=cast.other, body="Hi", film_list=elsewhere)

    assert cast.client("owner").post(list_url(film_list, "web:list-comment-delete", comment.pk)).status_code == 404


# --- the owner's changes ------------------------------------------------------------------------


def test_making_a_list_validates_it_as_the_api_does(cast: Cast):
    client = cast.client("owner")

    empty = client.post(reverse("web:list-new"), {"name": "", "public": "on"})
    made = client.post(reverse("web:list-new"), {"name": "Noir", "description": "Dark", "ranked": "on"})

    assert empty.status_code == 400 and empty.context["form"].errors["name"]
    film_list = FilmList.objects.get()
    assert (film_list.name, film_list.ranked, film_list.public) == ("Noir", True, False)
    assert made["Location"] == list_url(film_list)
    assert cast.client("anonymous").get(reverse("web:list-new"))["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("other", 403), ("admin", 403)])
def test_only_the_owner_edits_a_list(cast: Cast, who, status):
    film_list = a_list(cast.owner, name="Mine")

    assert cast.client(who).get(list_url(film_list, "web:list-edit")).status_code == status
    assert cast.client(who).post(list_url(film_list, "web:list-edit"), {"name": "Theirs"}).status_code == status
    assert FilmList.objects.get().name == "Mine"


def test_the_owner_renames_describes_and_clears_the_description(cast: Cast):
    film_list = a_list(cast.owner, name="Mine", description="Old words")
    client = cast.client("owner")

    form = client.get(list_url(film_list, "web:list-edit"))
    response = client.post(list_url(film_list, "web:list-edit"), {"name": "Ours", "description": "", "public": "on"})

    assert form.context["form"].initial["description"] == "Old words"
    assert response.status_code == 302 and messages_of(response) == ["Your list is saved."]
    film_list.refresh_from_db()
    assert (film_list.name, film_list.description, film_list.public) == ("Ours", "", True)


@pytest.mark.parametrize(("who", "status"), [("owner", 302), ("admin", 302), ("other", 403), ("anonymous", 302)])
def test_the_owner_or_an_admin_deletes_a_list_after_confirming(cast: Cast, who, status):
    film_list = a_list(cast.owner, name="Gone")
    client = cast.client(who)

    if who in {"owner", "admin"}:
        assert "Delete Gone?" in client.get(list_url(film_list, "web:list-delete")).content.decode()
    response = client.post(list_url(film_list, "web:list-delete"))

    assert response.status_code == status
    assert FilmList.objects.exists() is (who in {"other", "anonymous"})
    if who in {"owner", "admin"}:
        assert response["Location"] == reverse("web:lists", args=["owner"])


def test_an_admin_cannot_delete_a_private_list_they_cannot_see(cast: Cast):
    film_list = a_list(cast.owner, public=False)

    assert cast.client("admin").post(list_url(film_list, "web:list-delete")).status_code == 404
    assert FilmList.objects.exists()


def test_the_owner_searches_the_catalogue_and_adds_a_film(cast: Cast):
    film_list = a_list(cast.owner, 1)
    heat = MovieFactory(title="Heat <1995>")
    client = cast.client("owner")

    page = client.get(list_url(film_list, "web:list-add"), {"search": "heat"})
    partial = client.get(list_url(film_list, "web:list-add"), {"search": "heat"}, **HTMX)
    added = client.post(list_url(film_list, "web:list-add"), {"movie": heat.pk, "next": "/somewhere/"})

    assert "<html" in page.content.decode() and "hx-post" not in page.content.decode()
    assert "<html" not in partial.content.decode() and "Heat &lt;1995&gt;" in partial.content.decode()
    assert added["Location"] == "/somewhere/" and messages_of(added) == ["Heat <1995> is added to the list."]
    assert titles(film_list)[-1] == "Heat <1995>"
    assert cast.client("other").get(list_url(film_list, "web:list-add"), {"search": "heat"}).status_code == 403


def test_adding_a_film_twice_or_an_unknown_one_says_why(cast: Cast):
    film_list = a_list(cast.owner, 1)
    movie = ListItem.objects.get().movie
    client = cast.client("owner")

    twice = client.post(list_url(film_list, "web:list-add"), {"movie": movie.pk}, **HTMX)
    unknown = client.post(list_url(film_list, "web:list-add"), {"movie": 999999})

    assert "already in the list" in twice.content.decode() and 'id="list-items-region"' in twice.content.decode()
    assert "999999" in messages_of(unknown)[0]
    assert ListItem.objects.count() == 1


def test_moving_a_film_without_javascript_posts_the_new_position_then_comes_back(cast: Cast):
    film_list = a_list(cast.owner, 3)
    first, second, third = titles(film_list)
    item = ListItem.objects.get(film_list=film_list, position=3)

    response = cast.client("owner").post(list_url(film_list, "web:list-item", item.pk), {"position": 2})

    assert response.status_code == 302 and response["Location"] == list_url(film_list)
    assert messages_of(response) == [f"{third} moved to position 2 of 3."]
    assert titles(film_list) == [first, third, second]


def test_moving_a_film_with_htmx_answers_the_films_and_keeps_the_focus_on_it(cast: Cast):
    film_list = a_list(cast.owner, 3)
    item = ListItem.objects.get(film_list=film_list, position=2)

    up = cast.client("owner").post(list_url(film_list, "web:list-item", item.pk), {"position": 1}, **HTMX)

    html = up.content.decode()
    assert 'id="list-items-region"' in html and "<html" not in html
    # At the top its Up button is disabled: the focus goes to its Down button.
    assert f'id="down-{item.pk}" data-autofocus' in html
    assert "moved to position 1 of 3" in html and 'hx-swap-oob="innerHTML"' in html


def test_a_position_outside_the_list_is_refused_with_the_apis_words(cast: Cast):
    film_list = a_list(cast.owner, 2)
    item = ListItem.objects.get(film_list=film_list, position=2)

    response = cast.client("owner").post(list_url(film_list, "web:list-item", item.pk), {"position": 3})

    assert messages_of(response) == ["Must be between 1 and 2 for this list."]


def test_the_owner_notes_a_film_and_clears_the_note(cast: Cast):
    film_list = a_list(cast.owner, 1)
    item = ListItem.objects.get()
    client = cast.client("owner")

    client.post(list_url(film_list, "web:list-item", item.pk), {"note": "Seen <twice>"})
    assert ListItem.objects.get().note == "Seen <twice>"
    response = client.post(list_url(film_list, "web:list-item", item.pk), {"note": ""}, **HTMX)

    assert ListItem.objects.get().note == ""
    assert f'id="note-toggle-{item.pk}" data-autofocus' in response.content.decode()


def test_the_owner_takes_a_film_out_and_the_rest_move_up(cast: Cast):
    film_list = a_list(cast.owner, 3)
    first, second, third = titles(film_list)
    item = ListItem.objects.get(film_list=film_list, position=1)

    response = cast.client("owner").post(list_url(film_list, "web:list-item-remove", item.pk), **HTMX)

    assert f"{first} is out of the list." in response.content.decode()
    assert titles(film_list) == [second, third]
    assert list(ListItem.objects.order_by("position").values_list("position", flat=True)) == [1, 2]


@pytest.mark.parametrize("who", ["other", "admin"])
def test_only_the_owner_moves_notes_or_removes_films(cast: Cast, who):
    film_list = a_list(cast.owner, 2)
    item = ListItem.objects.get(film_list=film_list, position=2)
    client = cast.client(who)

    assert client.post(list_url(film_list, "web:list-item", item.pk), {"position": 1}).status_code == 403
    assert client.post(list_url(film_list, "web:list-item-remove", item.pk)).status_code == 403
    assert client.post(list_url(film_list, "web:list-add"), {"movie": MovieFactory().pk}).status_code == 403
    assert ListItem.objects.get(pk=item.pk).position == 2 and ListItem.objects.count() == 2


def test_an_item_of_another_list_is_a_404(cast: Cast):
    film_list, elsewhere = a_list(cast.owner, 1), a_list(cast.owner, 1)
    item = ListItem.objects.get(film_list=elsewhere)

    assert cast.client("owner").post(list_url(film_list, "web:list-item", item.pk), {"position": 1}).status_code == 404


def test_the_like_count_of_a_list_liked_by_others_shows(cast: Cast):
    film_list = a_list(cast.owner)
    list_like(user=cast.other, film_list=film_list)

    assert "1 like" in cast.client("anonymous").get(list_url(film_list)).content.decode()


def test_a_new_comment_is_shown_on_the_last_page_of_comments(cast: Cast):
    film_list = a_list(cast.owner, 1)
    for n in range(50):
        comment_create(author=cast.owner, body=f"c{n}", film_list=film_list)
    client, url = cast.client("other"), list_url(film_list, "web:list-comment")

    page = client.post(url, {"body": "Newest"})
    partial = client.post(url, {"body": "Newer still"}, **HTMX)

    assert page["Location"] == list_url(film_list) + "?comments=2#comments"
    assert "Newer still" in partial.content.decode() and "Page 2 of 2" in partial.content.decode()
    assert "Later comments" not in partial.content.decode() and "Earlier comments" in partial.content.decode()
