import pytest

from movies.models import Movie
from movies.tests.helpers import film


@pytest.fixture
def godfathers() -> dict[str, Movie]:
    """Three films about as relevant to "godfather", more reviewed in another order, and one that is not."""
    return {
        "part_two": film("The Godfather Part II", reviews=30),
        "first": film("The Godfather", reviews=20),
        "last": film("The Last Godfather", reviews=1),
        "heat": film("Heat", reviews=50),
    }
