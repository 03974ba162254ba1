import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from exhibitors import services
from exhibitors.models import Application, Membership, Organization
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory
from tests.queries import assert_queries_do_not_grow

S = Application.Status
pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_whole_journey(client, section, organizer):
    user = UserFactory(email="zhang.wei@example.org", language="zh-hans")
    client.force_login(user)
    assert client.get("/exhibitors/portal/").status_code == 200
    response = client.post(
        "/exhibitors/portal/new/",
        {
            "name_zh_hans": "北京智源科技有限公司",
            "name_en": "Beijing Zhiyuan Technology Co., Ltd.",
            "country": "CN",
            "credit_code": "91110108551385082q",
            "website": "zhiyuan.example",
            "description_en": "Carbon capture membranes.",
            "description_zh_hans": "碳捕集膜材料。",
        },
    )
    organization = Organization.objects.get()
    assert response["Location"] == organization.urls.portal
    assert organization.credit_code == "91110108551385082Q"

    apply = client.post(
        organization.urls.apply,
        {
            "section": section.pk,
            "booth_type": "standard",
            "area_m2": 18,
            "preference_1": "corner",
            "preference_2": "aisle",
            "exhibit_field": "energy",
            "exhibits": "Membranes that capture CO₂ from flue gas.",
            "declares_accuracy": "on",
            "accepts_rules": "on",
            "declares_safety": "on",
        },
    )
    application = Application.objects.get()
    assert apply["Location"] == application.urls.portal
    page = text(client.get(application.urls.portal))
    assert "draft" in page and "corner booth, main aisle" in page

    client.post(application.urls.submit)
    page = text(client.get(application.urls.portal))
    assert 'Status: <strong class="application-status">submitted</strong>' in page

    # The organizer approves it in the admin; the applicant sees it; the directory lists it.
    assert client.get("/exhibitors/").content.decode().count(organization.name_en) == 0
    client.force_login(organizer)
    client.post(
        reverse("admin:exhibitors_application_changelist"),
        {"action": "approve_selected", ACTION_CHECKBOX_NAME: [application.pk], "confirm": "1"},
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    client.force_login(user)
    page = text(client.get(application.urls.portal))
    assert "approved" in page and "Organizers" in page
    assert "Withdraw" not in page
    directory = text(client.get("/exhibitors/"))
    assert organization.name_en in directory and "北京智源科技有限公司" in directory
    assert client.get(organization.urls.public).status_code == 200


def test_wrong_check_character_is_refused_in_the_form(client):
    client.force_login(UserFactory())
    response = client.post(
        "/exhibitors/portal/new/",
        {
            "name_zh_hans": "测试",
            "name_en": "Test",
            "country": "CN",
            "credit_code": "91110108551385082A",
        },
    )
    assert "check character is wrong" in response.content.decode()
    assert not Organization.objects.exists()


def test_foreign_organization_gives_a_registration_number(client):
    client.force_login(UserFactory())
    data = {"name_zh_hans": "北欧量子公司", "name_en": "Nordic Quantum AB", "country": "SE"}
    response = client.post("/exhibitors/portal/new/", data)
    assert "registration number" in response.content.decode()
    client.post("/exhibitors/portal/new/", {**data, "registration_number": "556000-1234"})
    organization = Organization.objects.get()
    assert organization.credit_code == "" and organization.registration_number == "556000-1234"


def test_late_application_shows_the_dates(client, organization):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("Asia/Shanghai")
    closed = SectionFactory(
        applications_open_at=datetime(2021, 5, 1, 9, tzinfo=tz),
        applications_close_at=datetime(2021, 8, 31, 18, tzinfo=tz),
    )
    client.force_login(organization.main_contact)
    response = client.post(
        organization.urls.apply,
        {
            "section": closed.pk,
            "booth_type": "standard",
            "area_m2": 9,
            "exhibit_field": "ai",
            "exhibits": "x",
        },
    )
    page = text(response)
    assert "No exhibition section takes applications now." in page
    assert f"Applications for {closed.name} closed on Aug. 31, 2021" in page
    assert "No new window is planned yet." in page
    assert 'name="exhibits"' not in page  # no form while no window is open
    assert not Application.objects.exists()


def test_no_form_without_an_open_window_and_the_next_one_named(client, organization):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    SectionFactory(
        name_en="Closed section",
        applications_open_at=now - timedelta(days=30),
        applications_close_at=now - timedelta(days=2),
    )
    SectionFactory(
        name_en="Later section",
        applications_open_at=now + timedelta(days=3),
        applications_close_at=now + timedelta(days=30),
    )
    client.force_login(organization.main_contact)
    page = text(client.get(organization.urls.apply))
    assert "Applications for Closed section closed on" in page
    assert "for Later section." in page and "The next window opens on" in page
    assert 'name="exhibits"' not in page


def test_the_website_accepts_an_address_without_a_scheme(client):
    from exhibitors.forms import normalize_website

    assert normalize_website(" www.example.com ") == "https://www.example.com"
    assert normalize_website("http://example.org/a") == "http://example.org/a"
    assert normalize_website("") == ""
    with pytest.raises(ValidationError, match="such as www.example.com"):
        normalize_website("not a website")
    client.force_login(UserFactory())
    page = text(client.get("/exhibitors/portal/new/"))
    assert 'name="website"' in page and 'type="url"' not in page


def test_bad_area_is_a_form_error(client, organization, section):
    client.force_login(organization.main_contact)
    response = client.post(
        organization.urls.apply,
        {
            "section": section.pk,
            "booth_type": "raw",
            "area_m2": 20,
            "exhibit_field": "ai",
            "exhibits": "x",
        },
    )
    assert "Raw space starts at 36 m²" in response.content.decode()


# --- Directory -------------------------------------------------------------------------------


def approved(n, section, **org):
    for _ in range(n):
        ApplicationFactory(
            section=section, status=S.APPROVED, organization=OrganizationFactory(**org)
        )


# Sections, halls, countries for the filter, count, page, approved sections and stands of the page.
DIRECTORY_QUERIES = 6
WARM_DIRECTORY_QUERIES = 0  # the cached page


def cards(response) -> int:
    return text(response).count('class="card h-100"')


def test_directory_query_count_does_not_grow(client, section):
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/exhibitors/?section=carbon-neutrality&q=Zhongguancun"),
        lambda n: approved(n, section),
        budget=DIRECTORY_QUERIES,
        n=4,
    )
    assert first.status_code == second.status_code == 200
    assert (cards(first), cards(second)) == (4, 12)


