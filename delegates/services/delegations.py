"""Delegations: a coordinator, the members they invite, their details until the deadline."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import Recipient, notify

from ..models import Delegation, DelegationMember, Registration
from .registration import update_registration

User = get_user_model()


class DelegationError(Exception):
    """A delegation request that cannot be carried out; the message is shown."""


# --- Delegations ----------------------------------------------------------------------------


@transaction.atomic
def create_delegation(coordinator, *, name: str, kind: str, country: str = "") -> Delegation:
    """Register a delegation; its coordinator is its first member."""
    coordinator = User.objects.select_for_update().get(pk=coordinator.pk)
    if Delegation.objects.filter(coordinator=coordinator).exists():
        raise DelegationError(_("You already coordinate a delegation."))
    if DelegationMember.objects.filter(user=coordinator).exists():
        raise DelegationError(_("You already belong to a delegation."))
    delegation = Delegation.objects.create(
        name=name.strip(), kind=kind, country=country, coordinator=coordinator
    )
    DelegationMember.objects.create(
        delegation=delegation,
        email=coordinator.email,
        name=coordinator.name,
        user=coordinator,
        accepted_at=timezone.now(),
    )
    return delegation


@transaction.atomic
def invite_member(delegation: Delegation, *, email: str, name: str = "") -> DelegationMember:
    """Invite a person by mail; they accept by logging in or creating an account."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    email = email.strip().lower()
    if delegation.members.filter(email__iexact=email).exists():
        raise DelegationError(_("This person is already invited."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and DelegationMember.objects.filter(user=existing).exists():
        raise DelegationError(_("This person already belongs to a delegation."))
    member = DelegationMember.objects.create(delegation=delegation, email=email, name=name.strip())
    recipient = existing or Recipient(email, delegation.coordinator.language)
    notify(
        [recipient],
        "delegates/delegation_invite",
        {
            "member": member,
            "delegation": delegation,
            "coordinator": delegation.coordinator,
        },
        key=f"delegation-member:{member.pk}:invited",
    )
    return member


@transaction.atomic
def accept_membership(token: str, user) -> DelegationMember:
    """Join the delegation behind an invitation link (once, one delegation per person)."""
    member = (
        DelegationMember.objects.select_for_update()
        .select_related("delegation")
        .filter(token=token)
        .first()
    )
    if member is None:
        raise DelegationError(_("This invitation link is not valid."))
    if member.user_id == user.pk:
        return member
    if member.user_id is not None:
        raise DelegationError(_("This invitation has already been accepted."))
    if DelegationMember.objects.filter(user=user).exists():
        raise DelegationError(_("You already belong to a delegation."))
    member.user = user
    member.accepted_at = timezone.now()
    if not member.name:
        member.name = user.name
    try:
        with transaction.atomic():
            member.save(update_fields=["user", "accepted_at", "name"])
    except IntegrityError as exc:
        raise DelegationError(_("You already belong to a delegation.")) from exc
    return member


def edit_member(member: DelegationMember, *, by, **fields) -> Registration:
    """A member's details changed by their coordinator (until the deadline) or the desk."""
    if member.delegation.coordinator_id == by.pk and not member.delegation.edits_open():
        raise DelegationError(_("The deadline for changes has passed."))
    registration = Registration.objects.filter(user_id=member.user_id).first()
    if registration is None:
        raise DelegationError(_("This member has not registered yet."))
    return update_registration(registration, **fields)
