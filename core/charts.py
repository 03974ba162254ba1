"""Bar charts drawn on the server: geometry for an SVG (no script, no inline style: CSP).

A chart is a list of rows a template draws (``admin/includes/_bar_chart.html``): each bar's
length in the SVG's own units (0 to ``WIDTH``), the number shown beside it and the address it
links to. Sizes are attributes of ``<rect>``, which the content security policy allows, unlike
``style=""``.
"""

from dataclasses import dataclass

WIDTH = 100  # the SVG's viewBox width; a bar of the largest value fills it


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    url: str = ""
    shown: str = ""  # the number as written beside the bar ("120 m² of 400")
    length: float = 0.0  # 0..WIDTH
    of: float = 0.0  # the full bar, when the value is a share of something (capacity)


def bars(rows, *, scale: float | None = None, share: bool = False) -> list[Bar]:
    """Bars for ``rows`` of ``(label, value, url, shown, of)`` (``shown`` and ``of`` optional).

    Lengths are proportional to ``scale`` (by default the largest value, or of the largest
    ``of``); a bar with ``of`` draws its full length behind it, so a share reads as such. With
    ``share``, each bar is measured against its own ``of`` (seats taken of each session's own).
    """
    rows = [tuple(row) + ("", 0)[len(row) - 3 :] if len(row) < 5 else tuple(row) for row in rows]
    top = scale or max([max(row[1], row[4] or 0) for row in rows] or [0])

    def length(value) -> float:
        return round(WIDTH * min(float(value or 0) / float(top), 1), 2) if top else 0.0

    if share:
        return [
            Bar(str(label), value, url, shown or _number(value), _share(value, of), WIDTH)
            for label, value, url, shown, of in rows
        ]
    return [
        Bar(
            label=str(label),
            value=value,
            url=url,
            shown=shown or _number(value),
            length=length(value),
            of=length(of) if of else 0.0,
        )
        for label, value, url, shown, of in rows
    ]


def _share(value, of) -> float:
    return round(WIDTH * min(float(value or 0) / float(of), 1), 2) if of else 0.0


def _number(value) -> str:
    return f"{float(value):g}" if isinstance(value, float) else str(value)