def test_warm_directory_needs_no_query_and_a_change_shows_at_once(client, section, organizer):
    url = "/exhibitors/?section=" + section.slug

    def approved_by_a_reviewer(n):  # through the service: the cached directory goes stale
        for _ in range(n):
            application = ApplicationFactory(
                section=section, status=S.SUBMITTED, organization=OrganizationFactory()
            )
            services.approve_application(application, by=organizer)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(url),
        approved_by_a_reviewer,
        budget=WARM_DIRECTORY_QUERIES,
        n=4,
        warm=True,
    )
    assert (cards(first), cards(second)) == (4, 12)  # rendered anew after each approval
    warm = second.content.decode()
    newcomer = OrganizationFactory(name_en="Newcomer Quantum Ltd.")
    application = ApplicationFactory(organization=newcomer, section=section, status=S.SUBMITTED)
    assert "Newcomer Quantum" not in warm
    services.approve_application(application, by=organizer)
    assert "Newcomer Quantum" in client.get(url).content.decode()


def test_directory_caches_no_page_for_unknown_parameters(client, section):
    from django.core.cache import cache

    approved(2, section)
    client.get("/exhibitors/?section=carbon-neutrality")
    known = len(cache._cache)
    for i in range(5):
        response = client.get(f"/exhibitors/?section=carbon-neutrality&utm_source=x{i}")
        assert response.status_code == 200
    assert len(cache._cache) == known


