"""Public programme pages: query budgets that do not grow, filters, search, 404s."""

import re

import pytest
from django.urls import resolve
from django.utils import translation

from events import services
from events.models import Session
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    RoomFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    VenueFactory,
    at,
)
from tests.queries import assert_queries_do_not_grow

# Cold cache: forum, filter choices (sections, themes and rooms in one UNION), session cards,
# speakers and moderators (one UNION). No count: the day fits on one page (card_page).
SCHEDULE_QUERIES = 4
# With a filter or a search: one more, the matches per day on the day tabs.
SCHEDULE_FILTERED_QUERIES = 5
# Warm cache: the forum row alone (its versions are the cache key).
SCHEDULE_WARM_QUERIES = 1
GRID_QUERIES = 2
EVENT_QUERIES = 5
# Built (the forum's version not prepared: tests/events/test_prepared_pages.py has the prepared
# pages, 1 and 2): its prepared page (none), then the session with its forum, event, section,
# room, venue and themes; its people.
SESSION_QUERIES = 3
SPEAKERS_QUERIES = 3
# the speaker with the current forum, their sessions' prepared cards (none), their cards, the
# cards' people
SPEAKER_QUERIES = 4
SECTION_QUERIES = 3
CHANGELOG_QUERIES = 2


def page_url(path, **params):
    from urllib.parse import urlencode

    return f"{path}?{urlencode(params)}" if params else path


def session_cards(response) -> int:
    return response.content.decode().count('class="card mb-2 session-card')


def test_schedule_day_queries_do_not_grow(client, forum, programme):
    def day():
        return client.get("/schedule/?day=2021-09-24")

    first, second = assert_queries_do_not_grow(day, programme, budget=SCHEDULE_QUERIES, n=4)
    assert first.status_code == second.status_code == 200
    assert (session_cards(first), session_cards(second)) == (4, 12)

    def programme_changed(n):  # as the services do: the cached day is stale
        programme(n)
        services.touch_schedule(forum.pk)

    warm = assert_queries_do_not_grow(
        day, programme_changed, budget=SCHEDULE_WARM_QUERIES, n=4, warm=True
    )
    assert [response.status_code for response in warm] == [200, 200]
    # Rendered anew after each change by the uncounted fetch, then served from the cache.
    assert [session_cards(response) for response in warm] == [16, 24]


def test_filtered_schedule_queries_do_not_grow(client, programme):
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/schedule/?day=2021-09-24&theme=carbon-neutrality&q=Talk"),
        programme,
        budget=SCHEDULE_FILTERED_QUERIES,
        n=4,
    )
    assert (session_cards(first), session_cards(second)) == (4, 12)


@pytest.fixture
def three_days(forum, section):
    """Exhibition sessions on three days, titled with 碳中和 in Chinese and "carbon" in English;
    a forum session on another day matches neither."""
    exhibition = EventFactory(forum=forum, section=section, type="exhibition")
    matches = {0: 2, 2: 1, 4: 3}  # day index: matching sessions
    for day, n in matches.items():
        for i in range(n):
            SessionFactory(
                event=exhibition,
                starts_at=at(day, 9 + i),
                ends_at=at(day, 10 + i),
                title_en=f"Carbon neutrality roadmap {day}-{i}",
                title_zh_hans=f"碳中和路线图 {day}-{i}",
            )
    other = EventFactory(forum=forum, section=section, type="forum")
    SessionFactory(event=other, starts_at=at(1, 9), ends_at=at(1, 10), title_en="Quantum")
    return {at(day, 0).date(): n for day, n in matches.items()}


@pytest.mark.parametrize(("prefix", "word"), [("", "carbon"), ("/zh-hans", "碳中和")])
def test_a_search_lists_every_match_of_the_forum_grouped_by_day(client, three_days, prefix, word):
    html = client.get(f"{prefix}/schedule/", {"day": "2021-09-25", "q": word}).content.decode()
    days = re.findall(r'<h3 id="day-(\d{4}-\d\d-\d\d)"', html)
    assert days == [d.isoformat() for d in sorted(three_days)]
    sections = re.split(r'<h3 id="day-', html)[1:]
    assert [s.count("session-card") for s in sections] == [
        three_days[d] for d in sorted(three_days)
    ]
    # the day tabs count the matches per day and lead to them; the day without any says 0
    tabs = dict(re.findall(r'href="#day-([\d-]+)".*?day-count">(\d+)', html, re.S))
    assert tabs == {
        d.isoformat(): str(three_days.get(d, 0)) for d in [at(i, 0).date() for i in range(5)]
    }
    assert "Quantum" not in html


