import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from imports.tmdb.types import (
    Genre,
    ImageConfiguration,
    MovieDetails,
    MoviePage,
    MovieSummary,
    genres_from_api,
    movies_found_from_api,
)

from .tmdb_fixtures import FIGHT_CLUB, OBSCURE, SUMMARY_FIGHT_CLUB, page_body

DATASET = Path(__file__).resolve().parents[3] / "shared" / "data" / "tmdb-5000" / "movies.jsonl"


def test_movie_details_parses_a_full_body():
    movie = MovieDetails.from_api(FIGHT_CLUB)

    assert movie.id == 550
    assert movie.title == "Fight Club"
    assert movie.release_date == dt.date(1999, 10, 15)
    assert (movie.runtime, movie.budget, movie.revenue) == (139, 63000000, 100853753)
    assert movie.imdb_id == "tt0137523"
    assert movie.poster_path == "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
    assert movie.genres == (Genre(18, "Drama"), Genre(53, "Thriller"))
    assert movie.keywords == ("support group", "dual identity", "rage and hate")
    assert (movie.popularity, movie.vote_average, movie.vote_count) == (61.416, 8.433, 26280)


def test_cast_is_sorted_by_billing_order_not_list_order():
    movie = MovieDetails.from_api(FIGHT_CLUB)

    assert movie.cast == ("Edward Norton", "Brad Pitt", "Helena Bonham Carter", "Meat Loaf", "Jared Leto")


def test_cast_keeps_only_the_top_billed():
    body = copy.deepcopy(FIGHT_CLUB)
    body["credits"]["cast"] = [{"name": f"Actor {n}", "order": n} for n in reversed(range(25))]

    assert MovieDetails.from_api(body).cast == tuple(f"Actor {n}" for n in range(10))
    assert MovieDetails.from_api(body, max_cast=3).cast == ("Actor 0", "Actor 1", "Actor 2")


def test_cast_entries_without_order_go_last_and_nameless_ones_are_dropped():
    body = copy.deepcopy(FIGHT_CLUB)
    body["credits"]["cast"] = [{"name": "No Order"}, {"name": "", "order": 0}, {"name": "Second", "order": 1}]

    assert MovieDetails.from_api(body).cast == ("Second", "No Order")


def test_directors_are_crew_with_job_director_deduplicated():
    body = copy.deepcopy(FIGHT_CLUB)
    body["credits"]["crew"].append({"name": "Co Director", "department": "Directing", "job": "Director"})
    body["credits"]["crew"].append({"name": "Assistant", "department": "Directing", "job": "First Assistant Director"})

    assert MovieDetails.from_api(body).directors == ("David Fincher", "Co Director")


def test_movie_details_survive_every_quirk():
    movie = MovieDetails.from_api(OBSCURE)

    assert movie.id == 987654
    assert movie.release_date is None  # "" -> None
    assert movie.overview == ""
    assert movie.poster_path is None
    assert movie.backdrop_path is None
    assert movie.runtime is None  # null
    assert movie.budget is None  # 0 is TMDB's "unknown"
    assert movie.revenue is None
    assert movie.imdb_id is None
    assert movie.genres == ()
    assert movie.cast == ()
    assert movie.directors == ()
    assert movie.keywords == ()
    assert not hasattr(movie, "some_future_field")


def test_missing_optional_fields_and_nulls_become_defaults():
    movie = MovieDetails.from_api({"id": 7, "overview": None, "title": None, "imdb_id": "", "credits": None})

    assert (movie.title, movie.overview) == ("", "")
    assert (movie.runtime, movie.budget, movie.revenue, movie.imdb_id, movie.release_date) == (None,) * 5
    assert (movie.popularity, movie.vote_average, movie.vote_count) == (0.0, 0.0, 0)
    assert movie.cast == ()


@pytest.mark.parametrize("value", ["", "   ", "2019-02-30", "soon", None, 2019])
def test_unparseable_release_dates_become_none(value):
    assert MovieDetails.from_api({"id": 1, "release_date": value}).release_date is None


def test_keywords_also_accept_the_results_shape():
    body = {"id": 1, "keywords": {"results": [{"id": 1, "name": "heist"}, {"id": 2, "name": "heist"}]}}

    assert MovieDetails.from_api(body).keywords == ("heist",)


@pytest.mark.parametrize("body", [[], "movie", None, {"title": "no id"}, {"id": "abc"}, {"id": 0}])
def test_a_movie_without_a_usable_id_is_rejected(body):
    with pytest.raises(ValueError):
        MovieDetails.from_api(body)


@pytest.mark.parametrize("movie_id", [2**31, 10**30, 1e300, True, [550], {"id": 550}])
def test_an_id_that_no_id_column_could_hold_is_rejected(movie_id):
    with pytest.raises(ValueError, match="no usable id"):
        MovieDetails.from_api({"id": movie_id, "title": "x"})


def test_the_largest_32_bit_id_is_accepted():
    assert MovieDetails.from_api({"id": 2**31 - 1}).id == 2**31 - 1


def test_amounts_past_64_bits_are_unknown():
    movie = MovieDetails.from_api({"id": 1, "budget": 2**63, "revenue": 10**40, "runtime": 1e300})

    assert (movie.budget, movie.revenue, movie.runtime) == (None, None, None)
    assert MovieDetails.from_api({"id": 1, "budget": 2**63 - 1}).budget == 2**63 - 1


