import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import LegalPage


@register(LegalPage)
class LegalPageTranslation(TranslationOptions):
    fields = ("title", "body")


# History after translation, so the _en/_zh_hans columns are recorded too (TRAPS.md).
simple_history.register(LegalPage, app=__package__)
