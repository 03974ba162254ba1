"""Groups the delegates app needs; ``accounts.roles.ensure_roles()`` creates them."""

ACCREDITATION_DESK = "accreditation desk"

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
        "delegates.view_sessionseats",
        "delegates.view_rsvp",
    ],
    # The programme team sets seats per session and sees who holds them.
    "programme team": [
        "delegates.view_sessionseats",
        "delegates.change_sessionseats",
        "delegates.view_rsvp",
    ],
}
