"""Checks shared by the tests that read evidence files with the default, static charts."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from bs4 import BeautifulSoup

URL_ATTRIBUTES = ("src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href", "background",
                  "manifest", "ping", "cite", "longdesc", "usemap", "codebase", "archive")
SVG = "{http://www.w3.org/2000/svg}"
SVG_IMAGE = "data:image/svg+xml;base64,"
# the demo's evidence is 16 to 50 KB; the same files with interactive charts carry plotly.js, 4.6 MB
STATIC_EVIDENCE_BYTES = 100_000


def only(root: Path, pattern: str) -> Path:
    found = sorted(root.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def offline(html_file: Path) -> BeautifulSoup:
    """Parse an evidence file, asserting it is small, runs no script, loads nothing and links only inside
    the archive; its only images are its charts (see ``pictures``)."""
    html = html_file.read_text(encoding="utf-8")
    assert len(html.encode()) < STATIC_EVIDENCE_BYTES, f"{html_file}: {len(html.encode())} bytes"
    soup = BeautifulSoup(html, "html.parser")
    assert "<script" not in html.lower() and soup.find_all("script") == [] and soup.find_all("link") == []
    [csp] = soup.find_all("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert "script-src 'none';" in csp["content"] and "img-src data:;" in csp["content"]
    assert soup.find_all(["iframe", "object", "embed", "base", "form", "video", "audio", "source"]) == []
    pictures(soup)
    for tag in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            value = tag.get(name)
            if value is None or str(value).startswith("#"):
                continue
            if str(value).startswith("data:"):
                assert (tag.name, name) == ("img", "src"), f"<{tag.name} {name}={str(value)[:40]!r}>"
                continue
            assert name == "href" and tag.name == "a", f"<{tag.name} {name}={value!r}>"
            assert not re.match(r"^[a-z]+:|^//", str(value)), value
            assert (html_file.parent / str(value)).resolve().is_file(), f"dangling evidence link {value}"
    assert "code_cell" not in html and "from workbench" not in html
    return soup


def pictures(soup: BeautifulSoup) -> dict[str, ET.Element]:
    """The charts of static evidence by their alt text: each ``<img>`` is the run's SVG picture, inside a
    ``<figure class="chart">``, and the picture itself holds no script, handler or outside reference."""
    found = {}
    for img in soup.find_all("img"):
        assert img.parent.name == "figure" and img.parent.get("class") == ["chart"], img.parent
        assert img["src"].startswith(SVG_IMAGE), img["src"][:40]
        svg = base64.b64decode(img["src"][len(SVG_IMAGE):], validate=True).decode()
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.find(f"{SVG}title").text
        for element in root.iter():
            assert element.tag.removeprefix(SVG) not in ("script", "foreignObject", "image", "use", "a", "style")
            assert not [a for a in element.attrib if a.lower().startswith("on") or a.endswith("href")], element.attrib
        assert "url(" not in svg and "<!" not in svg
        assert img.get("alt") and img["alt"] not in found, img.get("alt")
        found[img["alt"]] = root
    return found


def heatmap_cells(picture: ET.Element) -> list[dict[tuple[int, int], list[str]]]:
    """The risk ids in each cell of the inherent and the residual grid of a heatmap picture, by
    (likelihood, impact): read from where each label sits, as a reader sees it."""
    rects = [r for r in picture.iter(f"{SVG}rect") if r.get("width") != "100%"]
    assert len(rects) == 50, len(rects)  # two 5 x 5 grids, inherent first
    grids = []
    for cells in (rects[:25], rects[25:]):
        xs = sorted({float(c.get("x")) for c in cells})
        ys = sorted({float(c.get("y")) for c in cells}, reverse=True)  # likelihood 1 at the bottom
        box = {(ys.index(float(c.get("y"))) + 1, xs.index(float(c.get("x"))) + 1): c for c in cells}
        found: dict[tuple[int, int], list[str]] = {}
        for text in picture.iter(f"{SVG}text"):
            x, y = float(text.get("x")), float(text.get("y"))
            for key, c in box.items():
                left, top = float(c.get("x")), float(c.get("y"))
                if left <= x <= left + float(c.get("width")) and top <= y <= top + float(c.get("height")):
                    found.setdefault(key, []).extend(i for i in text.text.split(", ") if i)
        grids.append(found)
    return grids
