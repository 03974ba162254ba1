"""Staff sessions end after ``STAFF_IDLE_TIMEOUT`` seconds without a request (0: never)."""

import time

from django.conf import settings
from django.contrib.auth import logout

SEEN_KEY = "staff_seen_at"
# The last-seen time is written at most this often: not a session save on every request.
RESOLUTION = 60


class StaffIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.STAFF_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated and user.is_staff:
            now = time.time()
            seen = request.session.get(SEEN_KEY)
            if seen is not None and now - seen > timeout:
                logout(request)  # the admin then asks to sign in again
            elif seen is None or now - seen > min(RESOLUTION, timeout / 2):
                request.session[SEEN_KEY] = now
        return self.get_response(request)


def start_idle_clock(sender, request, user, **kwargs):
    if user.is_staff and hasattr(request, "session"):
        request.session[SEEN_KEY] = time.time()
