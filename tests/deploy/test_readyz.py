"""/readyz: 200 while the database, the cache and the broker answer; 503 naming the one that
does not, and 200 again once it is back. A private redis-server is stopped, never the shared one;
the database going away is proven by `make stack-test` on a private PostgreSQL cluster."""

import pytest

from tests.worker import RedisServer

pytestmark = pytest.mark.django_db


def test_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "status": "ready",
    }
    assert "no-store" in response["Cache-Control"]


def test_plain_http_probe_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz/").status_code == 200
    assert client.get("/").status_code == 301  # pages still go to HTTPS


def test_unavailable_while_redis_is_down_and_ready_once_it_is_back(client, settings):
    redis = RedisServer().start()
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache_backends.RedisCache",
                "LOCATION": redis.url,
            }
        }
        settings.CELERY_BROKER_URL = redis.url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        assert client.get("/readyz").status_code == 200

        redis.stop()
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {
            "database": "ok",
            "cache": "unavailable",
            "broker": "unavailable",
            "status": "unavailable",
        }

        redis = RedisServer(port=redis.port).start()
        assert client.get("/readyz").status_code == 200
    finally:
        redis.stop()
