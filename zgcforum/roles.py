"""The secretariat keeps the privacy notice and the terms of participation up to date."""

from accounts.roles import FORUM_SECRETARIAT

ROLES = {
    FORUM_SECRETARIAT: [
        "zgcforum.view_legalpage",
        "zgcforum.change_legalpage",
        "zgcforum.view_historicallegalpage",
        # /admin/recent-changes/: every model's history, old and new values.
        "zgcforum.view_audit_trail",
    ],
}
