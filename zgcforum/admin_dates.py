"""A date hierarchy's year beyond what a date can hold is a bad filter, not a 500.

Django's changelist turns ``?submitted_at__year=abc`` into "invalid lookup" (a redirect with
``?e=1``) but lets ``OverflowError`` through for a 40-digit year (``datetime(int(year), …)``),
in every changelist with a ``date_hierarchy``, ours and django-axes'. The changelist's filters
raise ``IncorrectLookupParameters`` for it too, as for any value they cannot read.
"""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

_get_filters = ChangeList.get_filters


def get_filters(self, request):
    try:
        return _get_filters(self, request)
    except OverflowError as exc:
        raise IncorrectLookupParameters(exc) from exc


ChangeList.get_filters = get_filters
