"""A film's page: facts, ratings, reviews (friends' first, hidden and blocked ones never), comments, similar films,
lists, the member's controls drawn from what they did; partials and query counts."""

import re

import pytest
from django.urls import reverse

from activity.models import MovieLike, WatchlistEntry
from activity.services import movie_mark
from comments.services import comment_create
from follows.services import block_create, follow_create
from lists.services import item_add, list_create
from recommendations.services import recommendations_build
from recommendations.serving import served_model
from reviews.services import review_hide, review_like
from tests.factories import MovieFactory, ReviewFactory, UserFactory
from web.films.page import REVIEWS_PER_PAGE

pytestmark = pytest.mark.django_db


def url(movie) -> str:
    return reverse("web:film", args=[movie.pk])


@pytest.fixture
def movie():
    return MovieFactory(
        title="Orbit Station",
        description="Astronauts drift through deep space.",
        runtime=130,
        genres=["Sci-Fi", "Drama"],
        cast=["Nova Starr", "Rex Orbit"],
        directors=["Stella Kubrick"],
    )


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_page_shows_the_films_facts_and_its_genres(client, movie):
    html = html_of(client.get(url(movie)))

    assert '<h1 id="film-title">Orbit Station</h1>' in html
    assert str(movie.release_date.year) in html
    assert "2 h 10 min" in html
    assert "Directed by Stella Kubrick" in html
    assert "Nova Starr, Rex Orbit" in html
    assert "Astronauts drift through deep space." in html
    assert f'href="{reverse("web:genre", args=["sci-fi"])}"' in html
    assert 'class="poster-placeholder" aria-hidden="true">Orbit Station<' in html


def test_a_poster_has_alt_text(client):
    movie = MovieFactory(title="Heat", poster_url="https://image.tmdb.org/t/p/w342/heat.jpg")

    assert 'alt="Poster of Heat"' in html_of(client.get(url(movie)))


def test_an_unknown_film_is_a_404(client):
    assert client.get(reverse("web:film", args=[999_999])).status_code == 404
    assert client.get(reverse("web:film", args=[2**70])).status_code == 404


def test_the_average_and_the_half_star_histogram(client, movie):
    for rating in (4.5, 4.5, 4.5, 4.5, 2, 1):
        ReviewFactory(movie=movie, rating=rating)

    response = client.get(url(movie))

    html = html_of(response)
    bars = {bar["key"]: bar for bar in response.context["histogram"]}
    assert list(bars) == ["0.5", "1", "1.5", "2", "2.5", "3", "3.5", "4", "4.5", "5"]
    assert bars["4.5"]["height"] == 100 and bars["2"]["height"] == 25 and bars["5"]["height"] == 0
    assert 'class="bar h-100"' in html and 'class="bar h-25"' in html
    assert "4.5 stars: 4 ratings" in html and "1 star: 1 rating<" in html and "5 stars: 0 ratings" in html
    assert "<strong>3.5</strong>" in html and "average of 6 ratings" in html
    assert "style=" not in html


def test_a_visitor_sees_links_to_log_in_instead_of_controls(client, movie):
    ReviewFactory(movie=movie)

    html = html_of(client.get(url(movie)))

    assert f'href="{reverse("web:login")}?next={url(movie)}">Log in to rate</a>' in html
    assert "Log in to review this film" in html
    assert 'name="rating"' not in html
    assert reverse("web:film-like", args=[movie.pk]) not in html
    assert "<textarea" not in html


def test_a_member_sees_their_controls_drawn_from_what_they_did(client, movie):
    member = UserFactory()
    ReviewFactory(user=member, movie=movie, rating=3.5, body="Mine, all mine")
    movie_mark(model=WatchlistEntry, user=member, movie=movie)
    client.force_login(member)

    html = html_of(client.get(url(movie)))

    assert re.search(r'<input type="radio" name="rating" value="3.5" id="rate-3-5" checked>', html)
    assert len(re.findall(r'type="radio" name="rating"', html)) == 10
    assert re.search(r'id="film-watchlist-button" class="toggle" aria-pressed="true"', html)
    assert re.search(r'id="film-like-button" class="toggle" aria-pressed="false"', html)
    assert "You have watched this film." in html
    assert ">Mine, all mine</textarea>" in html
    assert "Delete review" in html
    assert "Clear rating" in html


def test_the_log_form_defaults_to_today_in_the_members_time_zone(client, movie, settings):
    from activity.selectors import user_today

    member = UserFactory(time_zone="Pacific/Kiritimati")
    client.force_login(member)

    html = html_of(client.get(url(movie)))

    assert f'name="watched_on" value="{user_today(member):%Y-%m-%d}"' in html


