from django import template

from core.registries import dashboard_panels as registered_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_panels(context) -> list:
    """The admin index panels the apps registered that this user may see."""
    user = context["request"].user
    return [
        panel
        for panel in registered_panels.ordered()
        if not panel.permission or user.has_perm(panel.permission)
    ]
