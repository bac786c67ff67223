"""The MovieLens files as they are written, for the offline evaluation (the import's checks are in
test_movielens_import.py)."""

from imports.movielens.reader import ItemLine, RatingLine, read_item_lines, read_rating_lines


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
