"""Extension points of the exhibition: other apps connect receivers; exhibitors imports none.

``staff_joined`` is sent after the commit of an accepted invitation (``accept_invitation``), so a
receiver reads the new membership. Arguments: ``organization``, ``membership``. Delegates answers
with a registration of the exhibitor-staff category and its badge, within the allowance.
"""

from django.dispatch import Signal

staff_joined = Signal()  # sender=Organization, organization=Organization, membership=Membership
