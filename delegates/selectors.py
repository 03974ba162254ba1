"""Reads for delegates pages, exports and segments: render-ready rows."""

from django.db.models import QuerySet

from .models import Category, Delegation, DelegationMember, Registration


def open_categories() -> QuerySet[Category]:
    return Category.objects.filter(access=Category.Access.OPEN)


def registration_of(user) -> Registration | None:
    """The person's registration with what their page shows, or None."""
    return (
        Registration.objects.select_related("category", "invitation")
        .filter(user_id=user.pk)
        .first()
    )


def membership_of(user) -> DelegationMember | None:
    return (
        DelegationMember.objects.select_related("delegation__coordinator")
        .filter(user_id=user.pk)
        .first()
    )


def open_places_for(user) -> list[DelegationMember]:
    """Delegation places offered to the person's address and not yet taken."""
    return list(
        DelegationMember.objects.select_related("delegation__coordinator").filter(
            email__iexact=user.email, user__isnull=True
        )
    )


def delegation_members(delegation: Delegation) -> list[DelegationMember]:
    """Members with their registration (or None) under ``member.registration_row``."""
    members = list(delegation.members.select_related("user").order_by("pk"))
    registrations = {
        r.user_id: r
        for r in Registration.objects.select_related("category").filter(
            user_id__in=[m.user_id for m in members if m.user_id]
        )
    }
    for member in members:
        member.registration_row = registrations.get(member.user_id)
    return members


def personal_data(user) -> dict:
    """Everything held about one person, as JSON-ready data (PIPL art. 45)."""
    registration = registration_of(user)
    membership = membership_of(user)
    coordinated = Delegation.objects.filter(coordinator_id=user.pk).first()
    data = {
        "account": {
            "email": user.email,
            "name": user.name,
            "name_zh": user.name_zh,
            "language": user.language,
            "receives_announcements": user.receives_announcements,
            "date_joined": user.date_joined.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
        },
        "registration": None,
        "delegation_membership": None,
        "coordinated_delegation": None,
    }
    if registration is not None:
        r = registration
        data["registration"] = {
            "category": r.category.name,
            "status": r.status,
            "name": r.name,
            "name_zh": r.name_zh,
            "organization": r.organization,
            "title": r.title,
            "country": r.country.code,
            "photo": r.photo.name or None,
            "dietary_needs": r.dietary_needs,
            "accessibility_needs": r.accessibility_needs,
            "invitation_code": r.invitation.code if r.invitation else None,
            "terms_accepted_at": r.terms_accepted_at.isoformat(),
            "sensitive_consent_at": _iso(r.sensitive_consent_at),
            "rejection_reason": r.rejection_reason,
            "reviewed_at": _iso(r.reviewed_at),
            "deletion_requested_at": _iso(r.deletion_requested_at),
            "registered_at": r.created_at.isoformat(),
        }
    if membership is not None:
        data["delegation_membership"] = {
            "delegation": membership.delegation.name,
            "coordinator": membership.delegation.coordinator.name,
            "invited_as": membership.email,
            "accepted_at": _iso(membership.accepted_at),
        }
    if coordinated is not None:
        data["coordinated_delegation"] = {
            "name": coordinated.name,
            "kind": coordinated.kind,
            "country": coordinated.country.code or None,
        }
    return data


def _iso(value):
    return value.isoformat() if value else None


# --- Announcement segments ------------------------------------------------------------------


def _users_with(**filters):
    from accounts.models import User

    return User.objects.filter(
        is_active=True,
        registration__anonymised_at__isnull=True,
        **{f"registration__{k}": v for k, v in filters.items()},
    )


def users_by_category(category: str):
    return _users_with(category__slug=category)


def users_by_country(country: str):
    return _users_with(country=country)


def users_by_status(status: str):
    return _users_with(status=status)


def users_by_delegation(delegation):
    from accounts.models import User

    return User.objects.filter(is_active=True, delegation_membership__delegation_id=delegation)


def category_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in Category.objects.all()]


def country_choices() -> list[tuple[str, str]]:
    """The countries and territories delegates come from, by name."""
    from .countries import forum_countries

    codes = Registration.objects.order_by().values_list("country", flat=True).distinct()
    return sorted(((code, forum_countries.name(code)) for code in codes), key=lambda c: str(c[1]))


def delegation_choices() -> list[tuple[str, str]]:
    return [(str(d.pk), d.name) for d in Delegation.objects.all()]