def test_text_of_the_wrong_type_counts_as_missing():
    body = {
        "id": 1,
        "title": {"en": "Fight Club"},
        "overview": ["a", "b"],
        "imdb_id": True,
        "genres": [{"id": 18, "name": {"x": 1}}, {"id": 2**40, "name": "Too big"}],
        "credits": {"cast": [{"name": ["Brad Pitt"], "order": 0}, {"name": "Edward Norton", "order": 1}]},
    }

    movie = MovieDetails.from_api(body)

    assert (movie.title, movie.overview, movie.imdb_id) == ("", "", None)
    assert movie.genres == (Genre(18, ""),)  # the out-of-range genre id is dropped
    assert movie.cast == ("Edward Norton",)
    assert MovieDetails.from_api({"id": 1, "title": 1917}).title == "1917"  # a number is still a title


def test_movie_details_are_immutable():
    movie = MovieDetails.from_api(FIGHT_CLUB)

    with pytest.raises(AttributeError):
        movie.title = "Other"  # type: ignore[misc]


def test_movie_page_parses_summaries():
    body = page_body([SUMMARY_FIGHT_CLUB, {**SUMMARY_FIGHT_CLUB, "id": 551, "release_date": "", "poster_path": None}])
    body.update(total_pages=3, total_results=45)

    page = MoviePage.from_api(body)

    assert (page.page, page.total_pages, page.total_results) == (1, 3, 45)
    assert page.has_next
    first, second = page.results
    assert first == MovieSummary(
        id=550,
        title="Fight Club",
        release_date=dt.date(1999, 10, 15),
        poster_path="/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
        overview=SUMMARY_FIGHT_CLUB["overview"],
        genre_ids=(18, 53),
        popularity=61.416,
        vote_average=8.433,
        vote_count=26280,
        original_title="Fight Club",
    )
    assert (second.id, second.release_date, second.poster_path) == (551, None, None)


def test_movie_page_skips_broken_entries_but_needs_a_results_list():
    page = MoviePage.from_api(page_body([SUMMARY_FIGHT_CLUB, {"title": "no id"}, "junk"]))

    assert [m.id for m in page.results] == [550]
    with pytest.raises(ValueError):
        MoviePage.from_api({"page": 1})


def test_has_next_stops_at_the_last_page_and_at_page_500():
    assert not MoviePage(page=3, total_pages=3, total_results=45, results=()).has_next
    assert not MoviePage(page=500, total_pages=900, total_results=18000, results=()).has_next


def test_genre_list():
    genres = genres_from_api({"genres": [{"id": 28, "name": "Action"}, {"id": 12, "name": "Adventure"}, {}]})

    assert genres == (Genre(28, "Action"), Genre(12, "Adventure"))
    with pytest.raises(ValueError):
        genres_from_api({"status_code": 34})


def test_image_configuration_and_poster_urls():
    config = ImageConfiguration.from_api(
        {
            "images": {
                "base_url": "http://image.tmdb.org/t/p/",
                "secure_base_url": "https://image.tmdb.org/t/p/",
                "poster_sizes": ["w92", "w500", "original"],
                "backdrop_sizes": ["w300", "w1280"],
            },
            "change_keys": ["adult"],
        }
    )

    assert config.secure_base_url == "https://image.tmdb.org/t/p/"
    assert config.poster_sizes == ("w92", "w500", "original")
    assert config.poster_url("/abc.jpg") == "https://image.tmdb.org/t/p/w500/abc.jpg"
    assert config.poster_url("abc.jpg", "original") == "https://image.tmdb.org/t/p/original/abc.jpg"
    assert config.backdrop_url("/b.jpg", "w300") == "https://image.tmdb.org/t/p/w300/b.jpg"
    assert config.poster_url(None) is None
    assert config.poster_url("") is None
    with pytest.raises(ValueError, match="w9999"):
        config.poster_url("/abc.jpg", "w9999")


def test_image_configuration_falls_back_to_the_plain_base_url():
    config = ImageConfiguration.from_api({"images": {"base_url": "http://img.example/t/p"}})

    assert config.poster_url("/x.jpg", "w92") == "http://img.example/t/p/w92/x.jpg"
    with pytest.raises(ValueError):
        ImageConfiguration.from_api({"images": {}})


@pytest.mark.skipif(not DATASET.exists(), reason="shared/data/tmdb-5000 not present")
def test_every_movie_of_the_tmdb_5000_dataset_parses():
    with DATASET.open(encoding="utf-8") as handle:
        movies = [MovieDetails.from_api(json.loads(line)) for line in handle if line.strip()]

    assert len(movies) == 4803
    assert len({m.id for m in movies}) == 4803
    assert sum(m.runtime is None for m in movies) >= 2  # two null runtimes (plus zeros)
    assert sum(m.release_date is None for m in movies) == 1  # one empty release_date
    assert all(len(m.cast) <= 10 for m in movies)
    avatar = next(m for m in movies if m.id == 19995)
    assert avatar.directors == ("James Cameron",)
    assert avatar.cast[0] == "Sam Worthington"


def test_find_results_keep_the_movies_and_skip_broken_entries():
    body = {
        "movie_results": [
            {**SUMMARY_FIGHT_CLUB, "media_type": "movie", "original_title": "Le Club"},
            {"title": "no id"},
        ],
        "person_results": [{"id": 287, "name": "Brad Pitt"}],
        "tv_results": [],
    }

    (movie,) = movies_found_from_api(body)

    assert (movie.id, movie.title, movie.original_title) == (550, "Fight Club", "Le Club")
    assert movies_found_from_api({"movie_results": []}) == ()


@pytest.mark.parametrize("body", [{}, {"movie_results": None}, [], "x"])
def test_find_results_need_a_movie_results_list(body):
    with pytest.raises(ValueError):
        movies_found_from_api(body)


def test_summary_without_original_title_has_an_empty_one():
    summary = MovieSummary.from_api({k: v for k, v in SUMMARY_FIGHT_CLUB.items() if k != "original_title"})

    assert summary.original_title == ""
