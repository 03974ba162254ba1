"""The exhibition team's side of the exhibitor's portal: exhibits (and, below, what the portal
collects). Imported at the end of admin.py."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import Exhibit


@admin.register(Exhibit)
class ExhibitAdmin(TranslationAdmin):
    list_display = ["name", "organization", "field", "maturity", "first_release"]
    list_filter = ["field", "maturity", "first_release"]
    # Both languages explicitly: modeltranslation would search only the admin's language.
    search_fields = [
        "name_en",
        "name_zh_hans",
        "organization__name_en",
        "organization__name_zh_hans",
    ]
    raw_id_fields = ["organization"]
    list_select_related = ["organization"]
