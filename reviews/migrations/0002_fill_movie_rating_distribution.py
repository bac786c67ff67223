"""Count each movie's reviews per star into the new movies.Movie.rating_distribution."""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count

STARS = range(1, 6)


def fill(apps, schema_editor):
    Movie = apps.get_model("movies", "Movie")
    Review = apps.get_model("reviews", "Review")
    distributions = defaultdict(lambda: {str(star): 0 for star in STARS})
    counts = Review.objects.values("movie_id", "rating").annotate(n=Count("pk")).order_by()
    for movie_id, rating, count in counts.values_list("movie_id", "rating", "n"):
        distributions[movie_id][str(rating)] = count
    movies = [Movie(pk=movie_id, rating_distribution=distribution) for movie_id, distribution in distributions.items()]
    Movie.objects.bulk_update(movies, ["rating_distribution"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("movies", "0006_movie_rating_distribution"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
