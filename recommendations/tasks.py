import logging

from celery import shared_task

from recommendations import services

logger = logging.getLogger(__name__)


@shared_task(name="recommendations.tasks.build_recommendations", ignore_result=True)
def build_recommendations() -> None:
    """Nightly rebuild (beat). Skipped, not queued again, while another build holds the lock."""
    try:
        result = services.recommendations_build()
    except services.BuildInProgress:
        logger.info("recommendations build skipped: another build is running")
        return
    logger.info("recommendations model %s is now served", result.version.pk)
