"""Every write to delegates: registrations, their review, invitations, delegations, data rights.

One module per sub-domain, every public name re-exported here (``services.reserve_seat(...)``):

- ``registration``: registering, public and sensitive details, review, invitations, photos, and
  the registrations made for speakers and exhibitors' staff;
- ``delegations``: delegations, their members and the coordinator's edits;
- ``privacy``: deletion on request and the purge of sensitive data after the forum;
- ``badges``: issuing, revoking, reissuing and bulk printing of badges;
- ``checkin``: badge scans at the desk;
- ``agenda``: stars, the private feed, seat reservations, the waitlist and schedule-change
  notices.

A module reads a setting or a limit from its own globals: patch it there
(``delegates.services.registration.PHOTO_MAX_BYTES``), not here.
"""

from ..models import Badge
from .agenda import (
    AgendaError,
    Reservation,
    RSVPError,
    cancel_rsvp,
    confirmed_clashes,
    fill_free_seats,
    new_feed_token,
    notify_release,
    regenerate_feed,
    release_audience,
    release_followers,
    reserve_seat,
    revoke_feed,
    seat_limit,
    star_session,
    unstar_session,
    waitlist_position,
)
from .badges import (
    PRINT_CHUNK,
    BadgeError,
    badge_for,
    badges_of,
    reissue_badge,
    request_badge_print,
    revoke_badge,
    run_badge_print,
    sweep_badge_print_jobs,
)
from .checkin import (
    TYPED_CODE_LIMIT,
    TYPED_CODE_WINDOW,
    CodeThrottled,
    ScanResult,
    find_badge,
    scan_badge,
    typed_code_rule,
)
from .delegations import (
    DelegationError,
    accept_membership,
    create_delegation,
    edit_member,
    invite_member,
)
from .privacy import (
    cancel_deletion_request,
    confirm_deletion,
    forum_last_day,
    purge_after_days,
    purge_sensitive_data,
    request_deletion,
)
from .registration import (
    EDITABLE_FIELDS,
    SENSITIVE_FIELDS,
    InvitationError,
    RegistrationData,
    RegistrationError,
    approve_registration,
    clean_photo,
    create_invitation,
    exhibitor_staff_category_slug,
    register,
    register_exhibitor_member,
    register_exhibitor_staff,
    register_speakers,
    reject_registration,
    set_lead_consent,
    speaker_category_slug,
    update_registration,
    update_sensitive_data,
)

__all__ = [
    # registration
    "EDITABLE_FIELDS",
    "SENSITIVE_FIELDS",
    "InvitationError",
    "RegistrationData",
    "RegistrationError",
    "approve_registration",
    "clean_photo",
    "create_invitation",
    "register_exhibitor_member",
    "exhibitor_staff_category_slug",
    "register",
    "register_exhibitor_staff",
    "register_speakers",
    "reject_registration",
    "speaker_category_slug",
    "update_registration",
    "set_lead_consent",
    "update_sensitive_data",
    # delegations
    "DelegationError",
    "accept_membership",
    "create_delegation",
    "edit_member",
    "invite_member",
    # privacy
    "cancel_deletion_request",
    "confirm_deletion",
    "forum_last_day",
    "purge_after_days",
    "purge_sensitive_data",
    "request_deletion",
    # badges
    "PRINT_CHUNK",
    "BadgeError",
    "badge_for",
    "badges_of",
    "reissue_badge",
    "request_badge_print",
    "revoke_badge",
    "run_badge_print",
    "sweep_badge_print_jobs",
    # checkin
    "ScanResult",
    "TYPED_CODE_LIMIT",
    "TYPED_CODE_WINDOW",
    "CodeThrottled",
    "find_badge",
    "typed_code_rule",
    "scan_badge",
    # agenda
    "AgendaError",
    "RSVPError",
    "Reservation",
    "cancel_rsvp",
    "confirmed_clashes",
    "fill_free_seats",
    "new_feed_token",
    "notify_release",
    "release_audience",
    "release_followers",
    "regenerate_feed",
    "reserve_seat",
    "revoke_feed",
    "seat_limit",
    "star_session",
    "unstar_session",
    "waitlist_position",
    # the model, as the module always offered it (tests read ``services.Badge``)
    "Badge",
]
