import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Everything loaded so far (Django, DRF, numpy, every view module) lives as long as the process. Frozen, the
# garbage collector stops walking it: its full collections otherwise stop a worker for over 100 ms on a small
# machine, in the middle of requests, and more often as the caches fill.
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()
