"""Reads: a delegate's own request, a reference's verification, the statistics."""

from django.db.models import Count

from core.countries import forum_positions

from .models import LetterRequest


def request_of(registration) -> LetterRequest | None:
    return LetterRequest.objects.filter(registration_id=registration.pk).first()


def verification(reference: str) -> dict:
    """What the public page may say about a reference: no name, no passport data.

    ``state`` is "valid", "purged" (issued; data deleted since) or "invalid" (unknown, not
    issued, revoked).
    """
    row = (
        LetterRequest.objects.filter(reference=reference.strip().upper()[:20])
        .only(
            "reference",
            "status",
            "initials",
            "entry_on",
            "exit_on",
            "issued_on",
            "data_purged_at",
            "revoked_at",
        )
        .first()
    )
    if row is None or row.issued_on is None or row.status != LetterRequest.Status.APPROVED:
        return {"state": "invalid", "letter": row if row and row.revoked_at else None}
    return {"state": "purged" if row.is_purged else "valid", "letter": row}


def statistics() -> dict:
    """Requests by status, and by nationality and status: counts only."""
    statuses = list(LetterRequest.Status)
    by_status = dict(LetterRequest.objects.values_list("status").annotate(n=Count("pk")).order_by())
    cells = (
        LetterRequest.objects.values_list("nationality", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows: dict[str, dict[str, int]] = {}
    for code, status, n in cells:
        rows.setdefault(code, {})[status] = n
    positions = forum_positions()
    from core.countries import country_name

    nationalities = [
        {
            "code": code,
            "name": country_name(code),
            "counts": [counts.get(s.value, 0) for s in statuses],
            "total": sum(counts.values()),
        }
        for code, counts in sorted(rows.items(), key=lambda item: positions.get(item[0], 999))
    ]
    return {
        "statuses": [
            {"value": s.value, "label": s.label, "count": by_status.get(s.value, 0)}
            for s in statuses
        ],
        "total": sum(by_status.values()),
        "nationalities": nationalities,
    }
