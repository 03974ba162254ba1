"""In chromium: an organizer moves a session, the public page waits, the Release page shows the
diff and who is told, and the release makes it public with its note."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Release, Session, WorkingChange
from notifications.models import OutboundMessage
from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def test_an_organizer_moves_a_session_and_releases_it(page, demo_forum):
    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    session = (
        Session.objects.filter(
            event__forum=demo_forum, released_in=1, is_cancelled=False, rsvps__isnull=False
        )
        .distinct()
        .exclude(pk__in=WorkingChange.objects.exclude(session=None).values("session_id"))
        .order_by("starts_at")
        .first()
    )
    old = timezone.localtime(session.starts_at)
    new_start = old.replace(hour=22, minute=5)  # late evening: the room is free
    new_end = new_start + timedelta(minutes=40)

    page.goto("/admin/login/?next=/admin/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    # "/admin/login/?next=/admin/" already matches "**/admin/": wait for the POST's response.
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_role("link", name=f"Release the schedule of {demo_forum.name}").count() == 1

    page.goto(f"/admin/events/session/{session.pk}/change/")
    page.locator("#id_starts_at_1").fill(new_start.strftime("%H:%M:%S"))
    page.locator("#id_ends_at_0").fill(new_end.strftime("%Y-%m-%d"))
    page.locator("#id_ends_at_1").fill(new_end.strftime("%H:%M:%S"))
    with page.expect_navigation():  # wait_for_load_state() would return at once
        page.locator("input[name=_continue]").click()
    assert "Saved in the working programme" in page.content()

    public = page.context.new_page()
    public.goto(f"/sessions/{session.code}/")
    assert old.strftime("%H:%M") in public.content() and "22:05" not in public.content()

    page.get_by_role("link", name="Release this change now").click()
    page.wait_for_url("**/release/?change=*")
    rows = page.locator("table.release-diff tbody tr")
    assert rows.count() == 1
    assert "Moved" in rows.first.inner_text() and "22:05" in rows.first.inner_text()
    assert rows.first.locator("td.release-audience").inner_text() != ""
    assert_accessible(page)
    page.get_by_label("Release note (English)").fill("A session moved to the evening.")
    page.get_by_label("Release note (Chinese)").fill("一场会议调整到晚间举行。")
    with page.expect_navigation():
        page.get_by_role("button", name="Release…").click()
    assert page.get_by_role("button", name="Confirm the release").count() == 1
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm the release").click()
    assert "Version 2 released" in page.content()
    assert_accessible(page)

    public.goto(f"/sessions/{session.code}/")
    assert "22:05" in public.content()
    public.goto("/schedule/changes/")
    changelog = public.content()
    assert (
        "A session moved to the evening." in changelog and "一场会议调整到晚间举行。" in changelog
    )
    assert f"/sessions/{session.code}/" in changelog
    assert Release.objects.filter(forum=demo_forum).count() == 2
    # The digest is in the outbox for those following the session.
    holders = set(session.rsvps.values_list("user__email", flat=True))
    digests = OutboundMessage.objects.filter(template_key="delegates/mail/schedule_released")
    assert holders and holders <= set(digests.values_list("to_email", flat=True))
