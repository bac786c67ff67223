"""Small hand-written TMDB bodies, shaped like real /movie/{id}?append_to_response=credits,keywords answers."""

from __future__ import annotations

import copy
from typing import Any

TOKEN = "tok-SECRET-5f2a9c0d"
API_KEY = "key-SECRET-77b1e0aa"
BASE_URL = "https://api.themoviedb.org/3"

FIGHT_CLUB: dict[str, Any] = {
    "adult": False,
    "backdrop_path": "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg",
    "belongs_to_collection": None,
    "budget": 63000000,
    "genres": [{"id": 18, "name": "Drama"}, {"id": 53, "name": "Thriller"}],
    "homepage": "http://www.foxmovies.com/movies/fight-club",
    "id": 550,
    "imdb_id": "tt0137523",
    "original_language": "en",
    "original_title": "Fight Club",
    "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression.",
    "popularity": 61.416,
    "poster_path": "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
    "production_companies": [{"id": 508, "logo_path": None, "name": "Regency Enterprises", "origin_country": "US"}],
    "release_date": "1999-10-15",
    "revenue": 100853753,
    "runtime": 139,
    "spoken_languages": [{"english_name": "English", "iso_639_1": "en", "name": "English"}],
    "status": "Released",
    "tagline": "Mischief. Mayhem. Soap.",
    "title": "Fight Club",
    "video": False,
    "vote_average": 8.433,
    "vote_count": 26280,
    "credits": {
        # Deliberately not in billing order: the client must sort by "order".
        "cast": [
            {"id": 1283, "name": "Helena Bonham Carter", "character": "Marla Singer", "order": 2},
            {"id": 819, "name": "Edward Norton", "character": "The Narrator", "order": 0},
            {"id": 287, "name": "Brad Pitt", "character": "Tyler Durden", "order": 1},
            {"id": 1234, "name": "Meat Loaf", "character": "Robert 'Bob' Paulson", "order": 3},
            {"id": 7499, "name": "Jared Leto", "character": "Angel Face", "order": 4},
        ],
        "crew": [
            {"id": 7467, "name": "David Fincher", "department": "Directing", "job": "Director"},
            {"id": 7474, "name": "Ross Grayson Bell", "department": "Production", "job": "Producer"},
            {"id": 7467, "name": "David Fincher", "department": "Directing", "job": "Director"},
            {"id": 376, "name": "Arnon Milchan", "department": "Production", "job": "Executive Producer"},
        ],
    },
    "keywords": {
        "keywords": [
            {"id": 825, "name": "support group"},
            {"id": 851, "name": "dual identity"},
            {"id": 3927, "name": "rage and hate"},
        ]
    },
}

# Every TMDB quirk at once: empty date and overview, null images and runtime, zero budget, no imdb_id, unknown
# fields, no credits or keywords at all.
OBSCURE: dict[str, Any] = {
    "id": 987654,
    "title": "An Obscure Short",
    "original_title": "Un court obscur",
    "original_language": "fr",
    "overview": "",
    "release_date": "",
    "poster_path": None,
    "backdrop_path": None,
    "runtime": None,
    "budget": 0,
    "revenue": 0,
    "imdb_id": None,
    "genres": [],
    "popularity": 0.6,
    "vote_average": 0,
    "vote_count": 0,
    "origin_country": ["FR"],  # a field the client does not know
    "some_future_field": {"nested": [1, 2, 3]},
}

ALIEN: dict[str, Any] = {
    "id": 348,
    "title": "Alien",
    "original_title": "Alien",
    "overview": "During its return to the earth, commercial spaceship Nostromo intercepts a distress signal.",
    "release_date": "1979-05-25",
    "runtime": 117,
    "budget": 11000000,
    "revenue": 104931801,
    "imdb_id": "tt0078748",
    "poster_path": "/vfrQk5IPloGg1v9Rzbh2Eg3VGyM.jpg",
    "backdrop_path": "/AmR3JG1VQVxU8TfAvljUhfSFUOx.jpg",
    "genres": [{"id": 27, "name": "Horror"}, {"id": 878, "name": "Science Fiction"}],
    "popularity": 120.5,
    "vote_average": 8.1,
    "vote_count": 14000,
    "credits": {
        "cast": [{"id": 10205, "name": "Sigourney Weaver", "character": "Ellen Ripley", "order": 0}],
        "crew": [{"id": 578, "name": "Ridley Scott", "department": "Directing", "job": "Director"}],
    },
    "keywords": {"keywords": [{"id": 803, "name": "android"}]},
}

ALIENS: dict[str, Any] = {
    **copy.deepcopy(ALIEN),
    "id": 679,
    "title": "Aliens",
    "original_title": "Aliens",
    "release_date": "1986-07-18",
    "popularity": 80.0,
    "vote_average": 7.9,
    "vote_count": 9000,
}


def small_catalogue() -> list[dict[str, Any]]:
    return copy.deepcopy([FIGHT_CLUB, OBSCURE, ALIEN, ALIENS])


def numbered_movies(count: int) -> list[dict[str, Any]]:
    """``count`` minimal movies with ids 1..count; popularity and rating descend with the id."""
    return [
        {
            "id": n,
            "title": f"Movie {n}",
            "overview": f"Overview {n}",
            "release_date": f"{1950 + n % 70}-01-0{1 + n % 9}",
            "popularity": 1000.0 - n,
            "vote_average": round(9.9 - n * 0.01, 3),
            "vote_count": 100 + n,
            "genres": [{"id": 18, "name": "Drama"}],
            "runtime": 90 + n % 60,
            "credits": {"cast": [], "crew": []},
            "keywords": {"keywords": []},
        }
        for n in range(1, count + 1)
    ]


def page_body(results: list[dict[str, Any]], page: int = 1, total_pages: int = 1, total_results: int | None = None):
    return {
        "page": page,
        "results": results,
        "total_pages": total_pages,
        "total_results": len(results) if total_results is None else total_results,
    }


SUMMARY_FIGHT_CLUB = {
    "adult": False,
    "backdrop_path": "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg",
    "genre_ids": [18, 53],
    "id": 550,
    "original_language": "en",
    "original_title": "Fight Club",
    "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male aggression.",
    "popularity": 61.416,
    "poster_path": "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg",
    "release_date": "1999-10-15",
    "title": "Fight Club",
    "video": False,
    "vote_average": 8.433,
    "vote_count": 26280,
}

ERROR_401 = {"status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.", "success": False}
ERROR_404 = {"success": False, "status_code": 34, "status_message": "The resource you requested could not be found."}
ERROR_429 = {"success": False, "status_code": 25, "status_message": "Your request count (#) is over the allowed limit."}
ERROR_503 = {"success": False, "status_code": 9, "status_message": "Service offline: try again later."}
