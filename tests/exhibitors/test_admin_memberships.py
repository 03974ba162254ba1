"""Members of an organization change in the admin through the services: an organization keeps at
least one administrator, whatever the inline is given; a refusal shows on the page, nothing
of the save holds."""

import pytest
from django import forms
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Membership
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
ADMIN, STAFF = Membership.Role.ADMIN, Membership.Role.STAFF


def change_url(organization) -> str:
    return reverse("admin:exhibitors_organization_change", args=[organization.pk])


def loaded_form(client, organization) -> tuple[dict, dict]:
    """What the change page posts when saved unchanged; and each member's row prefix."""
    response = client.get(change_url(organization))
    assert response.status_code == 200
    data, rows = {}, {}
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        forms_on_page += inline.formset.forms
        for form in inline.formset.forms:
            rows[form.instance.user_id] = form.prefix
            data[form.add_prefix("id")] = form.instance.pk
            data[form.add_prefix("organization")] = organization.pk
    for form in forms_on_page:
        for name, field in form.fields.items():
            if isinstance(field, forms.FileField):
                continue
            value = form[name].value()
            if isinstance(field.widget, forms.MultiWidget):
                for i, part in enumerate(field.widget.decompress(value)):
                    data[f"{form.add_prefix(name)}_{i}"] = "" if part is None else part
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    return data, rows


@pytest.fixture
def colleague(organization):
    user = UserFactory(email="li.lei@example.org", name="Li Lei")
    organization.memberships.create(user=user, role=STAFF)
    return user


def roles(organization) -> dict:
    return dict(organization.memberships.values_list("user__email", "role"))


def test_removing_the_last_administrator_in_the_inline_is_refused(
    client, organization, organizer, colleague
):
    # The main contact is staff; the colleague is the only administrator.
    organization.memberships.filter(user=organization.main_contact).update(role=STAFF)
    organization.memberships.filter(user=colleague).update(role=ADMIN)
    client.force_login(organizer)
    data, rows = loaded_form(client, organization)
    data |= {f"{rows[colleague.pk]}-DELETE": "on", "name_en": "Renamed in the same save"}

    response = client.post(change_url(organization), data)

    assert response.status_code == 200
    assert "An organization keeps at least one administrator." in response.content.decode()
    assert roles(organization) == {"wang.fang@example.org": STAFF, "li.lei@example.org": ADMIN}
    organization.refresh_from_db()
    assert organization.name_en != "Renamed in the same save"  # nothing of the save holds


def test_demoting_the_last_administrator_in_the_inline_is_refused(
    client, organization, organizer, colleague
):
    client.force_login(organizer)
    data, rows = loaded_form(client, organization)
    data[f"{rows[organization.main_contact_id]}-role"] = STAFF

    response = client.post(change_url(organization), data)

    assert response.status_code == 200
    form = next(
        form
        for inline in response.context["inline_admin_formsets"]
        for form in inline.formset.forms
        if form.instance.user_id == organization.main_contact_id
    )
    assert form.non_field_errors() == ["An organization keeps at least one administrator."]
    assert roles(organization)["wang.fang@example.org"] == ADMIN


def test_the_main_contact_is_not_removed_in_the_inline(client, organization, organizer, colleague):
    organization.memberships.filter(user=colleague).update(role=ADMIN)
    client.force_login(organizer)
    data, rows = loaded_form(client, organization)
    data[f"{rows[organization.main_contact_id]}-DELETE"] = "on"

    response = client.post(change_url(organization), data)

    assert response.status_code == 200
    assert "Choose another main contact before removing this person." in response.content.decode()
    assert organization.memberships.filter(user=organization.main_contact).exists()


def test_the_administration_is_handed_over_in_one_save(client, organization, organizer, colleague):
    client.force_login(organizer)
    data, rows = loaded_form(client, organization)
    data[f"{rows[organization.main_contact_id]}-role"] = STAFF
    data[f"{rows[colleague.pk]}-role"] = ADMIN

    response = client.post(change_url(organization), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles(organization) == {"wang.fang@example.org": STAFF, "li.lei@example.org": ADMIN}


def test_a_member_added_in_the_inline_is_added_by_the_service(client, organization, organizer):
    newcomer = UserFactory(email="new@example.org")
    client.force_login(organizer)
    data, _rows = loaded_form(client, organization)
    prefix = "memberships"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-TOTAL_FORMS": total + 1,
        f"{prefix}-{total}-user": newcomer.pk,
        f"{prefix}-{total}-role": STAFF,
        f"{prefix}-{total}-organization": organization.pk,
    }

    response = client.post(change_url(organization), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert roles(organization)["new@example.org"] == STAFF


def test_the_services_keep_an_administrator(organization, organizer, colleague):
    owner = organization.memberships.get(user=organization.main_contact)
    with pytest.raises(services.ExhibitorError, match="at least one administrator"):
        services.change_role(owner, STAFF, by=organizer)
    services.change_role(organization.memberships.get(user=colleague), ADMIN, by=organizer)
    services.change_role(owner, STAFF, by=organizer)
    assert roles(organization) == {"wang.fang@example.org": STAFF, "li.lei@example.org": ADMIN}
    with pytest.raises(services.ExhibitorError, match="at least one administrator"):
        services.remove_member(organization.memberships.get(user=colleague), by=organizer)
    with pytest.raises(services.ExhibitorError, match="already a member"):
        services.add_member(organization, user=colleague, role=STAFF, by=organizer)
