"""Small catalogues with known structure for the recommender serving tests."""

import itertools
from dataclasses import dataclass

import numpy as np
from django.contrib.auth import get_user_model

from conftest import authenticated_client
from movies.models import Movie
from recommendations.services import recommendations_build
from recommendations.serving import served_model
from reviews.models import Review
from reviews.services import movie_aggregates_refresh
from tests.factories import MovieFactory

User = get_user_model()
_names = itertools.count()
# Title words tell the movies of a cluster apart (TF-IDF ignores one-character tokens such as digits).
LETTERS = ("Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Theta", "Iota", "Kappa", "Lambda", "Omicron", "Sigma")


@dataclass
class World:
    """Two taste clusters: space films (Sci-Fi, one director, space keywords) and period romances."""

    space: list[Movie]
    romance: list[Movie]
    space_fans: list
    romance_fans: list

    def client(self, user):
        return authenticated_client(user)


def space_movie(title: str, **fields) -> Movie:
    return MovieFactory(
        title=title,
        description=fields.pop("description", "Astronauts drift through deep space aboard a failing station."),
        genres=["Sci-Fi"],
        keywords=fields.pop("keywords", ["space", "astronaut", "space station"]),
        cast=fields.pop("cast", ["Nova Starr", "Rex Orbit"]),
        directors=fields.pop("directors", ["Stella Kubrick"]),
        **fields,
    )


def romance_movie(title: str, **fields) -> Movie:
    return MovieFactory(
        title=title,
        description=fields.pop("description", "Two lovers meet at a country ball and letters cross the sea."),
        genres=["Romance"],
        keywords=fields.pop("keywords", ["love letter", "ballroom", "wedding"]),
        cast=fields.pop("cast", ["Rose Heart", "Darcy Vale"]),
        directors=fields.pop("directors", ["Jane Austen Jr"]),
        **fields,
    )


def bulk_users(count: int, prefix: str = "fan") -> list:
    return User.objects.bulk_create([User(username=f"{prefix}{next(_names)}", password="!") for _ in range(count)])


def bulk_reviews(pairs: list[tuple[object, Movie, int]]) -> None:
    """(user, movie, rating) triples, inserted at once; the movies' aggregates are made exact."""
    Review.objects.bulk_create([Review(user=user, movie=movie, rating=rating) for user, movie, rating in pairs])
    movie_aggregates_refresh({movie.pk for _, movie, _ in pairs})


def make_world(*, per_cluster: int = 8, fans: int = 12, seed: int = 0) -> World:
    """Fans review 4-6 movies of their own cluster (4-5 stars) and now and then one of the other (2 stars)."""
    rng = np.random.default_rng(seed)
    space = [space_movie(f"Orbit {LETTERS[n]}") for n in range(per_cluster)]
    romance = [romance_movie(f"Letters {LETTERS[n]}") for n in range(per_cluster)]
    space_fans, romance_fans = bulk_users(fans, "spacefan"), bulk_users(fans, "romancefan")
    pairs = []
    for own, other, people in ((space, romance, space_fans), (romance, space, romance_fans)):
        for person in people:
            for index in rng.choice(len(own), int(rng.integers(4, 7)), replace=False):
                pairs.append((person, own[index], int(rng.integers(4, 6))))
            if rng.random() < 0.3:
                pairs.append((person, other[int(rng.integers(len(other)))], 2))
    bulk_reviews(pairs)
    return World(space, romance, space_fans, romance_fans)


def build():
    """Build and activate a version, and load it as the web workers would."""
    result = recommendations_build()
    served_model()
    return result.version


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]
