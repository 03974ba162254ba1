"""An organization's leads as CSV or XLSX: its own leads, the contact only where consent holds,
every cell safe from spreadsheet formulas."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import lead_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value) -> str:
    """Text a spreadsheet shows as text: a leading ``= + - @`` or tab is quoted (OWASP)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _table(organization) -> list[list[str]]:
    header = [
        _("Scanned at"),
        _("Scanned by"),
        _("Rating"),
        _("Tags"),
        _("Notes"),
        _("Contact shared"),
        _("Name"),
        _("Chinese name"),
        _("Organization"),
        _("Title or position"),
        _("Country or territory"),
        _("E-mail"),
    ]
    rows = [header]
    for row in lead_rows(organization):
        lead, contact = row.lead, row.contact or {}
        rows.append(
            [
                timezone.localtime(lead.scanned_at).strftime("%Y-%m-%d %H:%M"),
                lead.scanned_by.name if lead.scanned_by else "",
                lead.get_rating_display(),
                lead.tags,
                lead.notes,
                _("yes") if row.shared else _("no"),
                contact.get("name", ""),
                contact.get("name_zh", ""),
                contact.get("organization", ""),
                contact.get("title", ""),
                contact.get("country", ""),
                contact.get("email", ""),
            ]
        )
    return [[safe_cell(cell) for cell in r] for r in rows]


def leads_export(organization, fmt: str) -> tuple[bytes, str]:
    table = _table(organization)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(table)
        return ("\ufeff" + out.getvalue()).encode("utf-8"), CONTENT_TYPES["csv"]  # BOM: Excel
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Leads")[:31]
    for r in table:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), CONTENT_TYPES["xlsx"]