def test_directory_lists_only_approved_and_published(client, section):
    approved(1, section, name_en="Shown Energy Co., Ltd.")
    approved(1, section, name_en="Hidden Energy Co., Ltd.", is_published=False)
    for status in [S.DRAFT, S.SUBMITTED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN]:
        ApplicationFactory(
            section=section,
            status=status,
            organization=OrganizationFactory(name_en=f"{status} Energy Co., Ltd."),
        )
    page = text(client.get("/exhibitors/"))
    assert "Shown Energy" in page
    assert "Hidden" not in page
    assert not any(f"{s} Energy" in page for s in S.values if s != S.APPROVED)


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_search_finds_both_languages_under_either_ui_language(client, section, prefix):
    approved(
        1,
        section,
        name_en="Beijing Qingneng New Energy Co., Ltd.",
        name_zh_hans="北京清能新能源有限公司",
    )
    approved(
        1,
        section,
        name_en="Other Co., Ltd.",
        name_zh_hans="其他公司",
        description_en="Hydrogen storage",
    )
    for query, expected in [("清能", "Qingneng"), ("Qingneng", "Qingneng"), ("hydrogen", "Other")]:
        page = text(client.get(f"{prefix}/exhibitors/", {"q": query}))
        assert expected in page, (query, prefix)
    page = text(client.get(f"{prefix}/exhibitors/", {"q": "储能"}))
    assert "Qingneng" not in page and "Other Co" not in page


def test_filters_section_country_field_and_letter(client, section):
    other = SectionFactory(slug="general", name_en="General section")
    approved(1, section, name_en="Alpha Energy Co., Ltd.")
    approved(1, other, name_en="Beta Quantum Co., Ltd.")
    approved(
        1,
        section,
        name_en="Nordic Energy AB",
        country="SE",
        credit_code="",
        registration_number="1",
    )
    ApplicationFactory(
        section=other,
        status=S.APPROVED,
        exhibit_field="quantum",
        organization=OrganizationFactory(name_en="Gamma Quantum Co., Ltd."),
    )
    assert "Beta" not in text(client.get("/exhibitors/", {"section": "carbon-neutrality"}))
    by_country = text(client.get("/exhibitors/", {"country": "SE"}))
    assert "Nordic" in by_country and "Alpha" not in by_country
    by_field = text(client.get("/exhibitors/", {"field": "quantum"}))
    assert "Gamma" in by_field and "Beta" not in by_field
    by_letter = text(client.get("/exhibitors/", {"letter": "B"}))
    assert "Beta" in by_letter and "Alpha" not in by_letter


def test_directory_is_a_to_z_and_paginated(client, section):
    for name in ["Zeta", "Alpha", "Mu"]:
        approved(1, section, name_en=f"{name} Co., Ltd.")
    approved(25, section, name_en="Omega Co., Ltd.")
    page = text(client.get("/exhibitors/"))
    assert page.index("Alpha Co") < page.index("Mu Co") < page.index("Omega Co")
    assert "Page 1 of 2" in page
    assert "Zeta Co" in text(client.get("/exhibitors/", {"page": 2}))


def test_unpublished_or_unapproved_organization_page_is_404(client, section):
    hidden = OrganizationFactory(is_published=False)
    ApplicationFactory(section=section, organization=hidden, status=S.APPROVED)
    waiting = ApplicationFactory(section=section, status=S.SUBMITTED).organization
    assert client.get(hidden.urls.public).status_code == 404
    assert client.get(waiting.urls.public).status_code == 404


def test_every_urls_value_resolves(section, organization):
    application = ApplicationFactory(section=section, organization=organization)
    invitation = organization.invitations.create(email="x@example.org")
    for obj in (section, organization, application, invitation):
        for name in obj.urls.urls:
            path = getattr(obj.urls, name).split("?")[0]
            resolve(path)


# --- Isolation ------------------------------------------------------------------------------


def exhibitor_patterns():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            for inner in entry.url_patterns:
                if isinstance(inner, URLResolver) and inner.namespace == "exhibitors":
                    yield from (p for p in inner.url_patterns if isinstance(p, URLPattern))


def test_another_organization_cannot_reach_anything_of_the_first(
    client, section, organization, other_organization
):
    from django.core.files.base import ContentFile

    organization.logo.save("l.png", ContentFile(b"not shown"), save=True)
    application = ApplicationFactory(section=section, organization=organization)
    member = Membership.objects.create(organization=organization, user=UserFactory(), role="staff")
    values = {
        "code": organization.code,
        "pk": application.pk,
        "slug": organization.slug,
        "token": "x",
    }
    client.force_login(other_organization.main_contact)
    # The second organization's own portal address with the first's application in it.
    for name in ["application", "application_edit", "application_submit", "application_withdraw"]:
        url = reverse(
            f"exhibitors:{name}", kwargs={"code": other_organization.code, "pk": application.pk}
        )
        assert client.get(url).status_code in (404, 405)
        assert client.post(url).status_code in (404, 405)
    checked = 0
    for pattern in exhibitor_patterns():
        params = set(pattern.pattern.converters)
        if "code" not in params:
            continue
        kwargs = {name: values[name] for name in params}
        if pattern.name == "member_remove":
            kwargs["pk"] = member.pk
        url = reverse(f"exhibitors:{pattern.name}", kwargs=kwargs)
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in (403, 404, 405), f"{pattern.name} {url} answered {status}"
        checked += 1
    assert checked >= 10
    application.refresh_from_db()
    assert application.status == S.DRAFT
    assert Membership.objects.filter(pk=member.pk).exists()
    # The first organization's own admin reaches them all.
    client.force_login(organization.main_contact)
    assert client.get(organization.urls.logo_file).status_code == 200
    assert client.get(application.urls.portal).status_code == 200


