"""Celery application for FlixReview.

Configured from Django settings (the `CELERY_` names): the broker is CELERY_BROKER_URL (Redis in
the compose file). Without a broker, tasks run in-process (CELERY_TASK_ALWAYS_EAGER), so the API
works with nothing else running.

    celery -A config worker --loglevel INFO    # runs tasks
    celery -A config beat --loglevel INFO      # sends the CELERY_BEAT_SCHEDULE tasks; run one only
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("flixreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
