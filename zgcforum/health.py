"""Readiness for the load balancer and the process supervisor: ``/readyz``.

``/healthz/`` says the process answers (no database, no language: the benchmark's floor).
``/readyz`` says it can serve a request that writes: the database, the cache and the Celery broker
each answer within a second or two. 200 when all do, 503 naming the one that does not; never
cached, never redirected to HTTPS (the balancer probes over plain HTTP on the node's port).
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger("zgcforum.readyz")

BROKER_TIMEOUT = 2.0  # seconds


def database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        # A broken persistent connection stays broken: the next probe opens a new one.
        connection.close()
        raise


def cache_round_trip() -> None:
    cache.set("readyz", "1", 10)
    if cache.get("readyz") != "1":
        raise RuntimeError("the cache did not return what was stored")


def broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # `make run`: tasks run in the web process, there is no broker to reach
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT)


CHECKS = {"database": database, "cache": cache_round_trip, "broker": broker}


@never_cache
@require_safe
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not ready", with its kind for the log
            results[name] = "unavailable"
            logger.warning("readyz: %s unavailable: %s", name, type(error).__name__)
        else:
            results[name] = "ok"
    ready = all(value == "ok" for value in results.values())
    results["status"] = "ready" if ready else "unavailable"
    return JsonResponse(results, status=200 if ready else 503)
