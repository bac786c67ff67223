from django.apps import AppConfig


class MoviesConfig(AppConfig):
    name = "movies"
    verbose_name = "Movies"

    def ready(self) -> None:
        from movies import signals  # noqa: F401  (connects the receivers)
