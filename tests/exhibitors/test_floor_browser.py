"""In chromium: an approved exhibitor finds its hall and stand in the portal, on the hall plan
(highlighted) and on its directory card with its logo; axe finds nothing serious."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from exhibitors import services
from exhibitors.models import Application
from tests.browser import assert_accessible
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import (
    ApplicationFactory,
    BoothFactory,
    HallFactory,
    OrganizationFactory,
    SectionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Snowy-Harbour-2021"


def png() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (120, 120), "#0b7a5c").save(data, "PNG")
    return data.getvalue()


def test_an_approved_exhibitor_sees_hall_and_stand(page, live_server):
    section = SectionFactory(
        slug="carbon-neutrality", name_en="Carbon neutrality", name_zh_hans="碳中和"
    )
    hall = HallFactory(
        slug="hall-1", name_en="Hall 1", name_zh_hans="1号馆", width_m=40, depth_m=20
    )
    organization = OrganizationFactory(name_en="Beijing Qingneng New Energy Co., Ltd.")
    organization.logo.save("logo.png", ContentFile(png()), save=True)
    contact = organization.main_contact
    contact.set_password(PASSWORD)
    contact.save()
    application = ApplicationFactory(
        organization=organization, section=section, status=Application.Status.APPROVED, area_m2=18
    )
    booth = BoothFactory(
        hall=hall, section=section, code="A101", width_m=6, depth_m=3, x_m=2, y_m=2
    )
    for n in range(2, 6):  # neighbours, free
        BoothFactory(hall=hall, section=section, code=f"A10{n}", x_m=2 + 3 * n, y_m=2)
    services.assign_booth(application, booth, by=StaffFactory())

    page.goto(f"/accounts/login/?next={organization.urls.portal}")
    page.locator("#id_username").fill(contact.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():  # the login URL's ?next= already matches
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{organization.urls.portal}")
    assert page.locator("img.portal-logo").is_visible()
    stand = page.get_by_role("link", name="Hall 1, stand A101")
    assert stand.is_visible()
    assert_accessible(page)

    # The stand's link opens the hall plan on the booth: it is the target, an SVG link.
    stand.click()
    page.wait_for_url("**/exhibitors/halls/hall-1/#stand-hall-1-A101")
    assert page.evaluate("document.querySelector(':target').id") == "stand-hall-1-A101"
    link = page.get_by_role("link", name=f"Stand A101: {organization.name}")
    assert link.count() == 1
    link.focus()  # keyboard reachable
    assert page.evaluate("document.activeElement.id") == "stand-hall-1-A101"
    assert_accessible(page)

    # The exhibitor's page shows hall and stand and highlights the booth on the plan.
    page.goto(organization.urls.public)
    assert page.get_by_text("Hall 1, stand A101").first.is_visible()
    highlighted = page.locator("svg .booth-current")
    assert highlighted.count() == 1 and highlighted.get_attribute("id") == "stand-hall-1-A101"
    assert_accessible(page)

    # The directory card shows the logo and the stand; the hall filter finds it.
    page.goto("/exhibitors/?hall=hall-1")
    card = page.locator("article.card", has_text=organization.name)
    assert card.locator("img.exhibitor-card-logo").get_attribute("src") == organization.logo.url
    assert "Hall 1, stand A101" in card.inner_text()
    assert_accessible(page)

    # In Chinese too.
    page.goto("/zh-hans/exhibitors/halls/hall-1/")
    assert page.locator("svg a#stand-hall-1-A101").get_attribute("aria-label") == (
        f"A101号展位：{organization.name_zh_hans}"
    )
    assert_accessible(page)
