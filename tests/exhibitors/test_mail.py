"""Every application status change mails the applicant, in the applicant's language."""

import pytest

from exhibitors import services
from exhibitors.models import Application
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

S = Application.Status


def application_for(user, section, **kwargs):
    return ApplicationFactory(
        section=section, organization=OrganizationFactory(main_contact=user), **kwargs
    )


@pytest.mark.django_db(transaction=True)
def test_submit_approve_waitlist_reject_promote_mails_in_each_language(smtp_sink):
    section = SectionFactory(name_en="Carbon neutrality", name_zh_hans="碳中和", capacity_m2=18)
    organizer = StaffFactory()
    wang = UserFactory(email="wang.fang@example.org", name="Wang Fang", language="zh-hans")
    emily = UserFactory(email="emily@example.org", name="Emily Miller", language="en")
    first = application_for(wang, section)
    second = application_for(emily, section)

    services.submit_application(first, by=wang)
    services.submit_application(second, by=emily)
    services.approve_application(first, by=organizer)
    services.approve_application(second, by=organizer)  # no room left: waitlisted
    services.reject_application(first, by=organizer, reason="展品与主题不符")  # frees 18 m²

    smtp_sink.wait_for(6)
    to_wang = [m.subject for m in smtp_sink.to("wang.fang@example.org")]
    to_emily = [m.subject for m in smtp_sink.to("emily@example.org")]
    assert to_wang == ["已收到申请：碳中和", "申请已批准：碳中和", "申请未获批准：碳中和"]
    assert to_emily == [
        "Application received: Carbon neutrality",
        "Application on the waiting list: Carbon neutrality",
        "A booth became free: your application is approved (Carbon neutrality)",
    ]
    rejection = smtp_sink.to("wang.fang@example.org")[2]
    assert "尊敬的" in rejection.text and "Wang Fang" in rejection.text
    assert "很遗憾" in rejection.text and "原因：展品与主题不符" in rejection.text
    assert f"/zh-hans/exhibitors/portal/{first.organization.code}/applications/{first.pk}/" in (
        rejection.text
    )
    promotion = smtp_sink.to("emily@example.org")[2]
    assert "moved from the waiting list and is approved" in promotion.text
    assert f"/exhibitors/portal/{second.organization.code}/applications/{second.pk}/" in (
        promotion.text
    )
    assert len(smtp_sink.messages) == 6


@pytest.mark.django_db(transaction=True)
def test_invitation_arrives_in_the_chosen_language(smtp_sink):
    organization = OrganizationFactory(name_zh_hans="北京智源科技有限公司")
    services.invite_member(
        organization,
        email="li.lei@example.org",
        role="staff",
        language="zh-hans",
        by=organization.main_contact,
    )
    [mail] = smtp_sink.wait_for(1)
    assert mail.recipients == ["li.lei@example.org"]
    assert "北京智源科技有限公司" in mail.subject
    invitation = organization.invitations.get()
    assert f"/zh-hans/exhibitors/invitations/{invitation.token}/" in mail.text


@pytest.mark.django_db(transaction=True)
def test_a_refused_transition_mails_nothing(smtp_sink):
    section = SectionFactory()
    user = UserFactory()
    draft = application_for(user, section)
    with pytest.raises(services.ApplicationError):
        services.approve_application(draft, by=StaffFactory())
    smtp_sink.wait_for(1, timeout=1)
    assert smtp_sink.messages == []
