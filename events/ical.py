"""A lean RFC 5545 writer for the schedule's exports: content lines written as text, escaped and
folded here, instead of a tree of ``icalendar`` components serialized property by property
(``icalendar``'s ``to_ical`` took most of a whole-forum export's time).

Only what the exports write: TEXT values (RFC 5545 §3.3.11 escaping), DATE-TIME values in UTC or
in a named zone, and the zone's VTIMEZONE, which ``icalendar`` still works out from the zone
database. Lines are folded at 75 octets (§3.1) as ``icalendar`` folds them, so the output is the
same as the one ``tests/events/ical_oracle.py`` builds with ``icalendar``.
"""

import re
from datetime import datetime
from functools import lru_cache

import icalendar

CRLF = b"\r\n"
FOLD = b"\r\n "
LIMIT = 75  # octets of a content line, the line break excluded (RFC 5545 §3.1)
_BACKSLASH, _CARET = 0x5C, 0x5E  # never split from what they escape


_ESCAPED = re.compile(r"[\\;,\r\n]")


def text(value: str) -> str:
    """A TEXT value escaped (§3.3.11): backslash, semicolon, comma; any line break as ``\\n``."""
    if _ESCAPED.search(value) is None:  # most titles and names: nothing to escape
        return value
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: bytes) -> bytes:
    """``line`` (UTF-8, no line break) folded into pieces of at most 74 octets, continuation
    lines led by a space; never inside a character's bytes nor right after a backslash."""
    if len(line) < LIMIT:
        return line
    pieces = []
    start, end = 0, len(line)
    while end - start >= LIMIT:
        cut = start + LIMIT - 1
        while line[cut] & 0xC0 == 0x80:  # a continuation byte: back to the character's start
            cut -= 1
        if line[cut - 1] in (_BACKSLASH, _CARET) and cut - 1 > start:
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return FOLD.join(pieces)


def folded(content: str) -> str:
    """``fold`` of a content line given as text (CRLF and a space inside where it is folded):
    most lines are short and ASCII, and pass as they are."""
    if len(content) < LIMIT and content.isascii():
        return content
    return fold(content.encode()).decode()


def utc(moment: datetime) -> str:
    """A DATE-TIME in UTC (form 2), e.g. ``20210830T010000Z``."""
    return moment.strftime("%Y%m%dT%H%M%SZ")


def local(moment: datetime) -> str:
    """A DATE-TIME with a TZID parameter (form 3): the wall time, e.g. ``20210924T090000``."""
    return moment.strftime("%Y%m%dT%H%M%S")


@lru_cache(maxsize=8)
def _timezone(tzid: str) -> icalendar.Timezone:
    """The zone's VTIMEZONE component, worked out once per process (it scans the zone's
    transitions); serialized on every export."""
    return icalendar.Timezone.from_tzid(tzid)


def vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of ``tzid`` as content lines, each ending in CRLF: written here from the
    component's values (each value's own ``to_ical``), as ``icalendar``'s ``to_ical`` writes
    them (its content-line machinery took an eighth of a personal feed); a property with
    parameters, which the zones' components do not have, is left to ``icalendar``."""
    component = _timezone(tzid)
    lines = []
    for name, value in component.property_items():
        if isinstance(value, bytes):  # BEGIN and END of the component and its parts
            lines.append(f"{name}:{value.decode()}")
        elif getattr(value, "params", None):
            return component.to_ical()
        else:
            written = value.to_ical()
            written = written.decode() if isinstance(written, bytes) else written
            lines.append(folded(f"{name}:{written}"))
    return ("\r\n".join(lines) + "\r\n").encode()


class Writer:
    """Content lines, each folded and ended with CRLF; ``bytes(writer)`` is the object (encoded
    once, at the end)."""

    def __init__(self):
        self.lines: list[str] = []

    def line(self, content: str) -> None:
        """One content line, ``NAME[;PARAM=…]:value``, its value already escaped."""
        self.lines.append(folded(content))

    def lines_folded(self, block: str) -> None:
        """Content lines already folded (by ``folded``), joined by CRLF, without a last CRLF."""
        self.lines.append(block)

    def raw(self, block: bytes) -> None:
        """Content lines already written (each ending in CRLF), e.g. a VTIMEZONE."""
        self.lines.append(block.decode().removesuffix("\r\n"))

    def __bytes__(self) -> bytes:
        return ("\r\n".join(self.lines) + "\r\n").encode()
