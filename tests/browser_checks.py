"""Evidence files in Debian's Chromium: every request other than the file itself is recorded and aborted."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# static charts are images: drawn once every one of them has decoded
IMAGES_DRAWN = "[...document.images].every(image => image.complete && image.naturalWidth > 0)"


@dataclass
class Visit:
    """What happened while a page was open."""

    url: str
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def open_offline(context, path: Path, ready: str | None = IMAGES_DRAWN, timeout: int = 30_000):
    """Open a local file in ``context`` letting only file:// through, then wait until the JavaScript
    expression ``ready`` holds; returns (page, visit)."""
    page = context.new_page()
    visit = Visit(path.resolve().as_uri())
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: visit.page_errors.append(str(err)))

    def on_dialog(dialog):
        visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            visit.aborted.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(visit.url, wait_until="load")
    if ready:
        # as a function: Playwright polls a bare expression with eval, which the evidence's CSP refuses
        page.wait_for_function(f"() => {ready}", timeout=timeout)
    return page, visit


def assert_quiet(visit: Visit) -> None:
    assert [u for u in visit.requests if not u.startswith("file://")] == []
    assert visit.aborted == []
    assert visit.requests == [visit.url], visit.requests  # the file itself, nothing else
    assert visit.console_errors == []
    assert visit.page_errors == []
    assert visit.dialogs == []
