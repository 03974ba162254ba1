"""The schedule's filter form with nothing chosen is written from the filters' declarations
(``empty_filter_fields``): the same HTML as the filter set's form (``filter_fields``), in both
languages, with hostile names escaped."""

import pytest
from django.utils import translation

from events import selectors
from events.filters import ScheduleFilter
from events.models import Session
from events.templatetags.events import empty_filter_fields, filter_fields
from tests.factories.events import RoomFactory, SectionFactory, SessionFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script>'


@pytest.fixture
def hostile_choices(forum, event):
    SectionFactory(forum=forum, slug="s-x", name_en=f"section {PAYLOAD}", name_zh_hans="")
    ThemeFactory(slug="t-x", name_en=f"theme {PAYLOAD}", name_zh_hans=f"主题{PAYLOAD}")
    room = RoomFactory(name_en=f"room {PAYLOAD}", venue__name_en=f"venue {PAYLOAD}")
    SessionFactory(event=event, room=room)
    return forum


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_empty_form_is_the_filter_sets_form(hostile_choices, language):
    with translation.override(language):
        choices = selectors.filter_choices(hostile_choices)
        filterset = ScheduleFilter({}, queryset=Session.objects.none(), choices=choices)
        assert filterset.is_valid()
        expected = filter_fields(filterset.form)
        html = empty_filter_fields(choices)
    assert html == expected
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('<option value="" selected>') == 6


def test_the_day_page_without_filters_shows_the_form(client, hostile_choices):
    html = client.get("/schedule/").content.decode()
    assert 'name="q" class="form-control form-control-sm" id="id_q"' in html
    assert 'name="interpretation" class="form-check-input" id="id_interpretation"' in html
    assert "<script>alert" not in html
