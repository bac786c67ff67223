import numpy as np
import pytest

from recommendations.engine.interactions import (
    Ratings,
    index_ids,
    interaction_matrix,
    ratings_from_rows,
    ratings_matrix,
)


def test_index_ids_maps_raw_ids_to_contiguous_indices_and_back():
    index = index_ids(np.array([30, 10]), np.array([20, 30]))
    assert index.ids.tolist() == [10, 20, 30]
    assert index.indices_of(np.array([30, 10, 20])).tolist() == [2, 0, 1]
    assert index.ids_of(np.array([1, 2])).tolist() == [20, 30]
    assert len(index) == 3


@pytest.mark.parametrize("raw_id", [5, 25, 99])
def test_unknown_ids_are_rejected(raw_id):
    with pytest.raises(KeyError, match=str(raw_id)):
        index_ids(np.array([10, 20, 30])).indices_of(np.array([10, raw_id]))


def test_interaction_matrix_is_binary_or_rating_valued():
    users, items, values = np.array([0, 0, 2]), np.array([1, 3, 0]), np.array([4.0, 2.5, 5.0])
    binary = interaction_matrix(users, items, values, shape=(3, 4), binary=True)
    rated = interaction_matrix(users, items, values, shape=(3, 4), binary=False)
    assert binary.format == "csr"
    assert binary.toarray().tolist() == [[0, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert rated.toarray().tolist() == [[0, 4.0, 0, 2.5], [0, 0, 0, 0], [5.0, 0, 0, 0]]


def test_a_repeated_pair_keeps_its_last_rating_instead_of_summing():
    matrix = interaction_matrix(
        np.array([0, 1, 0]), np.array([2, 0, 2]), np.array([1.0, 3.0, 4.0]), shape=(2, 3), binary=False
    )
    assert matrix.toarray().tolist() == [[0, 0, 4.0], [3.0, 0, 0]]
    binary = interaction_matrix(np.array([0, 0]), np.array([2, 2]), np.ones(2), shape=(1, 3), binary=True)
    assert binary.toarray().tolist() == [[0, 0, 1]]


def test_ratings_matrix_indexes_raw_ids():
    ratings = Ratings(np.array([7, 9]), np.array([100, 300]), np.array([5.0, 1.0]), np.array([1, 2]))
    users, items = index_ids(np.array([7, 8, 9])), index_ids(np.array([100, 200, 300]))
    matrix = ratings_matrix(ratings, users, items, binary=False)
    assert matrix.toarray().tolist() == [[5.0, 0, 0], [0, 0, 0], [0, 0, 1.0]]


def test_ratings_from_rows_are_parallel_arrays_of_ids_ratings_and_timestamps():
    ratings = ratings_from_rows([(196, 242, 3.0, 881250949.0), (1, 5, 4.5, 7.0)])
    assert ratings.user_ids.tolist() == [196, 1] and ratings.user_ids.dtype == np.int64
    assert ratings.item_ids.tolist() == [242, 5] and ratings.item_ids.dtype == np.int64
    assert ratings.ratings.tolist() == [3.0, 4.5]
    assert ratings.timestamps.tolist() == [881250949, 7] and ratings.timestamps.dtype == np.int64
    assert len(ratings_from_rows([])) == 0


def test_ratings_select_keeps_arrays_aligned():
    ratings = Ratings(np.array([1, 2, 3]), np.array([10, 20, 30]), np.array([1.0, 2.0, 3.0]), np.array([5, 6, 7]))
    chosen = ratings.select(np.array([True, False, True]))
    assert (chosen.user_ids.tolist(), chosen.item_ids.tolist()) == ([1, 3], [10, 30])
    assert (chosen.ratings.tolist(), chosen.timestamps.tolist()) == ([1.0, 3.0], [5, 7])
