from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Member activity"

    def ready(self) -> None:
        from activity import signals  # noqa: F401  (connects the receivers)
