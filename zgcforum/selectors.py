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


def recent_changes(*, model: str = "", limit: int = 50) -> dict:
    """The latest ``limit`` history rows across every model with history, newest first, each
    with its changes as (field, old, new) against the row before it.

    At most two queries per history model (its latest rows with their authors; the rows before
    them), whatever ``limit`` is. ``model`` ("app_label.model_name") narrows to one model.
    """
    sources = _history_sources()
    chosen = [s for s in sources if not model or s["key"] == model]
    rows = []
    for source in chosen:
        history = source["history"]
        latest = list(
            history.objects.select_related("history_user").order_by("-history_date", "-pk")[:limit]
        )
        rows += [(record, source) for record in latest]
    # The rows before them, for every model's latest rows (not only those the merge keeps): one
    # query per model with history rows, however many of its rows make the page.
    previous = _previous_records(rows)
    rows.sort(key=lambda row: (row[0].history_date, row[0].pk), reverse=True)
    rows = rows[:limit]
    changes = []
    for record, source in rows:
        before = previous.get((source["key"], record.pk))
        changes.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "kind": record.get_history_type_display(),
                "type": record.history_type,
                "model": source["label"],
                "object": f"{source['label']} #{record.id}",
                "url": source["history_url"].replace("/0/", f"/{record.id}/", 1),
                "fields": _delta(source["fields"], before, record),
            }
        )
    return {
        "changes": changes,
        "models": [(s["key"], s["label"]) for s in sources],
        "model": model if any(s["key"] == model for s in sources) else "",
    }


def _history_sources() -> list[dict]:
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse
    from simple_history.models import registered_models

    sources = []
    for model in registered_models.values():
        opts = model._meta
        history = getattr(model, opts.simple_history_manager_attribute).model
        try:
            history_url = (
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[0])
                if model in admin.site._registry
                else ""
            )
        except NoReverseMatch:
            history_url = ""
        tracked = {f.name for f in history.tracked_fields}
        fields = [
            (f.attname, str(f.verbose_name))
            for f in opts.concrete_fields
            if f.name in tracked and f.editable and not f.primary_key
        ]
        sources.append(
            {
                "key": f"{opts.app_label}.{opts.model_name}",
                "label": str(opts.verbose_name),
                "history": history,
                "history_url": history_url,
                "fields": fields,
            }
        )
    sources.sort(key=lambda s: s["key"])
    return sources


def _previous_records(rows) -> dict:
    """(model key, history pk) → the history row just before it for the same object."""
    by_source: dict[str, tuple] = {}
    for record, source in rows:
        entry = by_source.setdefault(source["key"], (source, set(), []))
        entry[1].add(record.id)
        entry[2].append(record)
    previous = {}
    for key, (source, ids, records) in by_source.items():
        pk_name = source["history"]._meta.pk.attname
        earlier = (
            source["history"]
            .objects.filter(id__in=ids, **{f"{pk_name}__lt": max(r.pk for r in records)})
            .order_by("id", pk_name)
        )
        per_object: dict = {}
        for row in earlier:
            per_object.setdefault(row.id, []).append(row)
        for record in records:
            before = [r for r in per_object.get(record.id, []) if r.pk < record.pk]
            if before:
                previous[(key, record.pk)] = before[-1]
    return previous


def _delta(fields, before, after) -> list[dict]:
    if after.history_type != "~" or before is None:
        return []
    return [
        {"field": label, "old": getattr(before, attname), "new": getattr(after, attname)}
        for attname, label in fields
        if getattr(before, attname) != getattr(after, attname)
    ]
