"""The demo programme looks like the 2021 forum and never double-books a room or a speaker."""

from django.db.models import Exists, OuterRef, Q

from events.models import Event, Room, Section, Session, Speaker, Venue
from events.selectors import programme_figures


def overlapping(qs):
    return qs.filter(
        Exists(
            Session.objects.filter(
                is_cancelled=False,
                starts_at__lt=OuterRef("ends_at"),
                ends_at__gt=OuterRef("starts_at"),
            )
            .filter(room=OuterRef("room"))
            .exclude(pk=OuterRef("pk"))
        )
    )


def test_demo_programme_has_the_forums_shape(demo_forum):
    assert Section.objects.filter(forum=demo_forum).count() == 6
    # 60 published events, as in 2021; events still being prepared come on top.
    assert Event.objects.filter(forum=demo_forum).published().count() == 60
    assert Event.objects.filter(forum=demo_forum, is_published=False).count() == 2
    assert set(Event.objects.values_list("section__slug", flat=True)) == set(
        Section.objects.values_list("slug", flat=True)
    )
    sessions = Session.objects.filter(event__forum=demo_forum)
    assert 270 <= sessions.count() <= 340
    days = {s.starts_at.astimezone(s.starts_at.tzinfo).date() for s in sessions}
    assert len({d.isoformat() for d in days}) >= 5
    # Every one of the 250 speakers speaks or moderates in a published session that goes ahead.
    assert Speaker.objects.count() == 250
    assert programme_figures(demo_forum)["speakers"] == 250
    assert all(s.photo.name.startswith("speakers/demo-") for s in Speaker.objects.all())
    assert Speaker.objects.values("country").distinct().count() >= 50
    assert Room.objects.count() >= 12 and Venue.objects.count() >= 3
    assert sessions.filter(title_zh_hans__contains="碳中和").exists()
    assert Event.objects.filter(title_en__contains="AI Code of Ethics").exists()
    assert demo_forum.release_number == 1


def test_demo_never_double_books(demo_forum):
    active = Session.objects.filter(is_cancelled=False)
    assert not overlapping(active).exists()
    for speaker in Speaker.objects.filter(Q(sessions__isnull=False)).distinct()[:300]:
        rows = sorted(
            Session.objects.filter(Q(speakers=speaker) | Q(moderators=speaker))
            .distinct()
            .values_list("starts_at", "ends_at")
        )
        for (_s1, e1), (s2, _e2) in zip(rows, rows[1:], strict=False):
            assert e1 <= s2, speaker


def test_demo_hosts_manage_some_events(demo_forum):
    managed = Event.objects.filter(managers__isnull=False).distinct()
    assert 5 <= managed.count() < 60


def test_demo_has_version_one_and_unreleased_working_changes(demo_forum):
    from events.selectors import working_diff

    assert demo_forum.releases.get().number == 1
    diff = working_diff(demo_forum)
    assert len(diff) >= 3
    assert {kind for row in diff.rows for kind in row["kinds"]} >= {
        "moved",
        "retitled",
        "cancelled",
    }
