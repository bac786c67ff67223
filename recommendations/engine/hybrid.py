"""Blending collaborative and content scores by how much a user has told us.

A user with few reviews gives a collaborative model little to go on, while "more like what you rated highly"
works from the first review; the content share falls linearly from 1 (no reviews) to 0 at
``blend_reviews`` reviews, from where on the ranking is the collaborative model's alone.
"""

import numpy as np
import scipy.sparse as sp

# On MovieLens 100k, EASE beats content similarity by a wide margin for users with a full history (see
# manage.py evaluate_recommender), so content only helps until a user has a couple of dozen reviews.
DEFAULT_BLEND_REVIEWS = 20


def content_weights(review_counts: np.ndarray, *, blend_reviews: int = DEFAULT_BLEND_REVIEWS) -> np.ndarray:
    """Share of the content signal for each user: 1 with no reviews, 0 from ``blend_reviews`` on."""
    return np.clip(1.0 - np.asarray(review_counts, dtype=np.float64) / blend_reviews, 0.0, 1.0)


def liking_weights(ratings: np.ndarray) -> np.ndarray:
    """How much a rated item should pull similar items up: 0 for 1-2 stars, then 1, 2, 3 for 3, 4, 5 stars."""
    return np.clip(np.asarray(ratings, dtype=np.float64) - 2.0, 0.0, None)


def liking_matrix(ratings: sp.csr_array) -> sp.csr_array:
    """The user x item rating matrix with each rating replaced by its liking weight (zeros dropped)."""
    liked = sp.csr_array(ratings, dtype=np.float64, copy=True)
    liked.data = liking_weights(liked.data)
    liked.eliminate_zeros()
    return liked


def row_scale(scores: np.ndarray) -> np.ndarray:
    """Each row's largest positive score (1 where there is none), to bring signals onto one 0..1 scale."""
    if scores.shape[1] == 0:
        return np.ones(scores.shape[0])
    peaks = scores.max(axis=1)
    return np.where(peaks > 0, peaks, 1.0)


def blend_scores(collaborative: np.ndarray, content: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per user row: (1 - w) * collaborative / its peak + w * content / its peak.

    Rows with w == 0 keep their raw collaborative scores, so their ranking is exactly the collaborative model's.
    """
    collaborative = np.asarray(collaborative, dtype=np.float64)
    content = np.asarray(content, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    blended = (1.0 - weights)[:, None] * (collaborative / row_scale(collaborative)[:, None]) + weights[:, None] * (
        content / row_scale(content)[:, None]
    )
    pure = weights == 0
    blended[pure] = collaborative[pure]
    return blended
