"""The admin index's panels on the forum's state: one selector each, a fixed number of queries.

Every number is counted through the model admin's own ``get_queryset`` (scoped to the user, as
the work queues are) and links to the changelist whose filters show the same rows; a panel whose
list the user may not see is left out (``None``). Charts are ``core.charts`` bars.
"""

from django.apps import apps
from django.contrib import admin
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.charts import bars
from core.countries import ForumCountries

TOP = 8  # rows of a "top" list (countries, fullest sessions)


def _list(request, label: str):
    """The admin's rows of ``label`` this user sees and its changelist's address, or None."""
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        return None, ""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    # No ordering: the counts below group by what they name only.
    return model_admin.get_queryset(request).order_by(), url


def _link(url: str, **params) -> str:
    return f"{url}?{urlencode(params)}" if params else url


def programme(request) -> dict | None:
    """Sessions held and cancelled, per programme section, and each forum's released version."""
    from events.models import Forum, Section

    sessions, url = _list(request, "events.Session")
    if sessions is None:
        return None
    per_section = {
        row["event__section"]: row
        for row in sessions.values("event__section").annotate(
            held=Count("pk", filter=Q(is_cancelled=False)),
            cancelled=Count("pk", filter=Q(is_cancelled=True)),
        )
    }
    names = Section.objects.in_bulk(list(per_section))
    held = sum(row["held"] for row in per_section.values())
    cancelled = sum(row["cancelled"] for row in per_section.values())
    chart = bars(
        (
            names[pk].name,
            row["held"],
            _link(url, event__section__id__exact=pk, is_cancelled__exact=0),
        )
        for pk, row in sorted(per_section.items(), key=lambda item: -item[1]["held"])
        if pk in names
    )
    forums = list(Forum.objects.order_by("-pk").values("pk", "name", "release_number")[:3])
    return {
        "held": held,
        "held_url": _link(url, is_cancelled__exact=0),
        "cancelled": cancelled,
        "cancelled_url": _link(url, is_cancelled__exact=1),
        "chart": chart,
        "forums": forums,
    }


def exhibition(request) -> dict | None:
    """Per exhibition section: applications awaiting review, approved, waitlisted, and the
    approved floor area against the section's capacity."""
    from exhibitors.models import Application, ExhibitionSection

    applications, url = _list(request, "exhibitors.Application")
    if applications is None:
        return None
    s = Application.Status
    counts = {
        row["section"]: row
        for row in applications.values("section").annotate(
            submitted=Count("pk", filter=Q(status=s.SUBMITTED)),
            approved=Count("pk", filter=Q(status=s.APPROVED)),
            waitlisted=Count("pk", filter=Q(status=s.WAITLISTED)),
            m2=Sum("area_m2", filter=Q(status=s.APPROVED)),
        )
    }
    rows = []
    for section in ExhibitionSection.objects.all():
        row = counts.get(section.pk, {})
        m2 = float(row.get("m2") or 0)

        def link(status, pk=section.pk):
            return _link(url, section__id__exact=pk, status__exact=status)

        rows.append(
            {
                "name": section.name,
                "submitted": row.get("submitted", 0),
                "submitted_url": link(s.SUBMITTED),
                "approved": row.get("approved", 0),
                "approved_url": link(s.APPROVED),
                "waitlisted": row.get("waitlisted", 0),
                "waitlisted_url": link(s.WAITLISTED),
                "m2": m2,
                "capacity": section.capacity_m2,
            }
        )
    chart = bars(
        (
            row["name"],
            row["m2"],
            row["approved_url"],
            _("%(m2)s of %(capacity)s m²") % {"m2": f"{row['m2']:g}", "capacity": row["capacity"]},
            row["capacity"],
        )
        for row in rows
    )
    return {"sections": rows, "chart": chart}


def delegates(request) -> dict | None:
    """Approved delegates by category and the countries most of them come from."""
    from delegates.models import Category, Registration

    registrations, url = _list(request, "delegates.Registration")
    if registrations is None:
        return None
    approved = registrations.filter(status=Registration.Status.APPROVED)
    by_category = list(approved.values("category").annotate(n=Count("pk")).order_by("-n"))
    names = Category.objects.in_bulk([row["category"] for row in by_category])
    status = Registration.Status.APPROVED
    categories = bars(
        (
            names[row["category"]].name,
            row["n"],
            _link(url, category__id__exact=row["category"], status__exact=status),
        )
        for row in by_category
        if row["category"] in names
    )
    by_country = approved.values("country").annotate(n=Count("pk")).order_by("-n", "country")
    country_names = ForumCountries()
    countries = bars(
        (
            country_names.name(row["country"]) or row["country"],
            row["n"],
            _link(url, country__exact=row["country"], status__exact=status),
        )
        for row in by_country[:TOP]
        if row["country"]
    )
    return {
        "approved": sum(row["n"] for row in by_category),
        "approved_url": _link(url, status__exact=status),
        "categories": categories,
        "countries": countries,
    }


def fullest_sessions(request) -> dict | None:
    """The sessions whose seats are most taken (confirmed RSVPs against capacity)."""
    seats, url = _list(request, "delegates.SessionSeats")
    if seats is None:
        return None
    fullest = (
        seats.filter(capacity__gt=0, is_cancelled=False)
        .annotate(fill=Cast(F("confirmed"), FloatField()) / F("capacity"))
        .order_by("-fill", "starts_at", "pk")[:TOP]
    )
    chart = bars(
        [
            (
                session.title,
                session.confirmed,
                reverse("admin:delegates_sessionseats_change", args=[session.pk]),
                _("%(confirmed)s of %(capacity)s seats (%(waitlisted)s waiting)")
                % {
                    "confirmed": session.confirmed,
                    "capacity": session.capacity,
                    "waitlisted": session.waitlisted,
                },
                session.capacity,
            )
            for session in fullest
        ],
        share=True,
    )
    return {"chart": chart, "url": url}


def checkins_today(request) -> dict | None:
    """Check-ins since midnight in the forum's time zone."""
    checkins, url = _list(request, "delegates.CheckIn")
    if checkins is None:
        return None
    today = timezone.localdate()
    rows = checkins.filter(created_at__date=today)
    day = {
        "created_at__year": today.year,
        "created_at__month": today.month,
        "created_at__day": today.day,
    }
    return {"count": rows.count(), "url": _link(url, **day), "today": today}


def outbox(request) -> dict | None:
    """Mails by status: the outbox's health at a glance."""
    from notifications.models import OutboundMessage

    messages, url = _list(request, "notifications.OutboundMessage")
    if messages is None:
        return None
    counts = dict(messages.values_list("status").annotate(n=Count("pk")))
    rows = [
        {
            "status": status.label,
            "key": status.value,
            "count": counts.get(status.value, 0),
            "url": _link(url, status__exact=status.value),
        }
        for status in OutboundMessage.Status
    ]
    return {"rows": rows}


PANELS = {
    "programme": programme,
    "exhibition": exhibition,
    "delegates": delegates,
    "fullest": fullest_sessions,
    "checkins": checkins_today,
    "outbox": outbox,
}
