"""The demo's public figures are the 2021 forum's, counted from the database by the pages."""

import json
import re

from django.core.management import call_command

from delegates.models import Registration


def figures(page: str) -> dict[str, str]:
    """The home page's "forum in figures", label → number as shown."""
    pairs = re.findall(r"<dt[^>]*>([^<]+)</dt><dd[^>]*>(?:<a [^>]*>)?([^<]+)", page)
    return {label.strip(): number.strip() for label, number in pairs}


def test_home_and_directory_show_the_forums_figures(client, demo_forum):
    shown = figures(client.get("/").content.decode())
    assert (shown["Events"], shown["Speakers"], shown["Exhibitors"]) == ("60", "250", "576")
    assert figures(client.get("/zh-hans/").content.decode())["展商"] == "576"
    assert "576 exhibitors" in client.get("/exhibitors/").content.decode()


def test_the_json_schedule_holds_the_60_events_and_250_speakers(client, demo_forum):
    schedule = json.loads(client.get("/api/schedule.json").content)
    assert (len(schedule["events"]), len(schedule["speakers"])) == (60, 250)


def test_a_thousand_delegates_from_fifty_countries_and_territories(demo_forum):
    approved = Registration.objects.approved()
    assert approved.count() >= 1000 * 0.8
    assert Registration.objects.count() >= 1000
    assert approved.values("country").distinct().count() >= 50


def test_unpublished_rows_come_on_top_of_the_figures(client, demo_forum):
    """A draft event or a pending application is not counted: publishing one adds to 60/576."""
    from events.models import Event

    draft = Event.objects.filter(forum=demo_forum, is_published=False).first()
    draft.is_published = True
    draft.save()
    assert figures(client.get("/").content.decode())["Events"] == "61"


def test_at_scale_two_the_figures_double(client, db):
    call_command("seed_demo", "--as-held", "--scale", "2", verbosity=0)
    shown = figures(client.get("/").content.decode())
    assert (shown["Events"], shown["Speakers"], shown["Exhibitors"]) == ("120", "500", "1152")
