"""An application's review page shows the applicant's facts and the section's floor area left."""

import pytest
from django.urls import reverse

from exhibitors.models import Application
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_review_page_shows_company_data_and_the_section_left(client, language):
    section = SectionFactory(capacity_m2=500)
    ApplicationFactory(section=section, status=Application.Status.APPROVED, area_m2=36)
    organization = OrganizationFactory(country="DE", website="https://example.org/robots")
    application = ApplicationFactory(
        organization=organization, section=section, status=Application.Status.SUBMITTED
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:exhibitors_application_change", args=[application.pk])
    if language == "zh-hans":
        url = url.replace("/admin/", "/zh-hans/admin/", 1)
    html = client.get(url).content.decode()
    assert organization.credit_code in html
    assert "https://example.org/robots" in html
    assert "464" in html  # 500 m² less the approved 36
    if language == "zh-hans":
        assert "统一社会信用代码" in html and "德国" in html and "尚余464 m²" in html
    else:
        assert "Unified social credit code" in html and "Germany" in html
        assert "464 m² of 500 m²" in html
