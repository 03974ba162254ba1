"""The viewer's parts of shared pages, placed into the shared HTML for each request.

A programme page is the same for every viewer but for a few marked parts:

- each session's part, ``<!--v:<code>-->…<!--/v-->`` (``:page`` after the code on the session
  page): a visitor's login links, replaced for a logged-in viewer by what the apps registered in
  ``core.registries.session_viewers`` render for all the page's codes at once (their state and
  one-click forms);
- the frame's parts, ``<!--f:<name>-->…<!--/f-->``, written only when the page is rendered as a
  shell for logged-in viewers (``request.personal_shell``, see ``core.page_cache``): the doors
  the user sees, their account links (with the CSRF token of the logout form) and their
  messages (``core.templatetags.frame.personal_parts``).

So one rendering of a page serves every logged-in viewer: ``fill`` fills it per request.
"""

import re

from core.registries import Parts, session_viewers

MARK = re.compile(r"<!--([vf]):([\w-]+)(:page)?-->.*?<!--/\1-->", re.S)


def mark(code: str, html: str, *, page: bool = False) -> str:
    """``html`` as the visitor's part of session ``code``, replaceable per viewer."""
    return f"<!--v:{code}{':page' if page else ''}-->{html}<!--/v-->"


def frame_mark(name: str) -> str:
    """The place of the frame's part ``name`` in a shell (filled by ``fill``)."""
    return f"<!--f:{name}--><!--/f-->"


def split(html: str) -> list[str]:
    """``html`` cut at its marks: the text before the first mark, then for each mark its kind,
    name and page flag (``":page"`` or ``""``) and the text after it (what ``fill`` takes)."""
    return [piece or "" for piece in MARK.split(html)]


def fill(request, pieces: list[str], *, keep=None) -> str:
    """The page of ``pieces`` (``split``) with each mark replaced by the logged-in viewer's
    part: one answer per app for all the page's sessions. ``keep``: where the viewer's session
    parts may be kept (``core.page_cache.Keep``, see ``viewer_parts``)."""
    if len(pieces) == 1:
        return pieces[0]
    pieces = list(pieces)
    marks = list(zip(pieces[1::4], pieces[2::4], pieces[3::4], strict=True))
    parts: dict[tuple[str, str, bool], str] = {}
    if any(kind == "f" for kind, _name, _page in marks):
        from core.templatetags.frame import personal_parts

        parts |= {("f", name, False): part for name, part in personal_parts(request).items()}
    cards = list(dict.fromkeys(name for kind, name, page in marks if kind == "v" and not page))
    pages = list(dict.fromkeys(name for kind, name, page in marks if kind == "v" and page))
    if cards or pages:
        from core.page_cache import viewer_parts

        parts |= viewer_parts(keep, lambda: _session_parts(request, cards, pages))
    keys = [(kind, name, bool(page)) for kind, name, page in marks]
    pieces[1::4] = [parts.get(key, "") for key in keys]
    pieces[2::4] = pieces[3::4] = [""] * len(marks)
    return "".join(pieces)


def _session_parts(request, cards, pages) -> Parts:
    """Every registered app's parts of these sessions for the viewer, and until when they hold."""
    parts, until = Parts(), []
    for viewer in session_viewers.ordered():
        for codes, page in ((cards, False), (pages, True)):
            if codes:
                answer = viewer.render(request, codes, page=page)
                until.append(getattr(answer, "valid_until", None))
                for code, part in answer.items():
                    key = ("v", code, page)
                    parts[key] = parts.get(key, "") + part
    parts.valid_until = min((moment for moment in until if moment is not None), default=None)
    return parts
