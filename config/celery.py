"""Celery application for FlixReview.

Configured from Django settings (the `CELERY_` names): the broker is CELERY_BROKER_URL (Redis in
the compose file). Without a broker, tasks run in-process (CELERY_TASK_ALWAYS_EAGER), so the API
works with nothing else running.

    celery -A config worker --loglevel INFO    # runs tasks
    celery -A config beat --loglevel INFO      # sends the CELERY_BEAT_SCHEDULE tasks; run one only
"""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("flixreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _each_task_reads_from_the_replica(**kwargs: object) -> None:
    # What the task before it wrote on this worker thread does not pin this one to the primary (core.replica).
    from core.replica import start

    start()
