from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0003_genre_text_to_genres"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="movie",
            name="genre",
        ),
    ]
