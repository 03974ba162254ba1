import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Exhibit, ExhibitionSection, Hall, Organization, Requirement


@register(ExhibitionSection)
class ExhibitionSectionTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "description")


# After the translation registration, so both language columns are recorded (see TRAPS.md).
# Profile edits are audited here; application status changes live in ApplicationEvent (and
# ``has_approved_application`` follows them: a revert must not bring an old value back).
simple_history.register(
    Organization,
    app=__package__,
    excluded_fields=["code", "search_text", "has_approved_application"],
)


@register(Hall)
class HallTranslation(TranslationOptions):
    fields = ("name", "building")


@register(Exhibit)
class ExhibitTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Requirement)
class RequirementTranslation(TranslationOptions):
    fields = ("name", "description")
