"""Personal data rights: export, deletion by anonymisation, purge of sensitive data after the forum."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.db.models import Count

from delegates import services, tasks
from delegates.models import Registration
from delegates.roles import ACCREDITATION_DESK
from tests.delegates.conftest import image_upload
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import DelegationMemberFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(delegate_category, delegation):
    user = UserFactory(email="aoife.murphy@example.org", name="Aoife Murphy")
    registration = RegistrationFactory(
        user=user,
        category=delegate_category,
        name="Aoife Murphy",
        organization="Trinity College Dublin",
        country="IE",
        dietary_needs="vegan",
        accessibility_needs="wheelchair access",
        sensitive_consent_at=user.date_joined,
    )
    registration = services.update_sensitive_data(
        registration,
        consent=True,
        dietary_needs="vegan",
        photo=services.clean_photo(image_upload()),
    )
    DelegationMemberFactory(delegation=delegation, user=user, email=user.email)
    return registration


@pytest.fixture
def bystander(delegate_category):
    user = UserFactory(email="bystander@example.org", name="Bystander Person")
    return RegistrationFactory(
        user=user,
        category=delegate_category,
        name="Bystander Person",
        organization="Secret Org",
        dietary_needs="halal",
        sensitive_consent_at=user.date_joined,
    )


@pytest.fixture
def desk(roles):
    user = StaffFactory(email="desk@zgcforum.example")
    user.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    return user


def test_export_holds_the_persons_data_and_no_one_elses(client, registered, bystander):
    client.force_login(registered.user)
    response = client.get("/delegates/me/export.json")
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "aoife.murphy@example.org"
    assert data["registration"]["organization"] == "Trinity College Dublin"
    assert data["registration"]["dietary_needs"] == "vegan"
    assert data["registration"]["photo"].startswith("delegates/photos/")
    assert data["delegation_membership"]["delegation"] == "Delegation of Germany"
    text = response.content.decode()
    for other in ["bystander", "Bystander", "Secret Org", "halal"]:
        assert other not in text


def test_deletion_request_waits_for_the_desk_then_anonymises(
    client, registered, bystander, desk, settings, django_capture_on_commit_callbacks
):
    photo_path = settings.PRIVATE_MEDIA_ROOT / registered.photo.name
    assert photo_path.exists()
    counts_before = dict(Registration.objects.values_list("category__slug").annotate(n=Count("pk")))
    client.force_login(registered.user)
    client.post("/delegates/me/delete/")
    registered.refresh_from_db()
    assert registered.deletion_requested_at is not None
    assert registered.anonymised_at is None  # pending until the desk confirms

    from notifications.models import OutboundMessage

    # The person was mailed before (a registration decision), and so was the bystander.
    services.approve_registration(registered, by=desk)
    services.approve_registration(bystander, by=desk)
    assert OutboundMessage.objects.filter(to_email="aoife.murphy@example.org").exists()

    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/delegates/registration/",
            {
                "action": "confirm_deletion_selected",
                "_selected_action": [registered.pk, bystander.pk],
            },
            follow=True,
        )
    html = response.content.decode()
    assert "1 registrations anonymised" in html
    assert "No deletion was requested" in html  # the bystander asked for nothing
    registered.refresh_from_db()
    assert registered.anonymised_at is not None
    assert registered.name == "Anonymised delegate"
    assert registered.organization == "—"
    assert (registered.photo.name, registered.dietary_needs, registered.accessibility_needs) == (
        "",
        "",
        "",
    )
    user = registered.user
    user.refresh_from_db()
    assert "aoife" not in user.email and not user.is_active and not user.has_usable_password()
    assert user.name == ""
    assert not registered.user.delegation_membership.email.startswith("aoife")
    assert not photo_path.exists()
    # Nobody else changed, and the counts per category stay right.
    bystander.refresh_from_db()
    assert bystander.name == "Bystander Person" and bystander.dietary_needs == "halal"
    assert (
        dict(Registration.objects.values_list("category__slug").annotate(n=Count("pk")))
        == counts_before
    )
    # History keeps no earlier copy of the personal data.
    assert not registered.history.filter(name="Aoife Murphy").exists()
    # Nor does the outbox: mail sent to the person is blanked, the bystander's stays.
    assert OutboundMessage.objects.filter(to_email="bystander@example.org").exists()
    assert not OutboundMessage.objects.filter(to_email__icontains="aoife").exists()
    assert not OutboundMessage.objects.filter(body_text__contains="Aoife").exists()


def test_deletion_can_be_withdrawn_before_the_desk_confirms(client, registered):
    client.force_login(registered.user)
    client.post("/delegates/me/delete/")
    client.post("/delegates/me/delete/", {"cancel": "1"})
    registered.refresh_from_db()
    assert registered.deletion_requested_at is None


def test_withdrawing_sensitive_consent_erases_the_data(
    client, registered, settings, django_capture_on_commit_callbacks
):
    photo_path = settings.PRIVATE_MEDIA_ROOT / registered.photo.name
    client.force_login(registered.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/delegates/me/edit/", {"sensitive": "1", "dietary_needs": "vegan"})
    registered.refresh_from_db()
    assert registered.sensitive_consent_at is None
    assert (registered.photo.name, registered.dietary_needs) == ("", "")
    assert not photo_path.exists()


def test_purge_removes_sensitive_fields_once_and_idempotently(
    registered, bystander, settings, django_capture_on_commit_callbacks
):
    settings.DELEGATES_PURGE_SENSITIVE_AFTER_DAYS = 30
    last_day = date(2021, 9, 28)
    photo_path = settings.PRIVATE_MEDIA_ROOT / registered.photo.name
    # Before the retention period ends nothing happens.
    assert services.purge_sensitive_data(last_day=last_day, today=date(2021, 10, 27)) == 0
    registered.refresh_from_db()
    assert registered.dietary_needs == "vegan"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_sensitive_data(last_day=last_day, today=date(2021, 10, 28)) == 2
    for registration in (registered, bystander):
        registration.refresh_from_db()
        assert registration.dietary_needs == registration.accessibility_needs == ""
        assert not registration.photo
        assert registration.sensitive_purged_at is not None
    assert not photo_path.exists()
    purged_at = registered.sensitive_purged_at
    assert services.purge_sensitive_data(last_day=last_day, today=date(2021, 11, 28)) == 0
    registered.refresh_from_db()
    assert registered.sensitive_purged_at == purged_at
    # The rest of the registration stays.
    assert registered.organization == "Trinity College Dublin"


def test_beat_task_reads_the_forums_last_day(registered):
    from events.models import Forum

    Forum.objects.create(
        edition=2021,
        slug="zgc-2021",
        name="2021 Zhongguancun Forum",
        starts_on=date(2021, 9, 24),
        ends_on=date(2021, 9, 28),
    )
    assert services.forum_last_day() == date(2021, 9, 28)
    assert tasks.purge_sensitive_data.delay().get() == 1  # long after 2021
    assert tasks.purge_sensitive_data.delay().get() == 0


def test_new_sensitive_data_without_consent_is_a_form_error(client, bystander):
    Registration.objects.filter(pk=bystander.pk).update(dietary_needs="", sensitive_consent_at=None)
    client.force_login(bystander.user)
    response = client.post("/delegates/me/edit/", {"sensitive": "1", "dietary_needs": "halal"})
    assert "consents_to_sensitive_data" in response.context["sensitive_form"].errors
    bystander.refresh_from_db()
    assert bystander.dietary_needs == ""
    response = client.post(
        "/delegates/me/edit/",
        {"sensitive": "1", "dietary_needs": "halal", "consents_to_sensitive_data": "on"},
    )
    assert response.status_code == 302
    bystander.refresh_from_db()
    assert bystander.dietary_needs == "halal" and bystander.sensitive_consent_at is not None


def test_a_person_without_registration_can_export_their_account(client):
    user = UserFactory(email="visitor@example.org")
    client.force_login(user)
    data = json.loads(client.get("/delegates/me/export.json").content)
    assert data["account"]["email"] == "visitor@example.org"
    assert data["registration"] is None


def test_history_never_records_sensitive_fields(registered):
    fields = {f.name for f in registered.history.model._meta.fields}
    assert {"name", "organization", "status"} <= fields
    assert not {"photo", "dietary_needs", "accessibility_needs"} & fields
