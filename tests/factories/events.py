from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory

from events.models import Event, Forum, Room, Section, Session, Speaker, Theme, Venue

TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the test forum (Sep 24–28 2021): ``day`` 0 is the first day."""
    return datetime(2021, 9, 24 + day, hour, minute, tzinfo=TZ)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum
        django_get_or_create = ["edition"]

    edition = 2021
    slug = factory.LazyAttribute(lambda o: str(o.edition))
    name_en = factory.LazyAttribute(lambda o: f"{o.edition} Zhongguancun Forum")
    name_zh_hans = factory.LazyAttribute(lambda o: f"{o.edition}中关村论坛")
    starts_on = date(2021, 9, 24)
    ends_on = date(2021, 9, 28)
    is_published = True


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["forum", "slug"]

    forum = factory.SubFactory(ForumFactory)
    slug = factory.Sequence(lambda n: f"section-{n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    name_zh_hans = factory.Sequence(lambda n: f"板块{n}")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    slug = factory.Sequence(lambda n: f"venue-{n}")
    name_en = factory.Sequence(lambda n: f"Venue {n}")
    name_zh_hans = factory.Sequence(lambda n: f"会场{n}")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    venue = factory.SubFactory(VenueFactory)
    slug = factory.Sequence(lambda n: f"room-{n}")
    name_en = factory.Sequence(lambda n: f"Room {n}")
    name_zh_hans = factory.Sequence(lambda n: f"会议室{n}")
    capacity = 200


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_zh_hans = factory.Sequence(lambda n: f"主题{n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    slug = factory.Sequence(lambda n: f"speaker-t{n}")
    name = factory.Sequence(lambda n: f"Speaker Number{n}")
    name_zh = factory.Sequence(lambda n: f"讲者{n}")
    country = "CN"
    affiliation_en = "Tsinghua University"
    affiliation_zh_hans = "清华大学"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    forum = factory.SubFactory(ForumFactory)
    section = factory.LazyAttribute(lambda o: SectionFactory(forum=o.forum))
    slug = factory.Sequence(lambda n: f"event-{n}")
    title_en = factory.Sequence(lambda n: f"Forum on Things {n}")
    title_zh_hans = factory.Sequence(lambda n: f"事物论坛{n}")
    host_en = "Chinese Academy of Sciences"
    host_zh_hans = "中国科学院"
    is_published = True


class SessionFactory(factory.django.DjangoModelFactory):
    """Each session gets its own hour slot in its own room unless told otherwise."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    code = factory.Sequence(lambda n: f"s-{n}")
    title_en = factory.Sequence(lambda n: f"Talk {n}")
    title_zh_hans = factory.Sequence(lambda n: f"报告{n}")
    room = factory.SubFactory(RoomFactory)
    starts_at = factory.Sequence(lambda n: at(0, 9) + timedelta(minutes=30 * (n % 16)))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=30))

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)

    @factory.post_generation
    def moderators(self, create, extracted, **kwargs):
        if create and extracted:
            self.moderators.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)
