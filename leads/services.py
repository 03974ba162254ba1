"""Every write of lead capture: a scan at the booth, the staff's rating and notes, and the
delegate's withdrawal of consent."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegates import services as delegate_services
from delegates.models import Registration, WrongCode

from . import selectors
from .models import ConsentWithdrawal, Lead

# What staff write about a lead; the form and the demo derive theirs from it.
LEAD_FIELDS = ("rating", "notes", "tags")
TAGS_MAX_LENGTH = 200


class LeadError(Exception):
    """A scan or an edit that cannot be done; the message says why, for the staff member."""


def capture_lead(organization, text: str, *, by) -> tuple[Lead, bool]:
    """The organization's lead for the badge scanned or typed, created at the first scan.

    Returns ``(lead, created)``. A typed code that names no badge is recorded and counts against
    the scanner (``delegates.services.find_badge``); so this is not one transaction: the record
    of a wrong code stays when the scan is refused.
    """
    if not by.has_perm("leads.capture", organization):
        raise LeadError(_("Only the organization's staff may scan badges for it."))
    if not selectors.can_capture(organization):
        raise LeadError(
            _("Leads are captured by organizations with an approved application and a booth.")
        )
    try:
        badge = delegate_services.find_badge(text, by=by, place=WrongCode.Place.LEADS)
    except delegate_services.CodeThrottled as exc:
        raise LeadError(str(exc)) from exc
    if badge is None:
        raise LeadError(_("No badge of the forum has this code. Check it and try again."))
    if badge.is_revoked:
        raise LeadError(_("This badge was revoked: ask the person for their new badge."))
    registration = badge.registration
    if registration.is_anonymised or registration.status != Registration.Status.APPROVED:
        raise LeadError(_("This badge is not valid at the forum."))
    lead = Lead.objects.filter(organization=organization, badge=badge).first()
    if lead is not None:
        return lead, False
    try:
        with transaction.atomic():
            lead = Lead.objects.create(organization=organization, badge=badge, scanned_by=by)
    except IntegrityError:
        # Two staff scanned the same badge at once: the constraint keeps one lead.
        return Lead.objects.get(organization=organization, badge=badge), False
    return lead, True


def clean_tags(text: str) -> str:
    """Comma-separated tags, trimmed, each once, in the order typed."""
    tags = []
    for tag in text.replace("，", ",").split(","):
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in {t.casefold() for t in tags}:
            tags.append(tag)
    cleaned = ", ".join(tags)
    if len(cleaned) > TAGS_MAX_LENGTH:
        raise LeadError(_("Tags take at most %(limit)s characters.") % {"limit": TAGS_MAX_LENGTH})
    return cleaned


@transaction.atomic
def update_lead(lead: Lead, *, by, rating: str, notes: str, tags: str) -> Lead:
    """The staff's rating, notes and tags of a lead of their organization."""
    lead = Lead.objects.select_for_update().select_related("organization").get(pk=lead.pk)
    if not by.has_perm("leads.capture", lead.organization):
        raise LeadError(_("Only the organization's staff may change its leads."))
    if rating not in {"", *Lead.Rating.values}:
        raise LeadError(_("Choose hot, warm or cold."))
    lead.rating = rating
    lead.notes = notes.strip()
    lead.tags = clean_tags(tags)
    lead.save(update_fields=[*LEAD_FIELDS, "updated_at"])
    return lead


@transaction.atomic
def withdraw_consent(registration: Registration, *, organization=None) -> int:
    """Take the contact back from one exhibitor, or from all (and from future scans too).

    Returns the number of exhibitors it was taken from. Their leads show "contact not shared" at
    once: the contact is read live and never copied.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    captured = selectors.organizations_that_captured(registration)
    if organization is not None:
        if organization.pk not in {o.pk for o in captured}:
            raise LeadError(_("This exhibitor has not scanned your badge."))
        captured = [organization]
    else:
        delegate_services.set_lead_consent(registration, consent=False)
    now = timezone.now()
    for org in captured:
        ConsentWithdrawal.objects.get_or_create(
            registration=registration, organization=org, defaults={"withdrawn_at": now}
        )
    return len(captured)
