"""Checks shared by the tests that read evidence files of organisation-wide processes."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

URL_ATTRIBUTES = ("src", "href", "action", "formaction", "srcset", "poster", "data", "xlink:href")


def only(root: Path, pattern: str) -> Path:
    found = sorted(root.glob(pattern))
    assert len(found) == 1, found
    return found[0]


def offline(html_file: Path) -> BeautifulSoup:
    """Parse an evidence file, asserting it loads nothing and links only inside the archive."""
    html = html_file.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find_all("script", src=True) == [] and soup.find_all("link") == []
    assert soup.find_all(["iframe", "object", "embed", "base", "img", "form"]) == []
    for tag in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            value = tag.get(name)
            if value is None or str(value).startswith(("#", "data:")):
                continue
            assert name == "href" and tag.name == "a", f"<{tag.name} {name}={value!r}>"
            assert not re.match(r"^[a-z]+:|^//", str(value)), value
            assert (html_file.parent / str(value)).resolve().is_file(), f"dangling evidence link {value}"
    assert "code_cell" not in html and "from workbench" not in html
    return soup
