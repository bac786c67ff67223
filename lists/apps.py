from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    verbose_name = "Lists of films"

    def ready(self) -> None:
        from lists import signals  # noqa: F401  (connects the receivers)
