import pytest

from core.caching import current_generation
from movies.models import Movie
from tests.factories import MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/movies/movie/"


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_changelist_renders_with_aggregates(staff_client):
    movie = MovieFactory(title="Rashomon")
    ReviewFactory(movie=movie, rating=5)

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "Rashomon" in response.content.decode()
    assert list(response.context["cl"].result_list) == [movie]


@pytest.mark.parametrize("query", ["rashomon", "forest", "tt0042876"])
def test_changelist_search_finds_by_title_description_and_imdb_id(staff_client, query):
    wanted = MovieFactory(
        title="Rashomon", description="A murder in a forest.", genres=["Crime", "Mystery"], imdb_id="tt0042876"
    )
    MovieFactory(title="Ikiru", description="A clerk.", genres=["Drama"], imdb_id="tt0044741")

    response = staff_client.get(CHANGELIST, {"q": query})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_change_form_renders_aggregates_read_only(staff_client, movie):
    response = staff_client.get(f"{CHANGELIST}{movie.pk}/change/")
    assert response.status_code == 200
    assert "avg_rating" not in response.context["adminform"].form.fields
    assert "review_count" not in response.context["adminform"].form.fields


def test_admin_add_creates_a_movie_and_starts_a_new_cache_generation(staff_client, django_capture_on_commit_callbacks):
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{CHANGELIST}add/", {"title": "Ran", "description": ""})

    assert response.status_code == 302
    assert Movie.objects.get().title == "Ran"
    assert current_generation() == before + 1


def test_admin_delete_removes_the_movie_and_starts_a_new_cache_generation(
    staff_client, movie, django_capture_on_commit_callbacks
):
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{CHANGELIST}{movie.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Movie.objects.exists()
    assert current_generation() == before + 1


def test_admin_bulk_delete_action(staff_client, django_capture_on_commit_callbacks):
    doomed = MovieFactory.create_batch(2)
    kept = MovieFactory()
    before = current_generation()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "delete_selected", "_selected_action": [m.pk for m in doomed], "post": "yes"}
        )

    assert response.status_code == 302
    assert list(Movie.objects.all()) == [kept]
    assert current_generation() > before


def test_non_staff_user_is_sent_to_login(client, user):
    client.force_login(user)
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
