"""Celery application.

With no CELERY_BROKER_URL (the embedded default) tasks run eagerly in-process; with
CELERY_BROKER_URL=redis://... a real worker and beat (schedules in the database through
django-celery-beat) run them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("permit_office")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
