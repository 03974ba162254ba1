"""gunicorn settings for a web node (``gunicorn -c deploy/gunicorn.conf.py zgcforum.wsgi``).

Read from the environment so that systemd, Docker Compose and ``make stack`` share one file:
GUNICORN_BIND (default 127.0.0.1:8001), WEB_CONCURRENCY (worker processes, default 2),
GUNICORN_THREADS (threads per worker, default 8), GUNICORN_TIMEOUT (seconds, default 30).
Access and error logs are one JSON object per line on stdout (the host's collector reads them).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5  # longer than nginx's upstream keepalive_timeout (4 s, deploy/nginx.conf)
# A worker is replaced after this many requests (a leak cannot grow without bound).
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = os.environ.get("GUNICORN_NAME", "zgcforum-web")

accesslog = "-"
errorlog = "-"
# The access line is itself a JSON object (the formatter below passes it through unchanged).
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "node": "'
    + proc_name
    + '", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", "query": "%(q)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, "user_agent": "%(a)s"}'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
