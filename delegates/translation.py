import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import RSVP, Badge, Category, Registration


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name",)


# History after translation registration, or translated columns are not recorded.
# Sensitive fields stay out of history: the purge and withdrawn consent must erase them for good.
simple_history.register(Category, app=__package__)
simple_history.register(
    Registration,
    app=__package__,
    excluded_fields=["updated_at", "photo", "dietary_needs", "accessibility_needs"],
)

# Who reserved, was promoted or cancelled, and when a badge was issued or revoked. A badge's code
# (its QR secret) and its short code stay out of history: a revoked code must not live on in a copy.
simple_history.register(RSVP, app=__package__)
simple_history.register(Badge, app=__package__, excluded_fields=["code", "short_code"])
