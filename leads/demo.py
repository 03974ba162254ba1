"""A few leads for the first demo exhibitor (seed_demo, after the apps of core.demo.DEMO_APPS,
like visa: scan times follow the day the demo is loaded, so these rows stay out of the digest)."""

import string

from delegates.models import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH, Badge, Registration
from exhibitors.models import Membership

from . import selectors, services
from .models import Lead

EXHIBITOR = "exhibitor00001@demo.zgcforum.example"
DELEGATE = "delegate00001@demo.zgcforum.example"
# (rating, notes, tags, consents): what a booth's first morning looks like.
LEADS = [
    ("hot", "Wants a quote for 200 sensors before October.", "distributor, follow up", True),
    ("warm", "Asked about the service robot's battery life.", "research", True),
    ("cold", "", "student", False),
    ("", "Met at the opening; send the brochure.", "", True),
]


def seed(ctx) -> None:
    membership = (
        Membership.objects.select_related("organization", "user")
        .filter(user__email=EXHIBITOR)
        .first()
    )
    if membership is None or not selectors.can_capture(membership.organization):
        return
    organization, staff = membership.organization, membership.user
    approved = Registration.objects.approved().filter(anonymised_at__isnull=True)
    people = list(approved.filter(user__email=DELEGATE)) + list(
        approved.exclude(user__email=DELEGATE)
        .exclude(user__exhibitor_memberships__organization=organization)
        .order_by("pk")[: len(LEADS) - 1]
    )
    rng = ctx.rng("leads")
    for registration, (rating, notes, tags, consents) in zip(people, LEADS, strict=False):
        # Delegates' rows are in the demo's digest: consent and badges at the demo's own times
        # and with codes from its seeded generator, so a fresh load gets the same content.
        if consents:
            Registration.objects.filter(pk=registration.pk, lead_consent_at__isnull=True).update(
                lead_consent_at=ctx.epoch
            )
        badge = Badge.objects.filter(registration=registration, revoked_at__isnull=True).first()
        if badge is None:
            badge = Badge.objects.create(
                registration=registration,
                code="".join(rng.choice(string.ascii_letters + string.digits) for _ in range(16)),
                short_code="".join(
                    rng.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH)
                ),
                issued_at=ctx.epoch,
            )
        lead, created = services.capture_lead(organization, badge.printed_code, by=staff)
        if created:
            services.update_lead(lead, by=staff, rating=rating, notes=notes, tags=tags)
    ctx.say(f"leads: {Lead.objects.filter(organization=organization).count()} for {EXHIBITOR}")
