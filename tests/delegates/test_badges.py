"""Badges: the PDF holds the names as text and a QR code the desk accepts; revoking kills it."""

import pytest
from django.urls import reverse

from delegates import services
from delegates.badges import code_from_token, token_for
from delegates.models import Badge, BadgePrintJob, Scan
from tests.delegates.conftest import approved_registration, pdf_qr_codes, pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_own_badge_pdf_holds_both_names_and_a_qr_the_desk_accepts_once(client, desk_user):
    category = CategoryFactory(name_en="Speaker", name_zh_hans="演讲嘉宾", colour="#aa3300")
    registration = approved_registration(
        category=category,
        name="Zhang Xiaoming",
        name_zh="张 晓明",
        organization="Peking University",
        country="CN",
    )
    client.force_login(registration.user)
    response = client.get(reverse("delegates:badge"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(pdf)
    assert "张晓明" in text
    assert "ZhangXiaoming" in text
    assert "PekingUniversity" in text
    assert "Speaker" in text
    assert "China" in text

    (token,) = pdf_qr_codes(pdf)
    assert "Zhang" not in token and "@" not in token  # opaque: no personal data
    badge = Badge.objects.get(registration=registration)
    assert code_from_token(token) == badge.code

    client.force_login(desk_user)
    first = client.post(reverse("delegates:desk"), {"token": token})
    assert first.status_code == 200
    assert "Welcome — checked in" in first.content.decode()
    second = client.post(reverse("delegates:desk"), {"token": token})
    page = second.content.decode()
    assert "Already checked in at" in page
    assert "by Door Volunteer" in page
    assert list(Scan.objects.order_by("pk").values_list("result", flat=True)) == [
        "accepted",
        "duplicate",
    ]


def test_badge_with_photo_embeds_it(client, delegate_with_photo):
    registration = delegate_with_photo("Photo Person")
    client.force_login(registration.user)
    pdf = client.get(reverse("delegates:badge")).content
    import io

    from pypdf import PdfReader

    images = [img for page in PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    assert images, "the photo is on the badge"


def test_revoked_badge_is_refused_and_reissue_gives_a_new_code(client, desk_user):
    registration = approved_registration(name="Lost Badge")
    old = services.badge_for(registration)
    old_token = token_for(old)
    services.revoke_badge(old, reason=Badge.RevokeReason.LOST)
    new = services.reissue_badge(registration)
    assert new.code != old.code

    client.force_login(desk_user)
    page = client.post(reverse("delegates:desk"), {"token": old_token}).content.decode()
    assert "Badge revoked" in page
    assert "(lost)" in page
    assert "Welcome — checked in" not in page
    page = client.post(reverse("delegates:desk"), {"token": token_for(new)}).content.decode()
    assert "Welcome — checked in" in page


def test_pending_person_gets_no_badge(client):
    registration = RegistrationFactory(status="pending")
    client.force_login(registration.user)
    response = client.get(reverse("delegates:badge"))
    assert response.status_code == 302
    assert not Badge.objects.exists()


def test_a_delegate_reaches_only_their_own_badge(client):
    mine = approved_registration(name="Me Myself")
    other = approved_registration(name="Someone Else", name_zh="别人")
    other_badge = services.badge_for(other)
    client.force_login(mine.user)
    text = pdf_text(client.get(reverse("delegates:badge")).content)
    assert "MeMyself" in text and "别人" not in text
    for url in [
        reverse("admin:delegates_badge_pdf", args=[other_badge.pk]),
        reverse("admin:delegates_badge_change", args=[other_badge.pk]),
        reverse("admin:delegates_badgeprintjob_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    # Someone without a registration has no badge at all.
    client.force_login(UserFactory())
    assert client.get(reverse("delegates:badge")).status_code == 404


def test_organizer_prints_a_filtered_list_in_one_pdf(
    client, organizer, django_capture_on_commit_callbacks
):
    press = CategoryFactory(slug="press", name_en="Press", name_zh_hans="媒体")
    people = [approved_registration(category=press, name=f"Reporter {i}") for i in range(3)]
    RegistrationFactory(category=press, name="Pending Reporter", status="pending")
    client.force_login(organizer)
    changelist = reverse("admin:delegates_registration_changelist")
    ids = [str(p.pk) for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{changelist}?category__id__exact={press.pk}",
            {"action": "print_badges_selected", "_selected_action": ids, "select_across": "0"},
        )
    job = BadgePrintJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:delegates_badgeprintjob_change", args=[job.pk])
    assert (job.status, job.done, job.total, job.progress) == ("done", 3, 3, 100)
    page = client.get(response["Location"]).content.decode()
    assert "3 of 3 badges" in page
    download = client.get(reverse("admin:delegates_badgeprintjob_download", args=[job.pk]))
    pdf = b"".join(download.streaming_content)
    text = pdf_text(pdf)
    assert all(f"Reporter{i}" in text for i in range(3))
    assert len(pdf_qr_codes(pdf)) == 3


def test_broker_down_the_print_action_answers_and_the_sweep_prints_later(
    client, organizer, settings, django_capture_on_commit_callbacks
):
    from tests.services import free_port
    from tests.worker import publishing_to

    people = [approved_registration(name=f"Patient Person {i}") for i in range(2)]
    client.force_login(organizer)
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with (
        publishing_to(dead_broker, "zgc-test-dead"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("admin:delegates_registration_changelist"),
            {"action": "print_badges_selected", "_selected_action": [p.pk for p in people]},
            follow=True,
        )
    assert response.status_code == 200  # the job is saved, not a 500
    job = BadgePrintJob.objects.get()
    assert (job.status, job.attempts) == ("queued", 0)
    assert "0 of 2 badges" in response.content.decode()
    # The broker is back (eager here): the beat sweep enqueues what nobody picked up.
    settings.BADGE_PRINT_STUCK_AFTER = 0
    assert services.sweep_badge_print_jobs() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("done", 2, 1)


def test_sweep_restarts_a_job_left_running_and_gives_up_after_three_starts(settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.BADGE_PRINT_STUCK_AFTER = 600
    person = approved_registration(name="Stuck Person")
    long_ago = timezone.now() - timedelta(minutes=11)
    dead = BadgePrintJob.objects.create(
        registration_ids=[person.pk], total=1, status="running", attempts=1, heartbeat_at=long_ago
    )
    busy = BadgePrintJob.objects.create(
        registration_ids=[person.pk],
        total=1,
        status="running",
        attempts=1,
        heartbeat_at=timezone.now(),
    )
    hopeless = BadgePrintJob.objects.create(
        registration_ids=[person.pk], total=1, status="running", attempts=3, heartbeat_at=long_ago
    )
    BadgePrintJob.objects.filter(pk=dead.pk).update(created_at=long_ago)
    assert services.sweep_badge_print_jobs() == [dead.pk]  # eager: it runs again at once
    status = {j.pk: (j.status, j.attempts) for j in BadgePrintJob.objects.all()}
    assert status == {dead.pk: ("done", 2), busy.pk: ("running", 1), hopeless.pk: ("failed", 3)}
    assert "stopped 3 times" in BadgePrintJob.objects.get(pk=hopeless.pk).error


def test_a_worker_given_up_on_does_not_overwrite_its_successor(monkeypatch):
    person = approved_registration(name="Slow Person")
    job = BadgePrintJob.objects.create(registration_ids=[person.pk], total=1)

    def meanwhile_the_sweep_restarts_it(badges):
        BadgePrintJob.objects.filter(pk=job.pk).update(status="queued", done=0)
        return real_badge_pdf(badges)

    from delegates.services import badges as badge_services

    real_badge_pdf = badge_services.badge_pdf
    monkeypatch.setattr(badge_services, "badge_pdf", meanwhile_the_sweep_restarts_it)
    services.run_badge_print(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done, job.file.name) == ("queued", 0, "")


def test_beat_sweeps_badge_print_jobs_every_minute():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["delegates-sweep-badge-print-jobs"]
    assert entry == {"task": "delegates.sweep_badge_print_jobs", "schedule": 60.0}


def test_system_check_warns_without_fonts(monkeypatch):
    from delegates import checks

    assert checks.badge_fonts(None) == []  # this machine has both
    monkeypatch.setattr(checks, "_has_cjk_font", lambda: False)
    monkeypatch.setattr(checks, "_has_harfbuzz_subset", lambda: False)
    assert [w.id for w in checks.badge_fonts(None)] == ["delegates.W001", "delegates.W002"]
