from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, get_language_info

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


@register.simple_tag(takes_context=True)
def work_queues(context) -> list[dict]:
    """What awaits this user's action, counted (``zgcforum.selectors.work_queues``)."""
    from zgcforum.selectors import work_queues as queues

    return queues(context["request"])


@register.simple_tag(takes_context=True)
def forum_state(context, name: str):
    """One panel of the forum's state for this user (``zgcforum.dashboard``), or None."""
    from zgcforum.dashboard import PANELS

    return PANELS[name](context["request"])


@register.simple_tag(takes_context=True)
def login_languages(context) -> list[dict]:
    """The admin login page in each language: its code, its own name, and the address to come
    back to, whose ``next`` (where the login leads) is in that language too."""
    request = context["request"]
    current = get_language()
    choices = []
    for code, _name in settings.LANGUAGES:
        query = request.GET.copy()
        next_url = query.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
            query["next"] = translate_url(next_url, code)
        path = translate_url(request.path, code)
        choices.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "next": f"{path}?{query.urlencode()}" if query else path,
                "current": code == current,
            }
        )
    return choices
