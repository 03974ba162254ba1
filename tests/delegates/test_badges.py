"""Badges: the PDF holds the names as text and a QR code the desk accepts; revoking kills it."""

import pytest
from django.urls import reverse

from delegates import services
from delegates.badges import code_from_token, token_for
from delegates.models import Badge, BadgePrintJob, Scan
from tests.delegates.conftest import approved_registration, image_upload, pdf_qr_codes, pdf_text
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


def test_badge_with_photo_embeds_it(client):
    registration = approved_registration(name="Photo Person")
    services.update_sensitive_data(
        registration,
        consent=True,
        dietary_needs="",
        accessibility_needs="",
        photo=services.clean_photo(image_upload()),
        remove_photo=False,
    )
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


def test_system_check_warns_without_fonts(monkeypatch):
    from delegates import checks

    assert checks.badge_fonts(None) == []  # this machine has both
    monkeypatch.setattr(checks, "_has_cjk_font", lambda: False)
    monkeypatch.setattr(checks, "_has_harfbuzz_subset", lambda: False)
    assert [w.id for w in checks.badge_fonts(None)] == ["delegates.W001", "delegates.W002"]