def test_a_filtered_day_without_matches_names_the_days_that_have_some(client, three_days):
    html = client.get("/zh-hans/schedule/", {"day": "2021-09-25", "type": "exhibition"})
    page = html.content.decode()
    named = re.search(r'<ul class="days-with-hits">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"2021年9月\d+日", named) == [
        "2021年9月24日",
        "2021年9月26日",
        "2021年9月28日",
    ]
    assert "Quantum" not in page


def test_grid_queries_do_not_grow(client, programme):
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/schedule/grid/?day=2021-09-24"), programme, budget=GRID_QUERIES, n=4
    )
    assert first.status_code == second.status_code == 200
    # one column per room, one box per session
    assert [r.content.decode().count('class="tg-room ') for r in (first, second)] == [4, 12]


def test_event_page_queries_do_not_grow(client, programme, event):
    first, second = assert_queries_do_not_grow(
        lambda: client.get(event.urls.public),
        lambda n: programme(n, event=event),
        budget=EVENT_QUERIES,
        n=4,
    )
    assert first.status_code == second.status_code == 200
    assert (session_cards(first), session_cards(second)) == (4, 12)


def test_session_page_queries_do_not_grow(client, programme, event):
    sessions = []

    def last_session_page():
        session = sessions[-1]
        return session, client.get(session.urls.public).content.decode()

    for session, html in assert_queries_do_not_grow(
        last_session_page,
        lambda n: sessions.extend(programme(n, event=event)),
        budget=SESSION_QUERIES,
        n=4,
    ):
        assert session.title_en in html and session.urls.ical in html


def test_speaker_list_queries_do_not_grow(client, programme):
    SpeakerFactory(name="Nobody Speaks")  # in no session: not listed
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/speakers/").content.decode(),
        programme,
        budget=SPEAKERS_QUERIES,
        n=4,
    )
    assert [html.count("/speakers/speaker-t") for html in (first, second)] == [3 * 4, 3 * 12]
    assert "Nobody Speaks" not in first and "Nobody Speaks" not in second


def test_speaker_page_queries_do_not_grow(client, forum, section):
    speaker = SpeakerFactory()
    event = EventFactory(forum=forum, section=section)

    def sessions_of_the_speaker(n):
        for i in range(n):
            SessionFactory(
                event=event,
                starts_at=at(i % 5, 9),
                ends_at=at(i % 5, 10),
                speakers=[speaker, SpeakerFactory()],
            )

    first, second = assert_queries_do_not_grow(
        lambda: client.get(speaker.urls.public),
        sessions_of_the_speaker,
        budget=SPEAKER_QUERIES,
        n=4,
    )
    assert (session_cards(first), session_cards(second)) == (4, 12)


@pytest.mark.parametrize(
    ("prefix", "days"),
    [
        ("", ["Friday, 24 September 2021", "Sunday, 26 September 2021"]),
        ("/zh-hans", ["2021年9月24日 星期五", "2021年9月26日 星期日"]),
    ],
)
def test_a_speaker_page_says_the_day_of_each_session(client, forum, section, prefix, days):
    speaker = SpeakerFactory()
    event = EventFactory(forum=forum, section=section)
    for day, title in [(2, "Late talk"), (0, "Early talk"), (0, "Second early talk")]:
        SessionFactory(
            event=event,
            starts_at=at(day, 9),
            ends_at=at(day, 10),
            speakers=[speaker],
            title_en=title,
            title_zh_hans=title,
        )
    html = client.get(prefix + speaker.urls.public).content.decode()
    headings = re.findall(
        r'<h3 class="h6[^"]*"><time datetime="[^"]+">([^<]+)</time>([^<]*)</h3>', html
    )
    assert ["".join(h) for h in headings] == days
    assert html.index(days[0]) < html.index("Early talk") < html.index(days[1])
    assert html.index(days[1]) < html.index("Late talk")


