"""The demo's visa desk and a few letter requests in mixed states (seed_demo, after the apps of
core.demo.DEMO_APPS: ciphertexts and references are random, so these rows stay out of the
content digest)."""

from datetime import date, timedelta

from django.contrib.auth.models import Group

from accounts.demo import upsert_user
from accounts.roles import ensure_roles
from delegates.models import Registration

from . import services
from .models import LetterRequest
from .roles import VISA_DESK

STATES = ["submitted", "submitted", "changes", "approved", "approved", "rejected"]


def seed(ctx) -> None:
    ensure_roles()
    desk = upsert_user(
        ctx,
        "visa@zgcforum.example",
        name="Visa Desk",
        name_zh="签证服务台",
        language="zh-hans",
        is_staff=True,
    )
    desk.groups.set([Group.objects.get(name=VISA_DESK)])
    if LetterRequest.objects.exists():
        return
    forum = services.current_forum()
    people = list(
        Registration.objects.approved()
        .exclude(country__in=sorted(services.NO_LETTER_NEEDED))
        .filter(anonymised_at__isnull=True)
        .select_related("user")
        .order_by("pk")[: len(STATES)]
    )
    with services.quiet():
        _requests(people, forum, desk, ctx.rng("visa"))
    ctx.say(f"visa: {len(people)} letter requests")


def _requests(people, forum, desk, rng) -> None:
    for registration, state in zip(people, STATES, strict=False):
        data = {
            "passport_name": registration.name.upper(),
            "nationality": registration.country.code,
            "passport_number": f"P{rng.randrange(10**7, 10**8)}",
            "date_of_birth": date(
                1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28)
            ),
            "passport_expires_on": forum.ends_on + timedelta(days=3 * 365),
            "entry_on": forum.starts_on - timedelta(days=2),
            "exit_on": forum.ends_on + timedelta(days=2),
            "consular_post": "Embassy of China",
        }
        request = services.submit_request(registration, data)
        if state == "changes":
            services.ask_for_changes(request, by=desk, message="Please give the consulate's city.")
        elif state == "approved":
            services.approve_request(request, by=desk)
        elif state == "rejected":
            services.reject_request(
                request, by=desk, reason="The passport number does not match the copy."
            )
