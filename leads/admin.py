from django.contrib import admin

from .models import ConsentWithdrawal, Lead


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    """Counts and times only: the organizers read no contact through leads."""

    list_display = ["organization", "scanned_at", "rating"]
    list_filter = ["rating"]
    list_select_related = ["organization"]
    fields = ["organization", "scanned_at", "rating"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConsentWithdrawal)
class ConsentWithdrawalAdmin(admin.ModelAdmin):
    list_display = ["organization", "withdrawn_at"]
    list_select_related = ["organization"]
    fields = ["organization", "withdrawn_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
