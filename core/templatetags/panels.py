"""Panels other apps registered for a page (core.registries), rendered where the page says."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from core.registries import registration_panels as registered

register = template.Library()


@register.simple_tag(takes_context=True)
def registration_panels(context, registration) -> str:
    """The *My registration* panels that have something to say about this registration."""
    request = context["request"]
    parts = []
    for panel in registered.ordered():
        extra = panel.context(request, registration)
        if extra is not None:
            parts.append(render_to_string(panel.template, extra, request=request))
    return mark_safe("".join(parts))  # noqa: S308  (rendered templates, autoescaped)