def test_staff_member_cannot_edit_or_manage_members(client, organization):
    staff = UserFactory()
    Membership.objects.create(organization=organization, user=staff, role="staff")
    client.force_login(staff)
    assert client.get(organization.urls.portal).status_code == 200
    assert client.get(organization.urls.apply).status_code == 200
    assert client.get(organization.urls.edit).status_code == 404
    assert client.get(organization.urls.members).status_code == 404


def test_portal_needs_login(client, organization):
    response = client.get(organization.urls.portal)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_invitation_by_mail_adds_a_member(client, organization):
    client.force_login(organization.main_contact)
    response = client.post(
        organization.urls.members, {"email": "li.na@example.org", "role": "staff", "language": "en"}
    )
    assert response.status_code == 302
    invitation = organization.invitations.get()
    invited = UserFactory(email="li.na@example.org")
    client.force_login(invited)
    assert organization.name_en in client.get(invitation.urls.accept).content.decode()
    response = client.post(invitation.urls.accept)
    assert response["Location"] == organization.urls.portal
    assert organization.memberships.filter(user=invited, role="staff").exists()


# --- Admin review -----------------------------------------------------------------------------


def test_admin_reject_asks_for_a_reason_then_applies_it(client, section, organizer):
    rows = [ApplicationFactory(section=section, status=S.SUBMITTED) for _ in range(2)]
    draft = ApplicationFactory(section=section, status=S.DRAFT)
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_changelist")
    ids = [a.pk for a in rows] + [draft.pk]
    form = client.post(url, {"action": "reject_selected", ACTION_CHECKBOX_NAME: ids})
    assert form.status_code == 200 and "Reason" in form.content.decode()
    assert all(a.status == S.SUBMITTED for a in Application.objects.filter(pk__in=ids[:2]))
    empty = client.post(
        url, {"action": "reject_selected", ACTION_CHECKBOX_NAME: ids, "confirm": "1", "reason": ""}
    )
    assert "This field is required" in empty.content.decode()
    done = client.post(
        url,
        {
            "action": "reject_selected",
            ACTION_CHECKBOX_NAME: ids,
            "confirm": "1",
            "reason": "Exhibits outside the theme.",
        },
        follow=True,
    )
    page = text(done)
    assert page.count(": rejected") == 2
    assert "cannot become rejected" in page
    assert set(
        Application.objects.filter(pk__in=ids[:2]).values_list("status", "decision_reason")
    ) == {(S.REJECTED, "Exhibits outside the theme.")}


def test_admin_queue_filters_by_section_and_status(
    client, section, organizer, django_assert_max_num_queries
):
    other = SectionFactory(slug="general")
    for _ in range(3):
        ApplicationFactory(section=section, status=S.SUBMITTED)
    ApplicationFactory(section=other, status=S.SUBMITTED)
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_changelist")
    response = client.get(url, {"section__id__exact": section.pk, "status__exact": "submitted"})
    assert response.status_code == 200
    assert "3 applications" in text(response)


