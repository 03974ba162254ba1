from modeltranslation.translator import TranslationOptions, register

from .models import ExhibitionSection


@register(ExhibitionSection)
class ExhibitionSectionTranslation(TranslationOptions):
    fields = ("name", "description")
