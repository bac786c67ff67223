"""Which MovieLens files an import reads when a directory holds more than one data set (detection only: the files
are never parsed here, so they stay empty)."""

from pathlib import Path

import pytest

from imports.movielens.reader import (
    ATOMIC,
    GROUPLENS,
    AmbiguousDatasetError,
    MissingFilesError,
    detect_layout,
)


def directory_with(tmp_path: Path, name: str, *files: str) -> Path:
    directory = tmp_path / name
    directory.mkdir()
    for file in files:
        (directory / file).touch()
    return directory


def atomic_set(stem: str) -> tuple[str, str, str]:
    return f"{stem}.inter", f"{stem}.item", f"{stem}.user"


def files_of(layout) -> tuple[str, str, str]:
    return layout.ratings.name, layout.items.name, layout.users.name


@pytest.mark.parametrize("directory_name", ["data", "train"])
@pytest.mark.parametrize("stray", ["train.inter", "1-train.inter", "a.item"])
def test_the_complete_atomic_set_wins_over_a_stray_file(tmp_path, directory_name, stray):
    directory = directory_with(tmp_path, directory_name, *atomic_set("ml-100k"), stray)

    layout = detect_layout(directory)

    assert layout.name == ATOMIC
    assert files_of(layout) == atomic_set("ml-100k")


def test_a_complete_atomic_set_wins_over_a_stray_grouplens_file(tmp_path):
    directory = directory_with(tmp_path, "data", "u.data", *atomic_set("ml-100k"))

    assert files_of(detect_layout(directory)) == atomic_set("ml-100k")


def test_a_complete_grouplens_set_still_comes_first(tmp_path):
    directory = directory_with(tmp_path, "ml-100k", "u.data", "u.item", "u.user", *atomic_set("ml-100k"))

    assert detect_layout(directory).name == GROUPLENS


def test_several_complete_atomic_sets_are_refused_naming_each(tmp_path):
    directory = directory_with(tmp_path, "data", *atomic_set("ml-100k"), *atomic_set("ml-1m"), "train.inter")

    with pytest.raises(AmbiguousDatasetError) as raised:
        detect_layout(directory)

    # train (a ratings file alone) is no candidate.
    assert f"{directory} holds several MovieLens data sets in the atomic layout: ml-100k, ml-1m." in str(raised.value)


def test_the_set_named_after_its_directory_is_chosen_among_complete_ones(tmp_path):
    directory = directory_with(tmp_path, "ml-1m", *atomic_set("ml-100k"), *atomic_set("ml-1m"))

    assert files_of(detect_layout(directory)) == atomic_set("ml-1m")


def test_with_a_ratings_file_given_a_set_needs_only_its_items_and_users(tmp_path):
    directory = directory_with(tmp_path, "data", "ml-100k.item", "ml-100k.user", "test.inter", "train.inter")

    layout = detect_layout(directory, ratings=directory / "train.inter")

    assert (layout.items.name, layout.users.name, layout.ratings) == (
        "ml-100k.item",
        "ml-100k.user",
        directory / "train.inter",
    )


def test_without_a_complete_set_the_fullest_one_is_named_with_what_it_lacks(tmp_path):
    directory = directory_with(tmp_path, "data", "ml-100k.item", "ml-100k.user", "test.inter", "train.inter")

    with pytest.raises(MissingFilesError) as raised:
        detect_layout(directory)

    assert str(raised.value) == f"Missing MovieLens file(s) for the atomic layout: {directory / 'ml-100k.inter'}."


def test_an_incomplete_set_named_after_the_directory_is_reported_before_an_equally_full_one(tmp_path):
    directory = directory_with(tmp_path, "ml-100k", "ml-100k.item", "a.item")

    with pytest.raises(MissingFilesError, match=r"ml-100k\.user, .*ml-100k\.inter"):
        detect_layout(directory)
