"""The separate, optional consent to share one's contact with exhibitors who scan the badge."""

import pytest
from django.urls import reverse

from delegates.models import Registration
from tests.delegates.conftest import approved_registration, registration_post
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

LABEL = "Let exhibitors I allow to scan my badge receive my name, organization, title, country"


def test_registration_offers_the_choice_unticked(client, delegate_category):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("delegates:register")).content.decode()
    assert LABEL in page
    client.post(reverse("delegates:register"), registration_post(delegate_category))
    assert Registration.objects.get(user=user).lead_consent_at is None
    other = UserFactory()
    client.force_login(other)
    client.post(
        reverse("delegates:register"),
        registration_post(delegate_category, consents_to_leads="on"),
    )
    assert Registration.objects.get(user=other).lead_consent_at is not None


def test_my_registration_changes_the_choice_any_time(client):
    registration = approved_registration(name="Choosing Person")
    client.force_login(registration.user)
    page = client.get(reverse("delegates:mine")).content.decode()
    assert "your contact is not shared" in page and LABEL in page
    # The label links to the privacy notice and the terms, as on registration.
    label = page.split('for="id_consents_to_leads">', 1)[1].split("</label>", 1)[0]
    assert f'<a href="{reverse("privacy")}">privacy notice</a>' in label
    assert f'<a href="{reverse("terms")}">terms of participation</a>' in label
    client.post(reverse("delegates:lead_consent"), {"consents_to_leads": "on"})
    registration.refresh_from_db()
    assert registration.lead_consent_at is not None
    page = client.get(reverse("delegates:mine")).content.decode()
    assert "Exhibitors who scan your badge receive your name" in page
    client.post(reverse("delegates:lead_consent"), {})
    registration.refresh_from_db()
    assert registration.lead_consent_at is None
    zh = client.get("/zh-hans" + reverse("delegates:mine")).content.decode()
    label = zh.split('for="id_consents_to_leads">', 1)[1].split("</label>", 1)[0]
    assert 'href="/zh-hans/privacy/"' in label and 'href="/zh-hans/terms/"' in label


def test_the_choice_is_only_ones_own(client):
    client.force_login(UserFactory())
    assert client.post(reverse("delegates:lead_consent"), {}).status_code == 404
