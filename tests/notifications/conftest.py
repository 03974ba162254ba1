from tests.worker import celery_worker, worker_factory  # noqa: F401  (fixtures)