def test_section_page_queries_do_not_grow(client, forum, section):
    def sessions_in_the_section(n):
        for _i in range(n):
            SessionFactory(event=EventFactory(forum=forum, section=section))

    first, second = assert_queries_do_not_grow(
        lambda: client.get(section.urls.public).content.decode(),
        sessions_in_the_section,
        budget=SECTION_QUERIES,
        n=4,
    )
    assert [html.count('class="list-group-item"') for html in (first, second)] == [4, 12]


def test_changelog_queries_do_not_grow(client, forum, programme):
    def releases(n):
        for _i in range(n):
            programme(2)
            services.release_schedule(forum)

    first, second = assert_queries_do_not_grow(
        lambda: client.get("/schedule/changes/").content.decode(),
        releases,
        budget=CHANGELOG_QUERIES,
        n=1,
    )
    assert [html.count('id="release-') for html in (first, second)] == [1, 3]


def cards(response) -> list[str]:
    return re.findall(r'<h4 class="h6 mb-1"><a href="[^"]+">([^<]+)</a>', response.content.decode())


@pytest.fixture
def varied(forum):
    """Sessions differing in one property each, all on the first day."""
    meetings = SectionFactory(forum=forum, slug="forum-meetings")
    trading = SectionFactory(forum=forum, slug="technology-trading")
    carbon = ThemeFactory(
        slug="carbon-neutrality", name_en="Carbon neutrality", name_zh_hans="碳中和"
    )
    quantum = ThemeFactory(slug="quantum", name_en="Quantum", name_zh_hans="量子")
    venue = VenueFactory(slug="cncc")
    hall = RoomFactory(venue=venue)
    forum_event = EventFactory(
        forum=forum,
        section=meetings,
        type="forum",
        host_en="Haidian District",
        host_zh_hans="海淀区",
    )
    trade_event = EventFactory(forum=forum, section=trading, type="trading")
    trade_event.themes.set([quantum])
    SessionFactory(
        event=forum_event,
        code="carbon-en",
        title_en="Carbon Neutrality Roadmap",
        title_zh_hans="碳中和路线图",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        language="en",
        themes=[carbon],
    )
    SessionFactory(
        event=forum_event,
        code="carbon-zh",
        title_en="Green Finance",
        title_zh_hans="绿色金融",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        language="zh",
        interpretation=True,
        themes=[carbon],
        room=hall,
    )
    SessionFactory(
        event=trade_event,
        code="qubits",
        title_en="Long-life Superconducting Qubits",
        title_zh_hans="长寿命超导量子比特",
        starts_at=at(0, 11),
        ends_at=at(0, 12),
        language="both",
        interpretation=True,
        room=hall,
        speakers=[SpeakerFactory(name="Ada Quantum", name_zh="量子艾达")],
    )
    return {"hall": hall}


def codes(client, query: str, language: str = "en") -> set[str]:
    prefix = "" if language == "en" else "/zh-hans"
    html = client.get(f"{prefix}/schedule/?day=2021-09-24&{query}").content.decode()
    return set(re.findall(r'href="(?:/zh-hans)?/sessions/([\w-]+)/"', html))


def test_filters_combine(client, varied):
    assert codes(client, "") == {"carbon-en", "carbon-zh", "qubits"}
    assert codes(client, "theme=carbon-neutrality") == {"carbon-en", "carbon-zh"}
    assert codes(client, "theme=quantum") == {"qubits"}  # through the event's themes
    assert codes(client, "theme=carbon-neutrality&interpretation=on") == {"carbon-zh"}
    assert codes(client, "section=technology-trading") == {"qubits"}
    assert codes(client, "type=forum&language=en") == {"carbon-en"}
    assert codes(client, "language=zh") == {"carbon-zh", "qubits"}  # bilingual counts for both
    assert codes(client, f"venue=cncc&room={varied['hall'].pk}&interpretation=1") == {
        "carbon-zh",
        "qubits",
    }
    assert codes(client, "theme=quantum&section=forum-meetings") == set()


