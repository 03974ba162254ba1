"""The per-viewer part of programme pages, placed into shared HTML for each request.

Cards and the session page's actions are rendered once for everyone (cached, no CSRF token, no
user) with each session's visitor part between ``<!--v:<code>-->`` and ``<!--/v-->``. For a
logged-in viewer the apps registered in ``core.registries.session_viewers`` answer for all the
page's codes at once and their HTML replaces those parts; a code no app answers for shows nothing.
"""

import re

from core.registries import session_viewers

MARK = re.compile(r"<!--v:([\w-]+)(:page)?-->.*?<!--/v-->", re.S)


def mark(code: str, html: str, *, page: bool = False) -> str:
    """``html`` as the visitor's part of session ``code``, replaceable per viewer."""
    return f"<!--v:{code}{':page' if page else ''}-->{html}<!--/v-->"


def personalise(request, html: str) -> str:
    """``html`` with each marked part replaced by what the viewer is shown (visitors: as is).

    One pass of the pattern (``split``: the text between marks, then each mark's code and
    page flag), half the time of finding the marks and substituting them in a second pass.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return html
    pieces = MARK.split(html)
    if len(pieces) == 1:
        return html
    marks = [(code, bool(page)) for code, page in zip(pieces[1::3], pieces[2::3], strict=True)]
    cards = list(dict.fromkeys(code for code, page in marks if not page))
    pages = list(dict.fromkeys(code for code, page in marks if page))
    parts: dict[tuple[str, bool], str] = {}
    for viewer in session_viewers.ordered():
        for codes, page in ((cards, False), (pages, True)):
            if codes:
                for code, part in viewer.render(request, codes, page=page).items():
                    parts[code, page] = parts.get((code, page), "") + part
    pieces[1::3] = [parts.get(key, "") for key in marks]
    pieces[2::3] = [""] * len(marks)
    return "".join(pieces)


def personal_response(request, response):
    """A rendered page's marked parts replaced for its viewer (see ``personalise``)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and response.status_code == 200:
        response.content = personalise(request, response.content.decode())
    return response
