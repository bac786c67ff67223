from django.db import migrations, models

import movies.ratings


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0005_tmdb_metadata"),
    ]

    operations = [
        migrations.AddField(
            model_name="movie",
            name="rating_distribution",
            field=models.JSONField(default=movies.ratings.no_ratings, editable=False, help_text="Reviews per star."),
        ),
    ]