def test_exhibition_team_reviews_exhibitors_and_nothing_else(client, section, team_member):
    application = ApplicationFactory(section=section, status=S.SUBMITTED)
    client.force_login(team_member)
    url = reverse("admin:exhibitors_application_changelist")
    assert client.get(url, follow=True).status_code == 200  # opens on the submitted ones
    selected = {"action": "approve_selected", ACTION_CHECKBOX_NAME: [application.pk]}
    confirm = text(client.post(url, selected))
    assert "Approve applications" in confirm and "To whom: 1 row" in confirm
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    client.post(url, {**selected, "confirm": "1"})
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert client.get(reverse("admin:exhibitors_organization_changelist")).status_code == 200
    assert client.get(reverse("admin:exhibitors_exhibitionsection_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    perms = team_member.get_all_permissions()
    # The exhibition and the exhibitors' lead counts (leads carry no personal column).
    assert perms and all(p.split(".")[0] in {"exhibitors", "leads"} for p in perms)


def test_admin_search_finds_chinese_names_under_english(client, section, organizer):
    ApplicationFactory(
        section=section, organization=OrganizationFactory(name_zh_hans="北京清能新能源有限公司")
    )
    client.force_login(organizer)
    response = client.get(reverse("admin:exhibitors_organization_changelist"), {"q": "清能"})
    assert "1 exhibiting organization" in text(response)


def test_admin_withdraws_an_approved_booth_and_promotes(client, organizer):
    section = SectionFactory(capacity_m2=18)
    booth = ApplicationFactory(section=section, status=S.SUBMITTED)
    waiting = ApplicationFactory(section=section, status=S.SUBMITTED)
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_changelist")
    client.post(
        url,
        {
            "action": "approve_selected",
            ACTION_CHECKBOX_NAME: [booth.pk, waiting.pk],
            "confirm": "1",
        },
    )
    assert dict(Application.objects.values_list("pk", "status")) == {
        booth.pk: S.APPROVED,
        waiting.pk: S.WAITLISTED,
    }
    client.post(url, {"action": "withdraw_selected", ACTION_CHECKBOX_NAME: [booth.pk]})
    assert dict(Application.objects.values_list("pk", "status")) == {
        booth.pk: S.WITHDRAWN,
        waiting.pk: S.APPROVED,
    }


def test_directory_in_chinese(client, section):
    approved(2, section)
    page = text(client.get("/zh-hans/exhibitors/"))
    assert "2家展商" in page and "碳中和" in page and "展商" in page


def test_single_application_page_offers_the_legal_moves(client, section, organizer):
    application = ApplicationFactory(section=section, status=S.SUBMITTED)
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_change", args=[application.pk])
    page = text(client.get(url))
    for label in ["Approve", "Waiting list", "Reject…"]:
        assert f'class="button">{label}</button>' in page
    assert 'class="button">Reopen</button>' not in page
    client.post(
        reverse("admin:exhibitors_application_changelist"),
        {"action": "waitlist_selected", ACTION_CHECKBOX_NAME: [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == S.WAITLISTED
    assert application.events.get().actor == organizer


def test_country_filter_offers_present_countries_in_the_page_language(client, section):
    approved(1, section, country="DE", credit_code="", registration_number="HRB 1")
    approved(1, section)
    page = text(client.get("/exhibitors/"))
    assert '<option value="DE">Germany</option>' in page
    assert '<option value="FR">' not in page
    zh = text(client.get("/zh-hans/exhibitors/", {"country": "DE"}))
    assert '<option value="DE" selected>德国</option>' in zh
    assert '<option value="CN">中国</option>' in zh


def test_admin_pages_render(client, section, organization, organizer):
    application = ApplicationFactory(section=section, organization=organization)
    invitation = organization.invitations.create(email="x@example.org")
    client.force_login(organizer)
    for url in [
        reverse("admin:exhibitors_organization_change", args=[organization.pk]),
        reverse("admin:exhibitors_organization_history", args=[organization.pk]),
        reverse("admin:exhibitors_exhibitionsection_changelist"),
        reverse("admin:exhibitors_exhibitionsection_change", args=[section.pk]),
        reverse("admin:exhibitors_application_change", args=[application.pk]),
        reverse("admin:exhibitors_invitation_change", args=[invitation.pk]),
    ]:
        assert client.get(url).status_code == 200, url


def test_organizers_set_the_application_window_in_the_admin(client, section, organizer):
    client.force_login(organizer)
    url = reverse("admin:exhibitors_exhibitionsection_changelist")
    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": section.pk,
            "form-0-applications_open_at_0": "2022-05-01",
            "form-0-applications_open_at_1": "09:00:00",
            "form-0-applications_close_at_0": "2022-08-31",
            "form-0-applications_close_at_1": "18:00:00",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.applications_close_at.year == 2022