def test_reviews_by_people_the_viewer_follows_come_first(client, movie):
    viewer, friend = UserFactory(), UserFactory(username="friend")
    ReviewFactory(movie=movie, body="A stranger's view")
    stranger_liked = ReviewFactory(movie=movie, body="Popular stranger")
    review_like(user=UserFactory(), review=stranger_liked)
    ReviewFactory(movie=movie, user=friend, body="My friend's view")
    follow_create(follower=viewer, followee=friend)
    client.force_login(viewer)

    reviews = client.get(url(movie)).context["reviews"]

    assert [review.body for review in reviews] == ["My friend's view", "Popular stranger", "A stranger's view"]
    assert "You follow them" in html_of(client.get(url(movie)))


def test_hidden_reviews_and_reviews_across_a_block_are_never_listed(client, movie):
    viewer, blocked = UserFactory(), UserFactory()
    review_hide(review=ReviewFactory(movie=movie, body="Hidden by moderators"))
    ReviewFactory(movie=movie, user=blocked, body="From the other side of a block")
    ReviewFactory(movie=movie, body="Plain review")
    block_create(blocker=blocked, blocked=viewer)

    assert "Hidden by moderators" not in html_of(client.get(url(movie)))
    client.force_login(viewer)
    html = html_of(client.get(url(movie)))
    assert "Hidden by moderators" not in html
    assert "From the other side of a block" not in html
    assert "Plain review" in html


def test_the_authors_hidden_review_shows_only_in_their_editor(client, movie):
    author = UserFactory()
    review_hide(review=ReviewFactory(user=author, movie=movie, body="Hidden words"))
    client.force_login(author)

    html = html_of(client.get(url(movie)))

    assert "Moderators have hidden this review" in html
    assert ">Hidden words</textarea>" in html


def test_user_text_is_escaped(client):
    movie = MovieFactory(title="<b>Bold</b> Title", description="<img src=x onerror=alert(1)>")
    review = ReviewFactory(movie=movie, body="<script>alert('review')</script>")
    comment_create(author=UserFactory(), body="<script>alert('comment')</script>", review=review)
    film_list = list_create(owner=UserFactory(), name="<em>Best</em> list")
    item_add(film_list=film_list, movie=movie)

    html = html_of(client.get(url(movie)))

    for raw in ("<b>Bold</b>", "<img src=x", "<script>alert('review')", "<script>alert('comment')", "<em>Best</em>"):
        assert raw not in html
    assert "&lt;script&gt;alert(&#x27;review&#x27;)&lt;/script&gt;" in html
    assert "&lt;em&gt;Best&lt;/em&gt; list" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; Title" in html


def test_each_review_shows_its_likes_and_first_comments(client, movie):
    review = ReviewFactory(movie=movie)
    for number in range(4):
        comment_create(author=UserFactory(), body=f"Comment number {number}", review=review)
    review_like(user=UserFactory(), review=review)

    html = html_of(client.get(url(movie)))

    assert "Comment number 0" in html and "Comment number 2" in html
    assert "Comment number 3" not in html
    assert "Show all 4 comments" in html
    assert "1 like<" in html


def test_a_member_likes_others_reviews_but_not_their_own(client, movie):
    member = UserFactory()
    other = ReviewFactory(movie=movie)
    review_like(user=member, review=other)
    ReviewFactory(user=member, movie=movie)
    client.force_login(member)

    html = html_of(client.get(url(movie)))

    assert re.search(rf'id="review-like-button-{other.pk}" class="toggle small" aria-pressed="true"', html)
    assert html.count('class="toggle small"') == 1


