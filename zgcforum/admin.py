from django.contrib import admin
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
