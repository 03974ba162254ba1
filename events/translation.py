from modeltranslation.translator import TranslationOptions, register

from .models import Forum, Room, Section, Venue


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