def test_reviews_come_in_pages_and_htmx_gets_one_page_only(client, movie):
    for number in range(REVIEWS_PER_PAGE + 2):
        ReviewFactory(movie=movie, body=f"Review body {number:02d}")

    first = client.get(url(movie))
    second = client.get(url(movie), {"reviews": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="film-reviews")

    assert len(first.context["reviews"]) == REVIEWS_PER_PAGE
    assert f"{url(movie)}?reviews=2" in html_of(first)
    html = html_of(second)
    assert "<html" not in html and "<h1" not in html
    assert html.count('class="review"') == 2


def test_lists_that_hold_the_film_are_the_public_ones(client, movie):
    owner = UserFactory(username="lister")
    item_add(film_list=list_create(owner=owner, name="Space classics"), movie=movie)
    item_add(film_list=list_create(owner=owner, name="Secret list", public=False), movie=movie)

    html = html_of(client.get(url(movie)))

    assert "Space classics" in html
    assert "Secret list" not in html
    assert reverse("web:profile", args=["lister"]) in html


def test_similar_films_come_with_their_reason(client, movie):
    twin = MovieFactory(
        title="Orbit Station II",
        description="Astronauts drift through deep space again.",
        genres=["Sci-Fi"],
        cast=["Nova Starr"],
        directors=["Stella Kubrick"],
    )
    MovieFactory(title="Letters", description="Two lovers meet at a ball.", genres=["Romance"])
    ReviewFactory(movie=twin)
    recommendations_build()
    served_model()

    response = client.get(url(movie))

    similar = response.context["similar"]
    assert similar[0]["id"] == twin.pk
    assert similar[0]["reason"] == "Also Sci-Fi"
    assert "Orbit Station II" in html_of(response)


# --- query counts --------------------------------------------------------------------------------------------------


def busy_film(size: int):
    """A film with ``size`` reviews, each liked by the viewer and commented on, in ``size`` public lists, one by a
    member the viewer follows; the viewer rated, liked and watchlisted it. Similar films are built."""
    movie = MovieFactory(genres=["Drama", "Crime"], cast=["A"], directors=["D"])
    others = MovieFactory.create_batch(3, genres=["Drama"])
    viewer = UserFactory()
    for number in range(size):
        review = ReviewFactory(movie=movie, body=f"Review {number}")
        ReviewFactory(movie=others[number % 3], user=review.user)
        comment_create(author=UserFactory(), body="A comment", review=review)
        comment_create(author=UserFactory(), body="Another", review=review)
        review_like(user=viewer, review=review)
        item_add(film_list=list_create(owner=review.user, name=f"List {number}"), movie=movie)
        if number == 0:
            follow_create(follower=viewer, followee=review.user)
    ReviewFactory(movie=movie, user=viewer, rating=4)
    for model in (MovieLike, WatchlistEntry):
        movie_mark(model=model, user=viewer, movie=movie)
    recommendations_build()
    served_model()
    return movie, viewer


# Anonymous: the film, its genres, whether it exists and its lists (lists_with_movie), COUNT and the page of reviews,
# their first comments, the similar films (the stored neighbours, their summaries and genres; cached after that).
# A member also: the session, the user, their likes of the page's reviews, what they did with the film, their
# review, their history for the similar films, the unread notifications.
@pytest.mark.parametrize("size", [1, 5])
@pytest.mark.parametrize(("logged_in", "queries", "warm_queries"), [(False, 10, 7), (True, 17, 13)])
def test_the_film_page_reads_in_a_fixed_number_of_queries(
    client, django_assert_num_queries, size, logged_in, queries, warm_queries
):
    movie, viewer = busy_film(size)
    if logged_in:
        client.force_login(viewer)

    with django_assert_num_queries(queries):
        response = client.get(url(movie))
    with django_assert_num_queries(warm_queries):
        client.get(url(movie))

    # The viewer's own review is in their editor, not in the list.
    others = [review for review in response.context["reviews"] if review.user_id != viewer.pk]
    assert len(response.context["reviews"]) == size + (0 if logged_in else 1)
    assert len(others) == size and all(len(review.comment_preview) == 2 for review in others)
    assert len(response.context["lists"]) == size


# --- four people -----------------------------------------------------------------------------------------------------


@pytest.fixture
def people():
    return {"author": UserFactory(), "other": UserFactory(), "admin": UserFactory(is_staff=True)}


def log_in(client, people, who: str) -> None:
    if who != "anonymous":
        client.force_login(people[who])


@pytest.mark.parametrize(
    ("who", "editor", "like_button", "admin_delete"),
    [
        ("anonymous", False, False, False),
        ("author", True, False, False),
        ("other", False, True, False),
        ("admin", False, True, True),
    ],
)
def test_four_people_see_a_review_on_the_film_page(client, movie, people, who, editor, like_button, admin_delete):
    review = ReviewFactory(user=people["author"], movie=movie, body="Words of the author")
    log_in(client, people, who)

    html = html_of(client.get(url(movie)))

    assert "Words of the author" in html
    assert (f'id="review-{review.pk}"' not in html) == editor  # the author sees it in their editor, not the list
    assert (reverse("web:review-delete", args=[review.pk]) in html) == (editor or admin_delete)
    assert (f'id="review-like-button-{review.pk}"' in html) == like_button
    assert ("Delete (admin)" in html) == admin_delete


@pytest.mark.parametrize(("who", "status"), [("anonymous", 404), ("author", 200), ("other", 404), ("admin", 200)])
def test_four_people_open_the_comments_of_a_hidden_review(client, movie, people, who, status):
    review = ReviewFactory(user=people["author"], movie=movie)
    review_hide(review=review)
    log_in(client, people, who)

    assert client.get(reverse("web:review-comments", args=[review.pk])).status_code == status


@pytest.mark.parametrize("who", ["anonymous", "author"])
@pytest.mark.parametrize("name", ["web:films", "web:genres", "film", "genre", "comments"])
def test_pages_carry_no_inline_script_style_or_handler(client, movie, people, who, name):
    review = ReviewFactory(user=people["author"], movie=movie, body="Words")
    ReviewFactory(movie=movie)
    comment_create(author=people["other"], body="A comment", review=review)
    log_in(client, people, who)
    address = {
        "film": url(movie),
        "genre": reverse("web:genre", args=["sci-fi"]),
        "comments": reverse("web:review-comments", args=[review.pk]),
    }.get(name) or reverse(name)

    html = html_of(client.get(address))

    assert "style=" not in html and "<style" not in html
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)", html)
