import numpy as np
import pytest
from sklearn.metrics.pairwise import cosine_similarity

from recommendations.engine.content import (
    ContentModel,
    content_neighbours,
    feature_token,
    fit_content_model,
    movie_document,
    new_item_neighbours,
)
from recommendations.engine.ranking import NO_ITEM

MOVIES = [
    movie_document(
        title="The Dark Knight",
        description="Batman raises the stakes in his war on crime when the Joker wreaks havoc on Gotham.",
        genres=["Action", "Crime", "Drama"],
        keywords=["batman", "dc comics", "joker"],
        cast=["Christian Bale", "Heath Ledger"],
        directors=["Christopher Nolan"],
    ),
    movie_document(
        title="The Dark Knight Rises",
        description="Eight years on, a new terrorist leader, Bane, overwhelms Gotham's finest.",
        genres=["Action", "Crime", "Thriller"],
        keywords=["batman", "dc comics", "sequel"],
        cast=["Christian Bale", "Tom Hardy"],
        directors=["Christopher Nolan"],
    ),
    movie_document(
        title="The Notebook",
        description="A poor yet passionate young man falls in love with a rich young woman.",
        genres=["Romance", "Drama"],
        keywords=["love letter", "1940s"],
        cast=["Ryan Gosling", "Rachel McAdams"],
        directors=["Nick Cassavetes"],
    ),
    movie_document(
        title="Titanic",
        description="A young aristocrat falls in love with a kind but poor artist aboard the luxurious ship.",
        genres=["Romance", "Drama"],
        keywords=["shipwreck", "forbidden love"],
        cast=["Leonardo DiCaprio", "Kate Winslet"],
        directors=["James Cameron"],
    ),
    movie_document(
        title="Avatar",
        description="A paraplegic marine dispatched to the moon Pandora on a unique mission.",
        genres=["Science Fiction", "Adventure"],
        keywords=["space", "alien planet"],
        cast=["Sam Worthington", "Zoe Saldana"],
        directors=["James Cameron"],
    ),
    movie_document(
        title="Inception",
        description="A thief who steals corporate secrets through dream-sharing technology.",
        genres=["Science Fiction", "Action"],
        keywords=["dream", "heist"],
        cast=["Leonardo DiCaprio", "Tom Hardy"],
        directors=["Christopher Nolan"],
    ),
    movie_document(
        title="Toy Story",
        description="A cowboy doll is threatened when a new spaceman figure supplants him.",
        genres=["Animation", "Family"],
        keywords=["toys"],
        cast=["Tom Hanks", "Tim Allen"],
        directors=["John Lasseter"],
    ),
    "",
]
DARK_KNIGHT, DARK_KNIGHT_RISES, EMPTY = 0, 1, 7
MODEL = fit_content_model(MOVIES)


def reference_neighbours(model: ContentModel, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The obvious dense N x N computation the chunked build must reproduce."""
    similarity = cosine_similarity(model.item_vectors)
    np.fill_diagonal(similarity, -np.inf)
    order = np.argsort(-similarity, axis=1, kind="stable")[:, :k]
    values = np.take_along_axis(similarity, order, axis=1)
    return np.where(values > 0, order, NO_ITEM), np.where(values > 0, values, 0.0)


def test_feature_token_makes_one_token_of_a_name():
    assert feature_token("director", "Christopher Nolan") == "director_christopher_nolan"
    assert feature_token("genre", "Science-Fiction ") == "genre_science_fiction"
    assert feature_token("cast", "Zoë Saldaña") == "cast_zoë_saldaña"


def test_movie_document_weights_people_above_genres():
    document = movie_document(title="Heat", genres=["Crime"], cast=["Al Pacino"], directors=["Michael Mann"])
    tokens = document.split()
    assert tokens[0] == "Heat"
    assert tokens.count("director_michael_mann") > tokens.count("cast_al_pacino") > tokens.count("genre_crime") > 0


def test_sequels_sharing_keywords_and_director_are_each_others_top_neighbour():
    indices, similarities = content_neighbours(MODEL, k=3)
    assert indices[DARK_KNIGHT, 0] == DARK_KNIGHT_RISES
    assert indices[DARK_KNIGHT_RISES, 0] == DARK_KNIGHT
    assert similarities[DARK_KNIGHT, 0] > 2 * similarities[DARK_KNIGHT, 1]
    assert (np.diff(similarities, axis=1) <= 0).all()


def test_an_item_is_never_its_own_neighbour():
    indices, _ = content_neighbours(MODEL, k=len(MOVIES))
    for item, row in enumerate(indices):
        assert item not in row.tolist()


def test_items_sharing_no_token_are_padded_not_neighbours():
    indices, similarities = content_neighbours(MODEL, k=len(MOVIES) + 2)
    assert indices.shape == (len(MOVIES), len(MOVIES) + 2)
    assert (indices[EMPTY] == NO_ITEM).all()
    assert (similarities[EMPTY] == 0).all()
    assert EMPTY not in indices.ravel().tolist()
    assert ((indices == NO_ITEM) == (similarities == 0)).all()


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 100])
def test_chunked_build_equals_the_dense_reference(chunk_size):
    expected_indices, expected_similarities = reference_neighbours(MODEL, k=4)
    indices, similarities = content_neighbours(MODEL, k=4, chunk_size=chunk_size)
    np.testing.assert_array_equal(indices, expected_indices)
    np.testing.assert_allclose(similarities, expected_similarities, atol=1e-12)


def test_new_item_neighbours_agree_with_the_full_build():
    full_indices, full_similarities = content_neighbours(MODEL, k=3)
    for item, document in enumerate(MOVIES):
        others = np.delete(np.arange(len(MOVIES)), item)
        model_without_item = ContentModel(MODEL.vectorizer, MODEL.item_vectors[others])
        indices, similarities = new_item_neighbours(model_without_item, document, k=3)
        mapped = np.where(indices == NO_ITEM, NO_ITEM, others[indices])
        np.testing.assert_array_equal(mapped, full_indices[item])
        np.testing.assert_allclose(similarities, full_similarities[item], atol=1e-12)


def test_a_newly_imported_sequel_finds_its_franchise_without_a_rebuild():
    sequel = movie_document(
        title="The Dark Knight Returns",
        description="Batman comes out of retirement.",
        keywords=["batman", "dc comics", "sequel"],
        directors=["Christopher Nolan"],
    )
    indices, similarities = new_item_neighbours(MODEL, sequel, k=2)
    assert set(indices.tolist()) == {DARK_KNIGHT, DARK_KNIGHT_RISES}
    assert (similarities > 0).all()


def test_a_new_item_with_only_unknown_words_has_no_neighbours():
    indices, similarities = new_item_neighbours(MODEL, "zyzzyva quokka", k=3)
    assert indices.tolist() == [NO_ITEM] * 3
    assert similarities.tolist() == [0.0] * 3
