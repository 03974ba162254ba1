"""The country and territory list delegates choose from, as the organizers want it shown."""

from django.utils.translation import gettext_lazy as _
from django_countries import Countries


class ForumCountries(Countries):
    """China and its special administrative regions first, under the forum's names."""

    first = ["CN", "HK", "MO"]
    first_break = "──────────"
    override = {
        "HK": _("Hong Kong, China"),
        "MO": _("Macao, China"),
        "TW": _("Taiwan, China"),
    }


forum_countries = ForumCountries()
