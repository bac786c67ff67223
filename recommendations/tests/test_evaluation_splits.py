import numpy as np
import pytest

from recommendations.engine.interactions import Ratings
from recommendations.evaluation.splits import held_out_counts, random_split, temporal_split


def ratings_for(counts_by_user: dict[int, int]) -> Ratings:
    """``counts_by_user[u]`` ratings for user u, of items 0, 1, ... rated at times 1000, 999, ... (newest first)."""
    user_ids = np.repeat(list(counts_by_user), list(counts_by_user.values()))
    item_ids = np.concatenate([np.arange(count) for count in counts_by_user.values()])
    rng = np.random.default_rng(0)
    order = rng.permutation(len(user_ids))  # interleave users, as a real export would
    return Ratings(
        user_ids=user_ids[order],
        item_ids=item_ids[order],
        ratings=np.full(len(user_ids), 4.0),
        timestamps=(1000 - item_ids)[order],
    )


def counts_per_user(ratings: Ratings) -> dict[int, int]:
    users, counts = np.unique(ratings.user_ids, return_counts=True)
    return dict(zip(users.tolist(), counts.tolist(), strict=True))


def pairs(ratings: Ratings) -> set[tuple[int, int]]:
    return set(zip(ratings.user_ids.tolist(), ratings.item_ids.tolist(), strict=True))


RATINGS = ratings_for({1: 20, 2: 8, 3: 4, 4: 1, 5: 100})


def test_random_split_holds_out_a_quarter_of_each_users_ratings():
    train, test = random_split(RATINGS, seed=42)
    assert counts_per_user(test) == {1: 5, 2: 2, 5: 25}
    assert counts_per_user(train) == {1: 15, 2: 6, 3: 4, 4: 1, 5: 75}


def test_random_split_partitions_the_ratings():
    train, test = random_split(RATINGS, seed=42)
    assert len(train) + len(test) == len(RATINGS)
    assert pairs(train) | pairs(test) == pairs(RATINGS)
    assert not pairs(train) & pairs(test)


def test_random_split_is_deterministic_by_seed():
    first_train, first_test = random_split(RATINGS, seed=42)
    second_train, second_test = random_split(RATINGS, seed=42)
    _, other_test = random_split(RATINGS, seed=7)
    assert pairs(first_test) == pairs(second_test)
    assert pairs(first_train) == pairs(second_train)
    assert pairs(other_test) != pairs(first_test)


def test_random_split_does_not_always_hold_out_the_same_positions():
    _, test = random_split(RATINGS, seed=42)
    held_out_items = test.item_ids[test.user_ids == 5]
    assert held_out_items.max() - held_out_items.min() > 25


def test_temporal_split_puts_each_users_latest_ratings_in_test():
    train, test = temporal_split(RATINGS)
    assert counts_per_user(test) == {1: 4, 2: 2, 5: 20}
    for user in (1, 2, 5):
        latest_train = train.timestamps[train.user_ids == user].max()
        earliest_test = test.timestamps[test.user_ids == user].min()
        assert earliest_test > latest_train
    # Items were rated newest first, so the latest ratings are the lowest item numbers.
    assert sorted(test.item_ids[test.user_ids == 1].tolist()) == [0, 1, 2, 3]


def test_temporal_split_breaks_timestamp_ties_by_input_order():
    ratings = Ratings(
        user_ids=np.full(10, 1),
        item_ids=np.arange(10),
        ratings=np.full(10, 3.0),
        timestamps=np.full(10, 500),
    )
    _, test = temporal_split(ratings)
    assert test.item_ids.tolist() == [8, 9]


@pytest.mark.parametrize(
    ("rating_count", "expected_test_count"),
    [(1, 0), (2, 1), (3, 1), (4, 1), (6, 2), (10, 3), (100, 25)],
)
def test_held_out_counts_round_half_up_and_keep_something_on_each_side(rating_count, expected_test_count):
    counts = held_out_counts(np.array([rating_count]), test_fraction=0.25, min_ratings=2)
    assert counts.tolist() == [expected_test_count]


def test_users_below_min_ratings_stay_wholly_in_train():
    counts = held_out_counts(np.array([4, 5]), test_fraction=0.25, min_ratings=5)
    assert counts.tolist() == [0, 1]
