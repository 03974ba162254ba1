"""Extension points: what one app offers on another's pages without the other importing it.

Each app fills these in its ``AppConfig.ready()``; the app that shows them reads them. So the
schedule offers "Add to my agenda" without events knowing delegates, and notifications mails a
group of delegates without knowing what a delegate is. Entries are keyed: registering a key again
replaces its entry (a reload, a test), and ``ordered()`` lists them by ``order``, then key.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Registry(dict):
    """Entries by key, filled at start-up."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def register(self, entry) -> None:
        self[entry.key] = entry

    def ordered(self) -> list:
        return sorted(self.values(), key=lambda entry: (getattr(entry, "order", 0), entry.key))


# --- Mail segments: groups of users an announcement can go to (read by notifications) ---------
@dataclass(frozen=True)
class MailSegment:
    key: str
    label: Any
    users: Callable  # (**params) -> QuerySet of accounts.User
    params: dict | None = None


mail_segments = Registry("mail segments")


def register_segment(key: str, label, users: Callable, *, params=None) -> None:
    """Offer ``users(**params)`` as announcement recipients.

    ``params`` maps each parameter name to its choices (``[(value, label), ...]`` or a callable
    returning them, read when the admin form is shown) or to a description of a value the
    organizer types in (a string).
    """
    mail_segments.register(MailSegment(key, label, users, params))


# --- Session actions: buttons on a session's card and page (read by events) ------------------
@dataclass(frozen=True)
class SessionAction:
    """A button about one session, offered by another app (delegates: agenda, RSVP).

    ``url_name`` is reversed with the session's code (``with_code``) or alone; ``post`` actions
    become forms with a CSRF token, others links. Visitors who are not logged in see
    ``login_label`` as a link to the login page (nothing when empty). ``applies(session)`` and
    ``note(session)`` read the session page's ``Session``; cards show only ``on_card`` actions.
    """

    key: str
    label: Any
    url_name: str
    order: int = 0
    post: bool = True
    with_code: bool = True
    on_card: bool = False
    primary: bool = False
    icon: str = ""
    login_label: Any = ""
    next_url_name: str = ""  # after the POST, go there rather than back to the page
    applies: Callable | None = None
    note: Callable | None = None


session_actions = Registry("session actions")


@dataclass(frozen=True)
class SessionViewer:
    """What one app shows a logged-in viewer about each session on a page (their state and the
    one-click forms that can succeed). ``render(request, codes, page=False)`` answers for every
    code of the page at once, ``{code: html}``, in a constant number of queries; ``page`` asks for
    the session page's fuller variant. Shared cached fragments hold none of it: events places it
    into the page for each request (``core.personal.fill``).

    What ``render`` answers may be kept for the viewer until the app says its viewers' parts
    changed (``core.page_cache.viewers_changed``, on every write they read) or until the
    ``Parts.valid_until`` it returns (a reservation deadline passing), whichever comes first."""

    key: str
    render: Callable
    order: int = 0


class Parts(dict):
    """``{code: html}`` from a ``SessionViewer``, true until ``valid_until`` (None: until a
    change)."""

    def __init__(self, parts=(), *, valid_until=None):
        super().__init__(parts)
        self.valid_until = valid_until


session_viewers = Registry("session viewers")


# --- Navbar doors and the landing after login (read by the site's context processor) ---------
@dataclass(frozen=True)
class Door:
    """A navbar link; ``visible(user)`` decides who sees it (everyone when None). ``personal``
    doors (my registration, the portal, the desk) sit on the right, beside the account."""

    key: str
    label: Any
    url_name: str
    order: int = 0
    visible: Callable | None = None
    personal: bool = False


navbar_doors = Registry("navbar doors")


def visible_doors(user, *, personal: bool) -> list[dict]:
    """The doors that ``user`` (None: a visitor) sees, in order, as ``{url, label, key}``; a
    door whose app is not routed is left out."""
    from core.links import route

    items = []
    for door in navbar_doors.ordered():
        if door.personal != personal:
            continue
        if door.visible is not None and not door.visible(user):
            continue
        url = route(door.url_name)
        if url is not None:
            items.append({"url": url, "label": door.label, "key": door.key})
    return items


@dataclass(frozen=True)
class UserFlag:
    """A yes/no fact about a user that doors and landings ask on every page ("has a forum
    registration"): ``expression()`` is an SQL expression over the user row (an ``Exists``).
    accounts' authentication backend adds every flag to the query that loads the request's
    user, so the navbar costs no query of its own."""

    key: str
    expression: Callable


user_flags = Registry("user flags")


def user_flag(user, key: str) -> bool:
    """The flag as loaded with the request's user, else asked now (and kept on the user)."""
    if not getattr(user, "is_authenticated", False):
        return False
    name = f"flag_{key}"
    if not hasattr(user, name):
        rows = type(user)._default_manager.filter(pk=user.pk)
        value = rows.annotate(flag=user_flags[key].expression()).values_list("flag", flat=True)
        setattr(user, name, bool(value.first()))
    return bool(getattr(user, name))


@dataclass(frozen=True)
class Landing:
    """Where a user whom ``applies(user)`` fits goes after login, lowest ``order`` first."""

    key: str
    url_name: str
    applies: Callable
    order: int = 0


landings = Registry("landings")


# --- The organizers' admin index and the exhibitor portal ------------------------------------
@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the admin index: ``template`` rendered for users with ``permission``."""

    key: str
    title: Any
    template: str
    permission: str = ""
    order: int = 0


dashboard_panels = Registry("dashboard panels")


@dataclass(frozen=True)
class PortalTab:
    """A tab of the exhibitor portal's organization page: ``url(organization)``, shown to the
    organization's admins only when ``admins_only``."""

    key: str
    label: Any
    url: Callable
    order: int = 0
    admins_only: bool = False


portal_tabs = Registry("portal tabs")


# --- My registration: panels other apps add to a delegate's own page (read by delegates) ------
@dataclass(frozen=True)
class RegistrationPanel:
    """A section of *My registration*: ``template`` rendered with ``context(request,
    registration)`` (a dict, or None to show nothing), for a registration that is not
    anonymised."""

    key: str
    template: str
    context: Callable
    order: int = 0


registration_panels = Registry("registration panels")


@dataclass(frozen=True)
class WorkQueue:
    """A count of rows awaiting action, first on the admin index, linked to the list of them.

    ``model`` is ``"app_label.ModelName"``, a model registered in the admin; ``params`` the query
    of its changelist that shows the queue (each one a filter the list offers). ``rows(queryset)``
    narrows the admin's rows as that query does; by default ``queryset.filter(**params)``. The
    index counts through the model admin's ``get_queryset``, so a user sees the queue of the rows
    they may see (an event host: their events) and the link shows the same number. Shown to users
    who may view the model in the admin (and hold ``permission``, when given).
    """

    key: str
    label: Any
    model: str
    params: dict
    rows: Callable | None = None
    permission: str = ""
    order: int = 0


work_queues = Registry("work queues")
