"""The Celery app: tasks are autodiscovered in each installed app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")

app = Celery("zgcforum")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_task(name, args, kwargs, options, task=None, **kw):
    """Heavy jobs to ``<default queue>.heavy``, everything else to the default queue (whatever the
    default is at send time: deployments and test workers name theirs)."""
    from django.conf import settings

    if name in settings.CELERY_HEAVY_TASKS:
        return {"queue": f"{app.conf.task_default_queue}.heavy"}
    return None
