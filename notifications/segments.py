"""The announcement segments this app offers; other apps register theirs in their ready()."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.registries import register_segment


def all_users():
    return User.objects.all()


def users_by_language(language: str):
    return User.objects.filter(language=language)


def staff():
    return User.objects.filter(is_staff=True)


def register() -> None:
    register_segment("all", _("All users"), all_users)
    register_segment(
        "language",
        _("Users by language"),
        users_by_language,
        params={"language": settings.LANGUAGES},
    )
    register_segment("staff", _("Staff"), staff)
