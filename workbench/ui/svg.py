"""Static SVG drawing for evidence charts: a canvas of a few primitives, every text escaped.

The charts of a run are drawn as SVG in the template's kernel, next to their interactive plotly
figures, so evidence shows them as images that need no script and no browser to make. The same
data always gives the same bytes. Elements are :class:`~markupsafe.Markup` built with
``Markup.format``, which escapes every value for XML text and attributes, quotes included.
"""

from __future__ import annotations

import math

from markupsafe import Markup

FONT = "Helvetica, Arial, sans-serif"
INK, MUTED, GRID = "#1f2328", "#4a5560", "#e3e7eb"


def num(value: float) -> str:
    """A coordinate with at most one decimal, without a trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """An estimate of the width of ``text`` in the chart font, for layout."""
    return 0.52 * size * len(text)


def luminance(colour: str) -> float:
    """Relative lightness (0 to 1) of a ``#rrggbb`` colour, to choose readable text on it."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def wrap(text: str, width: float, size: float, max_lines: int = 4) -> list[str]:
    """Break ``text`` at spaces into lines that fit ``width``; the last line says what was left out."""
    per_line = max(1, int(width / (0.52 * size)))
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= per_line or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        rest = len(" ".join(lines[max_lines - 1:]).split())
        lines = lines[:max_lines - 1] + [f"… +{rest} more"]
    return [line[:per_line + 1] for line in lines]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from ``low`` to at least ``high`` (steps of 1, 2 or 5 times a power of ten)."""
    span = (high - low) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


class Scale:
    """A linear map from data values to pixels."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


class Canvas:
    """An SVG picture built from rectangles, lines and text; :meth:`svg` returns the document.

    Parameters
    ----------
    width, height : int
        Size in pixels.
    title : str
        What the picture shows, in words: the SVG's ``<title>`` and ``aria-label``.
    """

    def __init__(self, width: int, height: int, title: str):
        self.width, self.height, self.title = width, height, title
        self.parts: list[Markup] = []

    def rect(self, x: float, y: float, width: float, height: float, fill: str, stroke: str = "") -> None:
        outline = Markup(' stroke="{}"').format(stroke) if stroke else ""
        self.parts.append(Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"{}/>').format(
            num(x), num(y), num(max(width, 0)), num(max(height, 0)), fill, outline))

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK, width: float = 1,
             dashed: bool = False) -> None:
        dash = Markup(' stroke-dasharray="6 4"') if dashed else ""
        self.parts.append(Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}/>').format(
            num(x1), num(y1), num(x2), num(y2), stroke, num(width), dash))

    def text(self, x: float, y: float, value: object, size: float = 12, anchor: str = "start",
             fill: str = INK, bold: bool = False, rotate: bool = False) -> None:
        """Text with its baseline at ``y``; ``rotate`` turns it to read upwards."""
        weight = Markup(' font-weight="600"') if bold else ""
        turn = Markup(' transform="rotate(-90 {} {})"').format(num(x), num(y)) if rotate else ""
        self.parts.append(Markup('<text x="{}" y="{}" font-size="{}" text-anchor="{}" fill="{}"{}{}>{}</text>').format(
            num(x), num(y), num(size), anchor, fill, weight, turn, value))

    def lines(self, x: float, y: float, lines: list[str], size: float = 12, anchor: str = "middle",
              fill: str = INK) -> None:
        """Several lines of text centred vertically on ``y``."""
        top = y - (len(lines) - 1) * size * 0.6 + size * 0.35
        for i, line in enumerate(lines):
            self.text(x, top + i * size * 1.2, line, size=size, anchor=anchor, fill=fill)

    def svg(self) -> Markup:
        return Markup('<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                      'viewBox="0 0 {width} {height}" role="img" aria-label="{title}" font-family="{font}">'
                      '<title>{title}</title><rect width="100%" height="100%" fill="white"/>{parts}</svg>').format(
            width=self.width, height=self.height, title=self.title, font=FONT, parts=Markup().join(self.parts))


def bars(title: str, labels: list[str], values: list[int], colours: list[str]) -> Markup:
    """A small horizontal bar chart as inline SVG, its numbers in its title for screen readers."""
    width, row, left = 420, 26, 150
    peak = max(values + [1])
    summary = ", ".join(f"{label}: {value}" for label, value in zip(labels, values))
    canvas = Canvas(width, row * len(labels) + 36, f"{title}: {summary}")
    canvas.text(0, 16, title, size=14, bold=True)
    for i, (label, value, colour) in enumerate(zip(labels, values, colours)):
        y = 28 + i * row
        length = (width - left - 50) * value / peak
        canvas.text(left - 8, y + 15, label, size=13, anchor="end")
        canvas.rect(left, y, length, row - 8, colour)
        canvas.text(left + length + 6, y + 15, value, size=13)
    return canvas.svg()
