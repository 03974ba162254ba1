"""The Celery app: tasks are autodiscovered in each installed app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")

app = Celery("zgcforum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
