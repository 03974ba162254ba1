#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")
    # A bare checkout (neither DEBUG nor SECRET_KEY set) is a developer's: its commands run in
    # DEBUG. A deployment sets SECRET_KEY, and DEBUG then stays off unless set (settings.py);
    # gunicorn (wsgi.py) and Celery never take this default.
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
