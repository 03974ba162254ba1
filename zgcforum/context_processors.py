from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url

from core.registries import navbar_doors


def _nav_items(user, *, personal: bool) -> list[dict]:
    """The doors the apps registered that this user sees, in order; a door whose app is not
    routed is left out."""
    items = []
    for door in navbar_doors.ordered():
        if door.personal != personal:
            continue
        if door.visible is not None and not door.visible(user):
            continue
        try:
            items.append({"url": reverse(door.url_name), "label": door.label, "key": door.key})
        except NoReverseMatch:
            continue
    return items


def site(request):
    """Values every page template may use: navbar links, the same page in each language and the
    filing numbers the footer shows when set."""
    path = request.get_full_path()
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    return {
        "nav_items": _nav_items(user, personal=False),
        "personal_nav_items": _nav_items(user, personal=True) if user else [],
        "language_links": [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES],
        "filings": {"icp": settings.ICP_FILING, "public_security": settings.PUBLIC_SECURITY_FILING},
    }
