"""The real migrations that turn the MVP's comma-separated genre text into Genre rows, and back."""

import pytest

BEFORE = [("movies", "0001_initial"), ("reviews", "0001_initial"), ("accounts", "0001_initial")]
AFTER = [("movies", "0004_remove_movie_genre"), ("reviews", "0001_initial"), ("accounts", "0001_initial")]

GENRE_TEXTS = {
    "Blade Runner": "Action, Sci-Fi",
    "Dead Poets Society": " drama ,Drama",
    "Untitled": "",
    "Notting Hill": "Comedy|Romance",
    "Dr. Strangelove": "comedy, War",
}


def _seed_mvp_schema(apps) -> dict[str, int]:
    Movie = apps.get_model("movies", "Movie")
    Review = apps.get_model("reviews", "Review")
    User = apps.get_model("accounts", "User")
    user = User.objects.create(username="critic", password="!")
    ids = {}
    for title, text in GENRE_TEXTS.items():
        movie = Movie.objects.create(title=title, genre=text, avg_rating=4, review_count=1)
        Review.objects.create(user=user, movie=movie, rating=4)
        ids[title] = movie.pk
    return ids


def _counts(apps) -> tuple[int, int, int]:
    return tuple(
        apps.get_model(*name).objects.count()
        for name in [("movies", "Movie"), ("reviews", "Review"), ("accounts", "User")]
    )


# The tests start by migrating *backwards* from the fully migrated test database: Django then
# unapplies only movies 0002-0004, keeping the reviews and accounts tables the old schema had.
@pytest.fixture
def migrated_forward(migrator):
    old_state = migrator.apply_tested_migration(BEFORE)
    ids = _seed_mvp_schema(old_state.apps)
    counts_before = _counts(old_state.apps)
    new_state = migrator.apply_tested_migration(AFTER)
    return migrator, new_state, ids, counts_before


def _genre_names(apps, movie_id: int) -> list[str]:
    Movie = apps.get_model("movies", "Movie")
    return sorted(Movie.objects.get(pk=movie_id).genres.values_list("name", flat=True))


def test_forward_migration_creates_one_genre_per_name_whatever_the_case(migrated_forward):
    _, state, _, _ = migrated_forward
    Genre = state.apps.get_model("movies", "Genre")

    assert sorted(Genre.objects.values_list("name", "slug")) == [
        ("Action", "action"),
        ("Comedy", "comedy"),
        ("Drama", "drama"),
        ("Romance", "romance"),
        ("Sci-Fi", "sci-fi"),
        ("War", "war"),
    ]


def test_forward_migration_links_every_movie_to_exactly_its_genres(migrated_forward):
    _, state, ids, _ = migrated_forward

    assert _genre_names(state.apps, ids["Blade Runner"]) == ["Action", "Sci-Fi"]
    assert _genre_names(state.apps, ids["Dead Poets Society"]) == ["Drama"]
    assert _genre_names(state.apps, ids["Untitled"]) == []
    assert _genre_names(state.apps, ids["Notting Hill"]) == ["Comedy", "Romance"]
    assert _genre_names(state.apps, ids["Dr. Strangelove"]) == ["Comedy", "War"]


def test_forward_migration_drops_the_text_field_and_touches_nothing_else(migrated_forward):
    _, state, ids, counts_before = migrated_forward
    Movie = state.apps.get_model("movies", "Movie")

    assert "genre" not in {field.name for field in Movie._meta.get_fields()}
    assert _counts(state.apps) == counts_before
    movie = Movie.objects.get(pk=ids["Blade Runner"])
    assert (movie.title, movie.avg_rating, movie.review_count) == ("Blade Runner", 4, 1)


def test_backward_migration_rebuilds_the_text_from_the_links(migrated_forward):
    migrator, _, ids, counts_before = migrated_forward

    old_state = migrator.apply_tested_migration(BEFORE)
    Movie = old_state.apps.get_model("movies", "Movie")

    texts = dict(Movie.objects.values_list("pk", "genre"))
    assert texts[ids["Blade Runner"]] == "Action, Sci-Fi"
    assert texts[ids["Dead Poets Society"]] == "Drama"
    assert texts[ids["Untitled"]] == ""
    assert texts[ids["Notting Hill"]] == "Comedy, Romance"
    assert texts[ids["Dr. Strangelove"]] == "Comedy, War"
    assert _counts(old_state.apps) == counts_before


def test_forward_migration_keeps_genres_that_already_exist(migrator):
    state = migrator.apply_tested_migration([("movies", "0002_genre"), *BEFORE[1:]])
    Genre = state.apps.get_model("movies", "Genre")
    Movie = state.apps.get_model("movies", "Movie")
    existing = Genre.objects.create(name="Drama", slug="drama")
    movie = Movie.objects.create(title="Ikiru", genre="DRAMA, Film-Noir")

    state = migrator.apply_tested_migration(AFTER)

    Genre = state.apps.get_model("movies", "Genre")
    assert Genre.objects.get(slug="drama").pk == existing.pk
    assert _genre_names(state.apps, movie.pk) == ["Drama", "Film-Noir"]
