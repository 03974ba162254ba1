from accounts.roles import FORUM_SECRETARIAT

ROLES = {
    # The secretariat writes and sends announcements and looks after the outbox.
    FORUM_SECRETARIAT: ["notifications.*"],
}
