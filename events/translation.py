import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Event, Forum, Release, Room, Section, Session, Speaker, Theme, Venue


@register(Forum)
class ForumTranslation(TranslationOptions):
    fields = ("name", "theme", "permanent_theme", "description", "location")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Venue)
class VenueTranslation(TranslationOptions):
    fields = ("name", "address")


@register(Room)
class RoomTranslation(TranslationOptions):
    fields = ("name", "accessibility")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("affiliation", "bio")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "description", "host", "co_organizers")


@register(Session)
class SessionTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Release)
class ReleaseTranslation(TranslationOptions):
    fields = ("comment",)


# History after translation, so the _en/_zh_hans columns are recorded too (TRAPS.md).
for model in (Forum, Section, Venue, Room, Theme, Speaker, Event, Session):
    simple_history.register(model, app=__package__)
