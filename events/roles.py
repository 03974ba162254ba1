"""Programme roles: the programme team runs the whole schedule; event hosts edit their own events.

Event hosts hold model permissions on events, sessions and speakers; ``events.rules`` narrows them
to the events that name them as managers.
"""

PROGRAMME_TEAM = "programme team"
EVENT_HOSTS = "event hosts"

ROLES = {
    PROGRAMME_TEAM: ["events.*"],
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
