"""Ratings in half stars: a float column restricted to 0.5, 1, 1.5 ... 5, and every movie's rating_distribution
rebuilt with a key per half star ("0.5", "1", "1.5" ... "5"). Back again only while no review has half a star."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError
from django.db.models import Count

import movies.ratings

# The scales as they were when this migration was written: later changes to movies.ratings must not change it.
HALF_STARS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0)
WHOLE_STARS = (1.0, 2.0, 3.0, 4.0, 5.0)
BATCH_SIZE = 500


def distribution_key(rating: float) -> str:
    """4.0 -> "4", 4.5 -> "4.5"."""
    number = float(rating)
    return str(int(number)) if number.is_integer() else str(number)


def rebuild_distributions(apps, scale=HALF_STARS):
    """Every movie's distribution counted afresh from its reviews: one key per rating of ``scale``, lowest first."""
    Movie = apps.get_model("movies", "Movie")
    Review = apps.get_model("reviews", "Review")
    counts = defaultdict(dict)
    rows = Review.objects.values("movie_id", "rating").annotate(n=Count("pk")).order_by()
    for movie_id, rating, count in rows.values_list("movie_id", "rating", "n"):
        counts[movie_id][distribution_key(rating)] = count
    empty = {distribution_key(rating): 0 for rating in scale}
    movie_ids = list(Movie.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(movie_ids), BATCH_SIZE):
        movies = [
            Movie(pk=movie_id, rating_distribution={**empty, **counts.get(movie_id, {})})
            for movie_id in movie_ids[start : start + BATCH_SIZE]
        ]
        Movie.objects.bulk_update(movies, ["rating_distribution"])


def to_half_stars(apps, schema_editor):
    rebuild_distributions(apps, HALF_STARS)


def to_whole_stars(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    if Review.objects.exclude(rating__in=WHOLE_STARS).exists():
        raise IrreversibleError("Some reviews have half a star: change or delete them before going back to whole stars.")
    rebuild_distributions(apps, WHOLE_STARS)


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0006_movie_rating_distribution"),
        ("reviews", "0003_review_likes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="review", name="review_rating_between_1_and_5"),
        migrations.AlterField(
            model_name="review",
            name="rating",
            field=models.FloatField(validators=[movies.ratings.validate_rating]),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.CheckConstraint(
                condition=models.Q(rating__in=HALF_STARS),
                name="review_rating_in_half_stars",
                violation_error_message="Ratings go from 0.5 to 5 in steps of 0.5.",
            ),
        ),
        migrations.RunPython(to_half_stars, to_whole_stars),
    ]
