"""Content-based "similar movies": TF-IDF over one text document per movie, and its cosine neighbours."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from recommendations.engine.neighbours import DEFAULT_CHUNK_SIZE, cosine_neighbours, cosine_neighbours_of

# A description contributes dozens of words while a director is one token; repeating the structured
# tokens keeps them from being drowned out. People and keywords are what make sequels and same-director
# films neighbours; genres are broad (half the catalogue is Drama), so they count less.
DIRECTOR_WEIGHT = 3
KEYWORD_WEIGHT = 2
CAST_WEIGHT = 2
GENRE_WEIGHT = 1

_NON_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class ContentModel:
    """The fitted vectorizer and the L2-normalised TF-IDF row of every item, in item-index order."""

    vectorizer: TfidfVectorizer
    item_vectors: sp.csr_array


def feature_token(kind: str, name: str) -> str:
    """One token for a multi-word name, e.g. ("director", "Christopher Nolan") -> "director_christopher_nolan"."""
    return f"{kind}_{_NON_WORD.sub('_', name.lower()).strip('_')}"


def movie_document(
    *,
    title: str = "",
    description: str = "",
    genres: Iterable[str] = (),
    keywords: Iterable[str] = (),
    cast: Iterable[str] = (),
    directors: Iterable[str] = (),
) -> str:
    """The text TF-IDF sees for one movie: free text plus weighted single-token features.

    Pass only the top-billed cast: extras add noise, not similarity.
    """
    weighted_features = [
        *_repeated_tokens("genre", genres, GENRE_WEIGHT),
        *_repeated_tokens("keyword", keywords, KEYWORD_WEIGHT),
        *_repeated_tokens("cast", cast, CAST_WEIGHT),
        *_repeated_tokens("director", directors, DIRECTOR_WEIGHT),
    ]
    return " ".join([title, description, *weighted_features]).strip()


def fit_content_model(documents: Sequence[str]) -> ContentModel:
    """TF-IDF over ``documents`` (one per item, in item-index order).

    Raises ValueError when no document has a single usable token.
    """
    vectorizer = _vectorizer()
    item_vectors = sp.csr_array(vectorizer.fit_transform(documents))
    return ContentModel(vectorizer=vectorizer, item_vectors=item_vectors)


def restore_content_model(vocabulary: Sequence[str], idf: np.ndarray, item_vectors: sp.sparray) -> ContentModel:
    """A fitted model rebuilt from what ``fit_content_model`` learned: its vocabulary (in column order), IDF
    weights and item vectors. Transforms exactly as the original did."""
    vectorizer = _vectorizer(vocabulary=list(vocabulary))
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return ContentModel(vectorizer=vectorizer, item_vectors=sp.csr_array(item_vectors))


def content_neighbours(
    model: ContentModel, *, k: int, chunk_size: int = DEFAULT_CHUNK_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """Every item's ``k`` most similar other items as (n_items, k) index and cosine arrays, best first.

    Padded with index -1 and similarity 0 where fewer than ``k`` items share any token.
    """
    return cosine_neighbours(model.item_vectors, k=k, chunk_size=chunk_size)


def new_item_neighbours(model: ContentModel, document: str, *, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Neighbours of one new movie among the fitted items, without refitting.

    The IDF weights stay those of the fitted corpus and words it never saw are ignored, so rebuild
    periodically as the catalogue grows.
    """
    vector = sp.csr_array(model.vectorizer.transform([document]))
    indices, similarities = cosine_neighbours_of(vector, model.item_vectors, k=k)
    return indices[0], similarities[0]


def _vectorizer(vocabulary: list[str] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(stop_words="english", strip_accents="unicode", vocabulary=vocabulary)


def _repeated_tokens(kind: str, names: Iterable[str], weight: int) -> list[str]:
    return [token for name in names if name.strip() for token in [feature_token(kind, name)] * weight]
