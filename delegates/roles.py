"""Groups the delegates app needs; ``accounts.roles.ensure_roles()`` creates them."""

ACCREDITATION_DESK = "accreditation desk"
CHECKIN_DESK = "check-in desk"

ROLES = {
    ACCREDITATION_DESK: [
        "delegates.view_category",
        "delegates.view_registration",
        "delegates.change_registration",
        "delegates.review_registration",
        "delegates.confirm_deletion",
        "delegates.view_invitation",
        "delegates.add_invitation",
        "delegates.change_invitation",
        "delegates.view_delegation",
        "delegates.view_delegationmember",
        "delegates.view_badge",
        "delegates.change_badge",
        "delegates.view_badgeprintjob",
        "delegates.add_badgeprintjob",
        "delegates.view_checkin",
        "delegates.view_scan",
        "delegates.view_wrongcode",
        "delegates.view_statistics",
        "delegates.view_sessionseats",
        "delegates.view_rsvp",
    ],
    # The programme team sets seats per session and sees who holds them.
    "programme team": [
        "delegates.view_sessionseats",
        "delegates.change_sessionseats",
        "delegates.view_rsvp",
    ],
    # The door: scan badges, nothing else (no admin, no lists of people).
    CHECKIN_DESK: ["delegates.scan_badges"],
}
