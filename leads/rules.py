"""Who may scan for an organization: its members (admins and staff)."""

import rules

from exhibitors.rules import is_member

rules.add_perm("leads.capture", is_member)
