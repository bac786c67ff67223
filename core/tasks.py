import logging

from celery import shared_task
from django.core.management import call_command

logger = logging.getLogger(__name__)


@shared_task(name="core.tasks.ping")
def ping() -> str:
    """Round-trip check for a worker: needs no database, cache or anything else."""
    return "pong"


@shared_task(name="core.tasks.flush_expired_tokens", ignore_result=True)
def flush_expired_tokens() -> None:
    """Delete expired refresh tokens (and their blacklist entries). Scheduled nightly by beat."""
    call_command("flushexpiredtokens", verbosity=0)
    logger.info("flushed expired JWT refresh tokens")
