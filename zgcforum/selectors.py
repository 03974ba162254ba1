import re

from django.conf import settings

from .legal import DEFAULT_PAGES
from .models import LegalPage

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def retention_days() -> dict[str, int]:
    """The retention periods the privacy notice names, from the settings."""
    return {
        "sensitive_data_days": settings.DELEGATES_PURGE_SENSITIVE_AFTER_DAYS,
        "server_log_days": settings.SERVER_LOG_RETENTION_DAYS,
    }


def legal_page(slug: str) -> dict:
    """The page's title, its text as blocks to render and when it was updated (one query).

    A page missing from the database (a flushed demo) shows its default text.
    """
    page = LegalPage.objects.filter(slug=slug).first() or LegalPage(slug=slug)
    if page.pk is None:
        for field, text in DEFAULT_PAGES[slug].items():
            setattr(page, field, text)
    values = retention_days()
    body = PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), page.body or "")
    return {"page": page, "title": page.title, "blocks": text_blocks(body)}


def text_blocks(text: str) -> list[dict]:
    """Split a page's text into headings, paragraphs and lists: "## " heads a heading, "- " a
    list item, an empty line ends a block. Nothing in the text is taken as HTML."""
    blocks = []
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append({"kind": "heading", "text": lines.pop(0)[3:].strip()})
        items = [line[2:].strip() for line in lines if line.startswith("- ")]
        if lines and len(items) == len(lines):
            blocks.append({"kind": "list", "items": items})
        elif lines:
            blocks.append({"kind": "paragraph", "text": "\n".join(lines)})
    return blocks


def work_queues(request) -> list[dict]:
    """The admin index's queues this user may see: label, count, the filtered list's address.

    One COUNT per queue, whatever the number of rows, through each model admin's own
    ``get_queryset`` (scoped to the user), so the number is the one the linked list shows.
    """
    from django.apps import apps
    from django.contrib import admin
    from django.urls import reverse
    from django.utils.http import urlencode

    from core.registries import work_queues as registered

    rows = []
    for queue in registered.ordered():
        model = apps.get_model(queue.model)
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            continue
        if queue.permission and not request.user.has_perm(queue.permission):
            continue
        queryset = model_admin.get_queryset(request)
        queryset = queue.rows(queryset) if queue.rows else queryset.filter(**queue.params)
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        rows.append(
            {
                "key": queue.key,
                "label": queue.label,
                "count": queryset.count(),
                "url": f"{url}?{urlencode(queue.params)}",
                "model": opts.verbose_name_plural,
            }
        )
    return rows
