"""Sessions and speakers in and out of spreadsheets: a preview with each refused row, nothing saved
until confirmed and nothing at all if any row fails on confirm; imported sessions wait in the
working programme; a host imports and exports their own events only."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group

from events import services
from events.models import Session, Speaker, WorkingChange
from events.roles import EVENT_HOSTS, FORUM_SECRETARIAT, PROGRAMME_TEAM
from tests.factories.accounts import StaffFactory
from tests.factories.events import EventFactory, SessionFactory, SpeakerFactory, at
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
SESSIONS = "/admin/events/session/"
SPEAKERS = "/admin/events/speaker/"
HEADER = "code,event,title_en,title_zh_hans,type,starts_at,ends_at,room,speakers\n"


def staff(*groups):
    user = StaffFactory()
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def team(roles):
    return staff(PROGRAMME_TEAM)


def upload(client, base, text: str, name="sheet.csv", fmt=0, content=None):
    file = io.BytesIO(content if content is not None else text.encode())
    file.name = name
    return client.post(f"{base}import/", {"resource": "0", "format": str(fmt), "import_file": file})


def confirm(client, base, html: str):
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format")
    }
    return client.post(f"{base}process_import/", fields | {"resource": "0"}, follow=True)


def row(code, event, room, start, end, speakers="", title=None):
    title = title or f"Session {code}"
    return (
        f"{code},{event.slug},{title},会议{code},panel,{start:%Y-%m-%d %H:%M},"
        f"{end:%Y-%m-%d %H:%M},{room.venue.slug}/{room.slug},{speakers}\n"
    )


def test_a_bad_row_is_shown_and_nothing_is_staged(client, team, event, room):
    speaker = SpeakerFactory(slug="li-wei")
    client.force_login(team)
    sheet = HEADER + (
        row("s-good", event, room, at(0, 9), at(0, 10), "li-wei")
        + row("s-late", event, room, at(0, 11), at(0, 10))
        + row("s-who", event, room, at(0, 12), at(0, 13), "nobody")
    )
    html = upload(client, SESSIONS, sheet).content.decode()
    # Rows are numbered from the first row under the header.
    assert "Row 2 · ends_at: A session must end after it starts." in html
    assert "Row 3 · speakers: No speaker with the slug “nobody”." in html
    assert 'name="import_file_name"' not in html  # no confirm while a row is refused
    assert WorkingChange.objects.count() == 0 and speaker.sessions.count() == 0


def test_a_room_clash_is_a_row_error(client, team, event, room):
    SessionFactory(
        event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10), title_en="Opening"
    )
    client.force_login(team)
    sheet = HEADER + (
        row("s-clash", event, room, at(0, 9, 30), at(0, 10, 30))
        + row("s-first", event, room, at(1, 9), at(1, 10))
        + row("s-second", event, room, at(1, 9, 30), at(1, 11))
    )
    html = upload(client, SESSIONS, sheet).content.decode()
    assert "Row 1 · room: " in html and "is already booked at that time by “Opening”" in html
    assert "Row 3 · room: " in html and "by row “s-first” of this file" in html
    assert WorkingChange.objects.count() == 0


def test_imported_sessions_wait_in_the_working_programme(client, team, event, room):
    live = SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    client.force_login(team)
    sheet = HEADER + (
        row("s-new", event, room, at(2, 9), at(2, 10), title="Brand new")
        + row(live.code, event, room, at(0, 14), at(0, 15), title="Moved")
    )
    html = upload(client, SESSIONS, sheet).content.decode()
    assert "Brand new" in html and WorkingChange.objects.count() == 0  # a preview only
    page = confirm(client, SESSIONS, html)
    assert "Import finished" in page.content.decode()
    assert "Imported sessions are in the working programme" in page.content.decode()
    assert not Session.objects.filter(code="s-new").exists()  # not released
    live.refresh_from_db()
    assert live.starts_at == at(0, 9) and live.title_en != "Moved"  # the released row stands
    new = WorkingChange.objects.get(kind=WorkingChange.Kind.NEW_SESSION)
    assert new.code == "s-new" and new.values["title_en"] == "Brand new"
    edit = WorkingChange.objects.get(session=live)
    assert edit.values["title_en"] == "Moved" and edit.changed_by == team
    services.release_schedule(event.forum, note_en="", note_zh="")
    assert Session.objects.get(code="s-new").title_en == "Brand new"


def test_a_row_refused_on_confirm_saves_nothing(client, team, event, room):
    client.force_login(team)
    sheet = HEADER + (
        row("s-a", event, room, at(2, 9), at(2, 10)) + row("s-b", event, room, at(2, 11), at(2, 12))
    )
    html = upload(client, SESSIONS, sheet).content.decode()
    # Meanwhile someone books the room at s-b's time, live.
    SessionFactory(event=event, room=room, starts_at=at(2, 11), ends_at=at(2, 12), title_en="Late")
    page = confirm(client, SESSIONS, html).content.decode()
    assert "Nothing was imported" in page
    assert "Row 2 · room: " in page and "“Late”" in page
    assert WorkingChange.objects.count() == 0  # s-a, fine on its own, was not kept either


def test_a_host_imports_into_their_events_only(client, roles, forum, section, room):
    host = staff(EVENT_HOSTS)
    mine = EventFactory(forum=forum, section=section)
    mine.managers.set([host])
    theirs = EventFactory(forum=forum, section=section)
    other = SessionFactory(event=theirs, room=room, starts_at=at(3, 9), ends_at=at(3, 10))
    client.force_login(host)
    sheet = HEADER + (
        row("s-mine", mine, room, at(2, 9), at(2, 10))
        + row("s-theirs", theirs, room, at(2, 11), at(2, 12))
        + row(other.code, mine, room, at(2, 13), at(2, 14))
    )
    html = upload(client, SESSIONS, sheet).content.decode()
    assert "Row 2 · event: You do not host this event." in html
    assert "Row 3: This session belongs to an event you do not host." in html
    assert WorkingChange.objects.count() == 0


def export(client, base, fmt=0):
    response = client.post(f"{base}export/", {"resource": "0", "format": str(fmt)})
    assert response.status_code == 200, response.content[:300]
    return response


def test_a_host_exports_only_their_sessions_and_speakers(client, roles, forum, section, room):
    host = staff(EVENT_HOSTS)
    mine = EventFactory(forum=forum, section=section)
    mine.managers.set([host])
    theirs = EventFactory(forum=forum, section=section)
    SessionFactory(event=mine, code="mine-1", speakers=[SpeakerFactory(slug="my-speaker")])
    SessionFactory(event=theirs, code="theirs-1", speakers=[SpeakerFactory(slug="their-speaker")])
    client.force_login(host)
    text = export(client, SESSIONS).content.decode()
    assert "mine-1" in text and "theirs-1" not in text
    text = export(client, SPEAKERS).content.decode()
    assert "my-speaker" in text and "their-speaker" not in text
    for reader in (staff(FORUM_SECRETARIAT), staff(PROGRAMME_TEAM)):
        client.force_login(reader)
        text = export(client, SESSIONS).content.decode()
        assert "mine-1" in text and "theirs-1" in text
        assert "their-speaker" in export(client, SPEAKERS).content.decode()


def test_an_export_imports_back_unchanged(client, team, event, room):
    SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10), code="round")
    client.force_login(team)
    text = export(client, SESSIONS).content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["code"] == "round" and rows[0]["starts_at"] == "2021-09-24 09:00"
    assert rows[0]["room"] == f"{room.venue.slug}/{room.slug}"
    html = upload(client, SESSIONS, text).content.decode()
    assert 'name="import_file_name"' in html
    confirm(client, SESSIONS, html)
    assert list(WorkingChange.objects.values_list("values", flat=True)) == []  # nothing differs


def test_speakers_are_imported_live_through_the_service(client, roles, forum, section):
    host = staff(EVENT_HOSTS)
    taken = SpeakerFactory(slug="taken")
    client.force_login(host)
    sheet = "slug,name,name_zh,affiliation_en,country,email\n" + (
        "wang-fang,Wang Fang,王芳,Tsinghua University,CN,wang@example.org\n"
    )
    html = upload(client, SPEAKERS, sheet).content.decode()
    assert Speaker.objects.filter(slug="wang-fang").count() == 0
    confirm(client, SPEAKERS, html)
    speaker = Speaker.objects.get(slug="wang-fang")
    assert speaker.name_zh == "王芳" and speaker.added_by == host
    html = upload(client, SPEAKERS, "slug,name\ntaken,Someone Else\n").content.decode()
    assert "Row 1 · slug: This speaker is taken: choose another slug." in html
    assert Speaker.objects.get(pk=taken.pk).name != "Someone Else"


@pytest.mark.parametrize(
    ("content", "name", "fmt", "message"),
    [
        ("日程".encode("gb18030") + b",x\n1,2\n", "gbk.csv", 0, "The file is not UTF-8 text"),
        (b"", "empty.csv", 0, "The submitted file is empty."),
        (b"code,title_en\nx,y\n", "cols.csv", 0, "The file needs the columns event, starts_at"),
        (b"not a workbook", "fake.xlsx", 1, "The file cannot be read as the format chosen"),
        (b"a" * (2 * 1024 * 1024 + 1), "huge.csv", 0, "The file is too large: at most 2 MB."),
        (b"code\n", "headers.csv", 0, "No valid data to import."),
    ],
)
def test_bad_files_get_a_message(client, team, content, name, fmt, message):
    client.force_login(team)
    response = upload(client, SESSIONS, "", name=name, fmt=fmt, content=content)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_confirmation_without_its_file_asks_for_the_file_again(client, team):
    client.force_login(team)
    data = {"import_file_name": "gone", "original_file_name": "x.csv", "format": "0"}
    response = client.post(f"{SESSIONS}process_import/", data | {"resource": "0"})
    assert response.status_code == 200
    assert "upload it again" in response.content.decode()
    data["format"] = "abc"
    assert client.post(f"{SESSIONS}process_import/", data).status_code == 200


# login (session, user, groups), the list filters the changelist builds (sections, venues), a
# count of the rows to export in pages, the sessions with event and room, then
# their speakers, moderators and themes (one query each).
SESSION_EXPORT_QUERIES = 10
# login (session, user, groups), the speakers (a programme-team reader: no scoping query).
SPEAKER_EXPORT_QUERIES = 4


def test_export_queries(client, team, event, room):
    client.force_login(team)
    codes = iter(range(1000))

    def sessions(n):
        for _ in range(n):
            SessionFactory(event=event, code=f"q-{next(codes)}", speakers=[SpeakerFactory()])

    first, second = assert_queries_do_not_grow(
        lambda: export(client, SESSIONS).content.decode(),
        sessions,
        budget=SESSION_EXPORT_QUERIES,
        n=3,
    )
    assert first.count("q-") == 3 and second.count("q-") == 9
    first, second = assert_queries_do_not_grow(
        lambda: export(client, SPEAKERS).content.decode(),
        lambda n: SpeakerFactory.create_batch(n),
        budget=SPEAKER_EXPORT_QUERIES,
        n=3,
    )
