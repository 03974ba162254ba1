import simple_history
from modeltranslation.translator import TranslationOptions, register

from .models import Application, Booth, Exhibit, ExhibitionSection, Hall, Organization, Requirement


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


# The audit trail of the floor: an application's fields as the applicant or the team edit them
# (its status changes are ApplicationEvents too), and each booth as the plan changes.
simple_history.register(Application, app=__package__)
# area_m2 is a generated column: computed from width and depth, which history keeps.
simple_history.register(Booth, app=__package__, excluded_fields=["area_m2"])
