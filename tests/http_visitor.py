"""A visitor that walks a live server over real HTTP: cookies, forms and CSRF as a browser has them.

Forms are read from the page (``html.parser``): what a browser would send (hidden fields, the
CSRF token, checked boxes, selected options, textareas) is sent, with the fields the test sets.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, Request, build_opener


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    checkboxes: dict[str, str] = field(default_factory=dict)  # name -> value, unchecked ones
    selects: dict[str, list[str]] = field(default_factory=dict)  # name -> option values
    text: str = ""  # the form's text (labels, buttons), to pick a form by what it says


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
                else:
                    form.checkboxes.setdefault(name, a.get("value", "on"))
            elif kind in ("submit", "button"):
                form.text += f" {a.get('value', '')} "  # what the button says
            elif kind not in ("file", "image", "reset"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
            form.selects[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.selects[self._select].append(value)
            if "selected" in a:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.fields.append((name, ""))

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            form = self.forms[-1]
            options = form.selects[self._select]
            value = self._select_value if self._select_value is not None else (options or [""])[0]
            form.fields.append((self._select, value))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if not self.forms:
            return
        form = self.forms[-1]
        form.text += data
        if self._textarea:
            name, value = form.fields[-1]
            form.fields[-1] = (name, value + data)


@dataclass
class Page:
    status: int
    url: str
    content: bytes

    @property
    def body(self) -> str:
        return self.content.decode("utf-8", "replace")

    def forms(self) -> list[Form]:
        parser = _Forms()
        parser.feed(self.body)
        return parser.forms

    def form(self, containing: str = "", *, action: str = "") -> Form:
        """The first form whose text or action holds what is asked."""
        for form in self.forms():
            if containing in form.text and action in form.action:
                return form
        raise AssertionError(f"no form with {containing!r} {action!r} on {self.url}")

    def links(self, pattern: str) -> list[str]:
        return re.findall(rf'href="({pattern})"', self.body)


class Visitor:
    """One person's browser: a cookie jar and the pages it was last shown."""

    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.page: Page | None = None

    def _open(self, request: Request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.page = Page(response.status, response.url, response.read())
        except HTTPError as error:
            self.page = Page(error.code, error.url, error.read())
        return self.page

    def get(self, path: str) -> Page:
        return self._open(Request(urljoin(self.base + "/", path.lstrip("/"))))

    def submit(self, form: Form, **values) -> Page:
        """Send a form as a browser would, with ``values`` set (True ticks a box)."""
        data = [(k, v) for k, v in form.fields if k not in values]
        for name, value in values.items():
            if value is True:
                data.append((name, form.checkboxes.get(name, "on")))
            elif isinstance(value, list | tuple):
                data += [(name, str(v)) for v in value]
            elif value is not None and value is not False:
                data.append((name, str(value)))
        url = urljoin(self.page.url, form.action) if form.action else self.page.url
        if form.method == "get":
            return self._open(Request(f"{url.split('?')[0]}?{urlencode(data)}"))
        body = urlencode(data).encode()
        return self._open(Request(url, data=body, headers={"Referer": self.page.url}))

    def log_in(self, email: str, password: str) -> Page:
        page = self.get("/accounts/login/")
        return self.submit(page.form("Password"), username=email, password=password)
