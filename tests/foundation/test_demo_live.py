"""A demo that lives today: seed_demo replays the 2021 forum so that its journeys are open now."""

import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.demo import TZ
from delegates import services as delegates_services
from delegates.badges import token_for
from delegates.models import CheckIn, Registration
from events.models import Forum, Session
from exhibitors.models import ExhibitionSection
from tests.foundation.test_project import ROOT

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate(timezone=TZ)


def seed(*args: str) -> Forum:
    call_command("seed_demo", *args, verbosity=0)
    return Forum.objects.get(edition=2021)


def test_a_live_demo_is_open_for_every_journey(client):
    forum = seed("--anchor", today().isoformat())
    assert forum.starts_on == today() + timedelta(days=21)
    assert forum.ends_on == forum.starts_on + timedelta(days=4)
    assert forum.demo_of == date(2021, 9, 24)
    # All five exhibition sections take applications.
    sections = list(ExhibitionSection.objects.all())
    assert len(sections) == 5 and all(section.is_open() for section in sections)
    # The first release and every record of something done lie in the past; no one has been
    # checked in at a forum that has not begun.
    assert forum.releases.get(number=1).released_at < timezone.now()
    assert not CheckIn.objects.exists()
    # A demo delegate reserves a seat.
    registration = (
        Registration.objects.approved().filter(user__email__startswith="delegate").first()
    )
    session = Session.objects.published().filter(rsvp_required=True, is_cancelled=False).first()
    client.force_login(registration.user)
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", follow=True)
    page = response.content.decode()
    assert "is confirmed" in page or "on the waitlist" in page
    # The home page says, in both languages, that this is a demo replaying 2021.
    client.logout()
    assert "replayed on new dates" in client.get("/").content.decode()
    assert "2021中关村论坛" in client.get("/zh-hans/").content.decode()
    assert "演示" in client.get("/zh-hans/").content.decode()


def test_on_the_second_forum_day_the_desk_checks_badges_in_for_its_sessions(client, roles):
    forum = seed("--anchor", today().isoformat(), "--forum-day", "2")
    assert forum.starts_on == today() - timedelta(days=1)
    opening = datetime.combine(today(), time(9, 0), tzinfo=TZ)
    # Day one's check-ins happened; today's doors have not opened in the demo's records.
    assert CheckIn.objects.exists()
    assert not CheckIn.objects.filter(created_at__gte=opening).exists()
    session = (
        Session.objects.published()
        .filter(is_cancelled=False, starts_at__gte=opening, starts_at__lt=opening + timedelta(1))
        .first()
    )
    registration = (
        Registration.objects.approved()
        .filter(user__email__startswith="delegate", category__events__isnull=True)
        .first()
    )
    token = token_for(delegates_services.badge_for(registration))
    from accounts.models import User

    client.force_login(User.objects.get(email="door@zgcforum.example"))
    page = client.post(f"/delegates/desk/sessions/{session.code}/", {"token": token})
    assert "Welcome — checked in" in page.content.decode()


def test_the_demo_keeps_its_dates_until_told_to_load_anew(demo_forum):
    assert (demo_forum.starts_on, demo_forum.ends_on) == (date(2021, 9, 24), date(2021, 9, 28))
    assert demo_forum.timezone == "Asia/Shanghai"
    first = Session.objects.order_by("starts_at").first().starts_at.astimezone(TZ)
    assert first.date() == date(2021, 9, 24)
    with pytest.raises(CommandError, match="--flush"):
        call_command("seed_demo", "--anchor", "2026-12-04", verbosity=0)
    with pytest.raises(CommandError, match="--as-held keeps the 2021 dates"):
        call_command("seed_demo", "--as-held", "--forum-day", "2", verbosity=0)
    with pytest.raises(CommandError, match="1 to 5"):
        call_command("seed_demo", "--forum-day", "9", verbosity=0)
    with pytest.raises(CommandError, match="not a day"):
        call_command("seed_demo", "--anchor", "4 December", verbosity=0)


def test_make_run_serves_on_the_port_asked_for_and_links_follow():
    out = subprocess.run(
        ["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "runserver 127.0.0.1:8100" in out
    assert "SITE_URL=http://127.0.0.1:8100" in out
