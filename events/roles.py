"""Programme roles: the programme team runs the whole schedule; event hosts edit their own events.

Only the programme team and the secretariat release the schedule (``events.release_schedule``);
hosts' edits wait in the working programme. Event hosts hold model permissions on events, sessions and speakers; ``events.rules`` narrows them
to the events that name them as managers.
"""

PROGRAMME_TEAM = "programme team"
# accounts.roles.FORUM_SECRETARIAT, named here so that events imports no other app.
FORUM_SECRETARIAT = "forum secretariat"
EVENT_HOSTS = "event hosts"

ROLES = {
    PROGRAMME_TEAM: ["events.*"],  # with events.release_schedule
    # The secretariat reads the whole programme and releases the schedule too (urgent changes
    # on the day); it edits nothing in it.
    FORUM_SECRETARIAT: [
        "events.release_schedule",
        "events.view_forum",
        "events.view_release",
        "events.view_section",
        "events.view_venue",
        "events.view_room",
        "events.view_theme",
        "events.view_event",
        "events.view_session",
        "events.view_speaker",
    ],
    EVENT_HOSTS: [
        "events.view_event",
        "events.change_event",
        "events.view_session",
        "events.add_session",
        "events.change_session",
        "events.view_speaker",
        "events.add_speaker",
        "events.change_speaker",
        "events.view_room",
        "events.view_theme",
    ],
}