def test_search_finds_both_languages_whatever_the_interface(client, varied):
    assert codes(client, "q=碳中和") == {"carbon-en"}  # Chinese title, English interface
    assert codes(client, "q=carbon", "zh-hans") == {"carbon-en"}  # English title, Chinese UI
    assert codes(client, "q=量子艾达", "zh-hans") == {"qubits"}  # speaker's Chinese name
    assert codes(client, "q=Ada") == {"qubits"}
    assert codes(client, "q=海淀") == {"carbon-en", "carbon-zh"}  # host
    assert codes(client, "q=qubits&theme=carbon-neutrality") == set()


def test_bad_filter_values_show_a_form_error_not_a_500(client, varied):
    """An unknown day leads to the canonical URL, where the unknown filters show their errors."""
    response = client.get("/schedule/?day=not-a-day&section=nope&room=abc", follow=True)
    assert response.redirect_chain == [("/schedule/?section=nope&room=abc", 302)]
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_day_tabs_are_links_keeping_the_filters(client, varied):
    html = client.get("/schedule/?theme=carbon-neutrality").content.decode()
    assert 'href="?day=2021-09-25&amp;theme=carbon-neutrality"' in html
    assert 'aria-current="page"' in html
    assert html.count('class="nav-link') >= 5
    other_day = client.get("/schedule/?day=2021-09-25").content.decode()
    assert "Carbon Neutrality Roadmap" not in other_day


def test_default_day_is_today_during_the_forum(client, varied, settings):
    from datetime import date

    from events.selectors import default_day

    forum = Session.objects.first().event.forum
    assert default_day(forum, today=date(2021, 9, 26)) == date(2021, 9, 26)
    assert default_day(forum, today=date(2021, 10, 1)) == date(2021, 9, 24)


def test_unpublished_things_answer_404(client, forum, section):
    hidden = EventFactory(forum=forum, section=section, is_published=False)
    session = SessionFactory(event=hidden, speakers=[SpeakerFactory()])
    speaker = session.speakers.get()
    for url in [
        hidden.urls.public,
        hidden.urls.ical,
        session.urls.public,
        session.urls.ical,
        speaker.urls.public,
    ]:
        assert client.get(url).status_code == 404, url
    assert session.title_en not in client.get("/schedule/").content.decode()
    forum.is_published = False
    forum.save()
    assert client.get("/schedule/").status_code == 404


def test_cancelled_sessions_are_marked(client, event):
    session = SessionFactory(event=event)
    services.cancel_session(session)
    html = client.get("/schedule/").content.decode()
    assert "is-cancelled" in html and "Cancelled" in html


def test_a_change_shows_at_once_despite_the_cache(client, event):
    session = SessionFactory(event=event, title_en="Before")
    assert "Before" in client.get("/schedule/").content.decode()
    services.update_session(session, title_en="After")
    assert "After" in client.get("/schedule/").content.decode()


def test_pages_are_translated(client, varied):
    html = client.get("/zh-hans/schedule/").content.decode()
    assert "碳中和路线图" in html and "日程" in html
    assert 'href="/zh-hans/sessions/carbon-en/"' in html


def test_every_model_url_resolves(programme):
    session = programme(1)[0]
    objects = [
        session,
        session.event,
        session.event.forum,
        session.event.section,
        session.speakers.first(),
    ]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for obj in objects:
                for name in obj.urls.urls:
                    url = obj.urls.get_url(name)
                    assert resolve(url.split("?")[0]), (obj, name, url)
    with translation.override("zh-hans"):
        assert session.urls.ical.startswith("/zh-hans/sessions/")


