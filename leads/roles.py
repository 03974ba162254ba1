"""Groups that see lead capture: the exhibition team reads counts (no contacts)."""

ROLES = {
    "exhibition team": ["leads.view_lead_statistics", "leads.view_lead"],
    "accreditation desk": ["leads.view_lead_statistics"],
}
