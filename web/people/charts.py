"""The taste profile's charts: bar geometry for SVG drawn by the templates (coordinates as attributes, colours from
the style sheet), each chart with the same figures as a table beside it."""

from dataclasses import dataclass
from typing import Any

# A horizontal bar chart (favourite genres): a label column, then the bars, then the count.
ROW_HEIGHT = 28
BAR_HEIGHT = 18
LABEL_WIDTH = 110
BAR_SPACE = 170
GENRES_WIDTH = LABEL_WIDTH + BAR_SPACE + 40

# A column chart (ratings given, 0.5 to 5): ten columns over a baseline with the ratings under it.
COLUMN_WIDTH = 26
COLUMN_GAP = 6
COLUMN_SPACE = 120
COLUMNS_TOP = 18
COLUMNS_BOTTOM = 22


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    count_x: float
    count_y: float


def genre_bars(genres: list[dict[str, Any]]) -> dict[str, Any]:
    """Favourite genres as horizontal bars, the longest for the genre with most films."""
    most = max((genre["count"] for genre in genres), default=0) or 1
    bars = []
    for index, genre in enumerate(genres):
        top = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        width = max(round(BAR_SPACE * genre["count"] / most, 1), 2)
        middle = index * ROW_HEIGHT + ROW_HEIGHT / 2 + 5
        bars.append(
            Bar(genre["name"], genre["count"], LABEL_WIDTH, top, width, BAR_HEIGHT, LABEL_WIDTH - 8, middle,
                LABEL_WIDTH + width + 6, middle)
        )  # fmt: skip
    return {"bars": bars, "width": GENRES_WIDTH, "height": max(len(bars), 1) * ROW_HEIGHT}


def rating_columns(distribution: dict[str, int]) -> dict[str, Any]:
    """Ratings given (0.5 to 5 stars) as columns, the tallest for the most frequent rating."""
    most = max(distribution.values(), default=0) or 1
    baseline = COLUMNS_TOP + COLUMN_SPACE
    columns = []
    for index, (rating, count) in enumerate(distribution.items()):
        height = round(COLUMN_SPACE * count / most, 1)
        left = COLUMN_GAP + index * (COLUMN_WIDTH + COLUMN_GAP)
        middle = left + COLUMN_WIDTH / 2
        columns.append(
            Bar(rating, count, left, baseline - height, COLUMN_WIDTH, height, middle, baseline + 16, middle,
                baseline - height - 5)
        )  # fmt: skip
    width = COLUMN_GAP + len(columns) * (COLUMN_WIDTH + COLUMN_GAP)
    return {"bars": columns, "width": width, "height": baseline + COLUMNS_BOTTOM, "baseline": baseline}


def taste_charts(profile: dict[str, Any], *, show_decades: bool) -> dict[str, Any]:
    """What the profile page shows of a taste profile (recommendations.selectors.taste_profile). Decades count the
    films a member logged in their diary: they are left out where the diary is private to the viewer."""
    distribution = profile["rating_distribution"]
    return {
        **profile,
        "decades": profile["decades"] if show_decades else None,
        "genre_chart": genre_bars(profile["favourite_genres"]),
        "rating_chart": rating_columns(distribution),
        "rated_count": sum(distribution.values()),
    }
