from django.contrib import admin
from django.utils.translation import gettext_noop
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(TranslationAdmin, SimpleHistoryAdmin):
    """The secretariat edits the texts; the two pages exist from the first migrate on."""

    list_display = ["__str__", "title", "updated_at"]
    readonly_fields = ["slug", "updated_at"]
    fields = ["slug", "title", "body", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Model names of third-party apps without a Chinese catalogue (django-axes), so that makemessages
# keeps them in the site's catalogue, which is read before any app's (LOCALE_PATHS).
THIRD_PARTY_NAMES = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
]
