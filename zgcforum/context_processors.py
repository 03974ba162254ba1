from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import gettext_lazy as _

# Shown in the navbar when the app that owns the URL is installed and routed.
NAV_ITEMS = [
    ("events:schedule", _("Schedule")),
    ("events:speakers", _("Speakers")),
    ("exhibitors:directory", _("Exhibitors")),
    ("delegates:register", _("Delegates")),
]


def _nav_items():
    items = []
    for name, label in NAV_ITEMS:
        try:
            items.append({"url": reverse(name), "label": label})
        except NoReverseMatch:
            continue
    return items


def site(request):
    """Values every page template may use: navbar links and the same page in each language."""
    path = request.get_full_path()
    return {
        "DEBUG": settings.DEBUG,
        "nav_items": _nav_items(),
        "language_links": [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES],
    }
