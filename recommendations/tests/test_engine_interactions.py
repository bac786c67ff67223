import numpy as np
import pytest

from recommendations.engine.interactions import (
    Ratings,
    index_ids,
    interaction_matrix,
    load_movielens_items,
    load_movielens_ratings,
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


def test_loads_recbole_inter_file_with_header(tmp_path):
    path = tmp_path / "ml.inter"
    path.write_text(
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n1\t5\t4.5\t7\n"
    )
    ratings = load_movielens_ratings(path)
    assert ratings.user_ids.tolist() == [196, 1]
    assert ratings.item_ids.tolist() == [242, 5]
    assert ratings.ratings.tolist() == [3.0, 4.5]
    assert ratings.timestamps.tolist() == [881250949, 7]


def test_loads_original_u_data_without_header(tmp_path):
    path = tmp_path / "u.data"
    path.write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n")
    ratings = load_movielens_ratings(path)
    assert len(ratings) == 2
    assert ratings.user_ids.tolist() == [196, 186]
    assert ratings.timestamps.tolist() == [881250949, 891717742]


def test_loads_item_titles_years_and_genres(tmp_path):
    path = tmp_path / "ml.item"
    path.write_text(
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        "1\tToy Story\t1995\tAnimation Children's Comedy\n"
        "267\tunknown\t\tunknown\n"
    )
    items = load_movielens_items(path)
    assert items[1] == ("Toy Story", "1995", ["Animation", "Children's", "Comedy"])
    assert items[267] == ("unknown", "", ["unknown"])


def test_ratings_select_keeps_arrays_aligned():
    ratings = Ratings(np.array([1, 2, 3]), np.array([10, 20, 30]), np.array([1.0, 2.0, 3.0]), np.array([5, 6, 7]))
    chosen = ratings.select(np.array([True, False, True]))
    assert (chosen.user_ids.tolist(), chosen.item_ids.tolist()) == ([1, 3], [10, 30])
    assert (chosen.ratings.tolist(), chosen.timestamps.tolist()) == ([1.0, 3.0], [5, 7])
