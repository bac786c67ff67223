"""Per-user train/test splits: every evaluated user keeps part of their history to be scored from."""

import numpy as np

from recommendations.engine.interactions import Ratings

# A user with fewer ratings stays wholly in train: their handful of ratings still shapes the model,
# but a one- or two-item test set would only add noise to the averages.
DEFAULT_MIN_RATINGS = 5


def random_split(
    ratings: Ratings,
    *,
    test_fraction: float = 0.25,
    seed: int = 42,
    min_ratings: int = DEFAULT_MIN_RATINGS,
) -> tuple[Ratings, Ratings]:
    """Per user, a random ``test_fraction`` of their ratings goes to test; the same seed gives the same split."""
    shuffle_keys = np.random.default_rng(seed).random(len(ratings))
    return _split_each_user_tail(ratings, shuffle_keys, test_fraction=test_fraction, min_ratings=min_ratings)


def temporal_split(
    ratings: Ratings,
    *,
    test_fraction: float = 0.2,
    min_ratings: int = DEFAULT_MIN_RATINGS,
) -> tuple[Ratings, Ratings]:
    """Per user, their latest ``test_fraction`` of ratings by timestamp goes to test.

    Ratings with the same timestamp keep their input order, so the split is deterministic.
    """
    return _split_each_user_tail(ratings, ratings.timestamps, test_fraction=test_fraction, min_ratings=min_ratings)


def held_out_counts(rating_counts: np.ndarray, *, test_fraction: float, min_ratings: int) -> np.ndarray:
    """How many of each user's ratings go to test: rounded half up, at least one, never all of them."""
    wanted = np.floor(rating_counts * test_fraction + 0.5).astype(np.int64)
    counts = np.clip(wanted, 1, np.maximum(rating_counts - 1, 1))
    return np.where(rating_counts >= max(min_ratings, 2), counts, 0)


def _split_each_user_tail(
    ratings: Ratings, order_keys: np.ndarray, *, test_fraction: float, min_ratings: int
) -> tuple[Ratings, Ratings]:
    """Order each user's ratings by ``order_keys`` and send the last ones to test."""
    _, user_positions = np.unique(ratings.user_ids, return_inverse=True)
    order = np.lexsort((np.arange(len(ratings)), order_keys, user_positions))
    rating_counts = np.bincount(user_positions)
    group_starts = np.cumsum(rating_counts) - rating_counts
    rank_within_user = np.arange(len(ratings)) - np.repeat(group_starts, rating_counts)
    n_test = held_out_counts(rating_counts, test_fraction=test_fraction, min_ratings=min_ratings)

    is_test = np.zeros(len(ratings), dtype=bool)
    is_test[order] = rank_within_user >= np.repeat(rating_counts - n_test, rating_counts)
    return ratings.select(~is_test), ratings.select(is_test)
