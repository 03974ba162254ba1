"""Object permissions for the exhibitor portal: members see their organization, admins manage it."""

import rules

from .models import Membership


def _role(user, organization) -> str | None:
    if not user.is_authenticated or organization is None:
        return None
    cache = user.__dict__.setdefault("_exhibitor_roles", {})
    if organization.pk not in cache:
        cache[organization.pk] = (
            Membership.objects.filter(organization=organization, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[organization.pk]


@rules.predicate
def is_member(user, organization):
    return _role(user, organization) is not None


@rules.predicate
def is_admin(user, organization):
    return _role(user, organization) == Membership.Role.ADMIN


rules.add_perm("exhibitors.portal_view", is_member)
rules.add_perm("exhibitors.portal_apply", is_member)
rules.add_perm("exhibitors.portal_edit", is_admin)
rules.add_perm("exhibitors.portal_members", is_admin)