def test_a_busy_day_comes_in_pages_of_a_hundred(client, event):
    rooms = [RoomFactory() for _i in range(15)]
    for i in range(105):
        SessionFactory(
            event=event,
            room=rooms[i % 15],
            starts_at=at(0, 8 + i // 15),
            ends_at=at(0, 9 + i // 15),
        )
    first = client.get("/schedule/?day=2021-09-24")
    html = first.content.decode()
    assert html.count('class="card mb-2 session-card') == 100
    assert "105 sessions" in html and "1 / 2" in html
    assert 'href="?day=2021-09-24&amp;page=2"' in html
    second = client.get("/schedule/?day=2021-09-24&page=2").content.decode()
    assert second.count('class="card mb-2 session-card') == 5
    junk = client.get("/schedule/?day=2021-09-24&page=x")
    assert (junk.status_code, junk["Location"]) == (302, "/schedule/?day=2021-09-24")


@pytest.mark.parametrize(("sessions", "pages"), [(100, 1), (101, 2)])
def test_a_day_of_exactly_a_page_has_no_second_one(client, event, sessions, pages):
    """Page 1 reads one card more than it shows to know whether a second page exists."""
    rooms = [RoomFactory() for _i in range(10)]
    for i in range(sessions):
        SessionFactory(
            event=event,
            room=rooms[i % 10],
            starts_at=at(0, 8 + i // 10),
            ends_at=at(0, 9 + i // 10),
        )
    html = client.get("/schedule/?day=2021-09-24").content.decode()
    assert html.count('class="card mb-2 session-card') == 100
    assert f"{sessions} sessions" in html
    assert ("1 / 2" in html) == (pages == 2)
    second = client.get("/schedule/?day=2021-09-24&page=2")
    if pages == 1:
        assert (second.status_code, second["Location"]) == (302, "/schedule/?day=2021-09-24")
    else:
        assert second.content.decode().count('class="card mb-2 session-card') == 1


def test_speakers_appear_under_the_name_readers_of_the_page_know(client, varied):
    english = client.get("/schedule/?day=2021-09-24").content.decode()
    chinese = client.get("/zh-hans/schedule/?day=2021-09-24").content.decode()
    assert ">Ada Quantum</a>" in english and "量子艾达" not in english
    assert ">量子艾达</a>" in chinese


def test_the_session_page_lists_its_speakers_and_moderators_by_name(client, event):
    """Both relations come from one statement (selectors.session_people): each person under the
    heading of their role, by name, one who speaks and moderates under both, other sessions'
    people nowhere."""
    both = SpeakerFactory(name="Bea Both", affiliation_en="Lab <b>")
    speakers = [SpeakerFactory(name="Zed Speaks"), SpeakerFactory(name="Amy Speaks"), both]
    moderator = SpeakerFactory(name="Mo Derates")
    session = SessionFactory(event=event, speakers=speakers, moderators=[moderator, both])
    SessionFactory(event=event, speakers=[SpeakerFactory(name="Elsewhere Only")])
    html = client.get(session.urls.public).content.decode()
    said, moderated = html.split(">Moderators</h2>")
    said = said.split(">Speakers</h2>")[1]
    assert re.findall(r">([^<]+)</a>", said) == ["Amy Speaks", "Bea Both", "Zed Speaks"]
    assert re.findall(r">([^<]+)</a>", moderated.split("</ul>")[0]) == ["Bea Both", "Mo Derates"]
    assert "Lab &lt;b&gt;" in said and "Elsewhere Only" not in html
    # a moderator who speaks nowhere has a page too (selectors.public_speaker), listing the session
    page = client.get(moderator.urls.public)
    assert page.status_code == 200 and session.title_en in page.content.decode()


def test_a_speaker_page_is_the_current_forums(client, forum, section):
    """A moderator's page answers; a speaker of an earlier edition only does not (the page reads
    the speaker with the current forum in one statement)."""
    moderator = SpeakerFactory(name="Moderator Only")
    SessionFactory(event=EventFactory(forum=forum, section=section), moderators=[moderator])
    page = client.get(moderator.urls.public)
    assert page.status_code == 200 and "Moderator Only" in page.content.decode()
    earlier = ForumFactory(edition=2020, is_published=True)
    former = SpeakerFactory(name="Former Speaker")
    SessionFactory(
        event=EventFactory(forum=earlier, section=SectionFactory(forum=earlier)), speakers=[former]
    )
    assert client.get(former.urls.public).status_code == 404


def test_the_session_page_says_the_time_zone_as_its_readers_do(client, forum, event):
    """Beijing's zone by name, in Chinese with full-width brackets; another forum's by its IANA
    name."""
    session = SessionFactory(event=event)
    english = client.get(session.urls.public).content.decode()
    chinese = client.get("/zh-hans" + session.urls.public).content.decode()
    assert "</time> (Beijing time)</dd>" in english
    assert "</time>（北京时间）</dd>" in chinese  # no space before a full-width bracket
    forum.timezone = "Europe/Paris"
    forum.save(update_fields=["timezone"])
    services.touch_schedule(forum.pk)
    assert "</time> (Europe/Paris)</dd>" in client.get(session.urls.public).content.decode()
