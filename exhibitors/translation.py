from modeltranslation.translator import TranslationOptions, register

from .models import ExhibitionSection, Organization


@register(ExhibitionSection)
class ExhibitionSectionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "description")
