from django.core.management.base import BaseCommand

from recommendations.tasks import refresh_popular_figures


class Command(BaseCommand):
    help = (
        "Rank the popular lists (top rated, trending, most reviewed, recently added) again and store them, as beat "
        "does every POPULAR_FIGURES_REFRESH_SECONDS; for a deployment that runs cron instead of beat."
    )

    def handle(self, *args, **options):
        refresh_popular_figures()
        self.stdout.write("popular lists refreshed")
