"""The MovieLens files as they are written, for the offline evaluation (the import's checks are in
test_movielens_import.py)."""

import pytest

from imports.movielens.reader import (
    MOVIELENS_SCALE,
    ItemLine,
    RatingLine,
    RatingScale,
    Skipped,
    read_item_lines,
    read_rating_lines,
    read_ratings,
)


def test_reads_a_recbole_inter_file_by_its_header(tmp_path):
    path = tmp_path / "ml.inter"
    path.write_text(
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n196\t242\t3\t881250949\n1\t5\t4.5\t7\n"
    )

    assert read_rating_lines(path) == [RatingLine(2, 196, 242, 3.0, 881250949.0), RatingLine(3, 1, 5, 4.5, 7.0)]


def test_reads_the_original_u_data_without_a_header(tmp_path):
    path = tmp_path / "u.data"
    path.write_text("196\t242\t3\t881250949\n186\t302\t3\t891717742\n")

    lines = read_rating_lines(path)

    assert [(line.user_id, line.item_id, line.timestamp) for line in lines] == [
        (196, 242, 881250949.0),
        (186, 302, 891717742.0),
    ]


def test_reads_item_titles_years_and_genres_as_written(tmp_path):
    path = tmp_path / "ml.item"
    path.write_text(
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        "1\tToy Story\t1995\tAnimation Children's Comedy\n"
        "267\tunknown\t\tunknown\n"
    )

    assert read_item_lines(path) == [
        ItemLine(2, 1, "Toy Story", "1995", ("Animation", "Children's", "Comedy")),
        ItemLine(3, 267, "unknown", "", ("unknown",)),
    ]


@pytest.mark.parametrize(
    ("rating", "held"), [(0.5, True), (1, True), (4.5, True), (5, True), (0, False), (4.25, False)]
)
def test_movielens_rates_in_half_stars_from_half_a_star_to_five(rating, held):
    assert MOVIELENS_SCALE.holds(rating) is held


def test_ratings_off_the_given_scale_are_skipped_and_the_rest_kept_as_written(tmp_path):
    path = tmp_path / "u.data"
    path.write_text("1\t1\t4.5\t7\n1\t2\t4\t7\n1\t3\t0.5\t7\n")
    skipped: list[Skipped] = []

    whole_stars = read_ratings(path, skipped, scale=RatingScale(1, 5, 1))

    assert [row.rating for row in whole_stars] == [4.0]
    assert [(row.line, row.reason) for row in skipped] == [(1, "invalid rating: '4.5'"), (3, "invalid rating: '0.5'")]
    assert [row.rating for row in read_ratings(path, [])] == [4.5, 4.0, 0.5]
