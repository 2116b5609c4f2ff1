"""The system cards in Debian's Chromium, offline: both open without a request or a script error, the
public card's sections are there, and neither scrolls sideways on a phone."""

from __future__ import annotations

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_both_cards_open_offline_and_fit_the_screen(chromium, demo_root, viewport):
    from playwright.sync_api import sync_playwright

    [folder] = (demo_root / "evidence" / "cv-screening" / "system-card").iterdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=viewport)
        page, visit = open_offline(context, folder / "public-card.html")
        assert_quiet(visit)
        assert page.get_by_role("heading", level=1).inner_text() == "CV screening ranker"
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        assert headings[:2] == ["Purpose", "Intended uses"] and "How to raise a concern" in headings
        fairness = page.get_by_role("table", name="Fairness")
        assert "(beyond threshold)" in fairness.inner_text()  # the demo's disparity by sex
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        internal, visit = open_offline(context, folder / "evidence.html")
        assert_quiet(visit)
        assert internal.get_by_role("table", name="Records this card is made from").is_visible()
        link = internal.get_by_role("link", name="public card")
        assert link.get_attribute("href") == "public-card.html"
        link.click()
        internal.wait_for_url("**/public-card.html")
        assert internal.get_by_role("heading", level=1).inner_text() == "CV screening ranker"
        assert internal.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        browser.close()
