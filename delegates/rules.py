"""Who may see and change what: named predicates, combined per permission."""

import rules

from .roles import ACCREDITATION_DESK


@rules.predicate
def is_coordinator(user, delegation):
    return delegation is not None and delegation.coordinator_id == user.pk


@rules.predicate
def coordinates_member(user, member):
    return member is not None and member.delegation.coordinator_id == user.pk


@rules.predicate
def edits_open(user, member):
    return member is not None and member.delegation.edits_open()


is_desk = rules.is_group_member(ACCREDITATION_DESK) | rules.is_superuser

# A person's own registration needs no rule: /delegates/me/ pages only ever load the
# logged-in person's rows.
rules.add_perm("delegates.manage_delegation", is_coordinator | is_desk)
rules.add_perm("delegates.edit_member", (coordinates_member & edits_open) | is_desk)


@rules.predicate
def owns_registration(user, registration):
    return registration is not None and registration.user_id == user.pk


@rules.predicate
def requested_print_job(user, job):
    return job is not None and job.requested_by_id == user.pk


@rules.predicate
def views_registrations(user):
    return user.has_perm("delegates.view_registration")


@rules.predicate
def views_print_jobs(user):
    return user.has_perm("delegates.view_badgeprintjob")


# Private files (core/storage.py): the person they belong to, or staff whose role reads them.
rules.add_perm("delegates.view_photo", owns_registration | views_registrations)
rules.add_perm("delegates.download_print_job", requested_print_job | views_print_jobs)
