"""Who may change what in the programme: the programme team everything, hosts their events."""

import rules

from .roles import FORUM_SECRETARIAT, PROGRAMME_TEAM


@rules.predicate
def is_programme_team(user):
    return user.is_superuser or rules.is_group_member(PROGRAMME_TEAM)(user)


@rules.predicate
def is_event_host(user, obj=None):
    """True when ``obj`` (an event, a session or a speaker) belongs to an event the user manages."""
    if obj is None or not user.is_authenticated:
        return False
    from .models import Event, Session, Speaker

    if isinstance(obj, Event):
        return obj.managers.filter(pk=user.pk).exists()
    if isinstance(obj, Session):
        return obj.event.managers.filter(pk=user.pk).exists()
    if isinstance(obj, Speaker):
        from .selectors import speakers_for_host

        return speakers_for_host(user).filter(pk=obj.pk).exists()
    return False


@rules.predicate
def is_programme_reader(user):
    """The programme team, and the secretariat, which reads the whole programme (and edits none)."""
    return is_programme_team(user) or rules.is_group_member(FORUM_SECRETARIAT)(user)


may_edit_programme = is_programme_team | is_event_host
may_read_programme = is_programme_reader | is_event_host

for model in ("event", "session", "speaker"):
    rules.add_perm(f"events.view_{model}", may_read_programme)
    rules.add_perm(f"events.change_{model}", may_edit_programme)
rules.add_perm("events.delete_event", is_programme_team)
rules.add_perm("events.delete_session", is_programme_team)
rules.add_perm("events.delete_speaker", is_programme_team)
