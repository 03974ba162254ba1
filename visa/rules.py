"""Who may do what with visa requests. Passport data goes to the visa desk *group* only:
superusers are not in it unless added, so they see the list redacted."""

import rules

from .roles import VISA_DESK


def is_visa_desk(user) -> bool:
    """Membership of the visa desk group (not a permission: superusers have every one)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_visa_desk", None)
    if cached is None:
        cached = user.groups.filter(name=VISA_DESK).exists()
        user._visa_desk = cached
    return cached


@rules.predicate
def visa_desk(user, obj=None) -> bool:
    return is_visa_desk(user)


@rules.predicate
def owns_letter(user, letter_request) -> bool:
    return (
        letter_request is not None
        and user.is_authenticated
        and letter_request.registration.user_id == user.pk
    )


DOWNLOAD_LETTER = owns_letter | visa_desk
rules.add_perm("visa.download_letter", DOWNLOAD_LETTER)
rules.add_rule("visa.download_letter", DOWNLOAD_LETTER)


def test_rule(name, user, obj) -> bool:
    return rules.test_rule(name, user, obj)
