"""The impact and data quality evidence, with the default static charts, in Debian's Chromium: offline, quiet,
one chart per disparity metric drawn. Interactive charts in the browser: test_interactive_charts.py."""

from __future__ import annotations

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from evidence_checks import pictures
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_evidence_html import load

pytestmark = [pytest.mark.browser, pytest.mark.kernel]


def test_cv_screening_evidence_draws_three_disparity_charts_offline(chromium, demo_root):
    from playwright.sync_api import sync_playwright

    [path] = demo_root.glob("evidence/cv-screening/impact-assessment/*/evidence.html")
    drawn = pictures(load(path).soup)
    assert len(drawn) == 3
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page, visit = open_offline(context, path)
        assert_quiet(visit)
        assert page.evaluate("document.images.length") == 3
        for alt, picture in drawn.items():
            image = page.get_by_role("img", name=alt, exact=True)
            assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [int(picture.get("width")),
                                                                                  int(picture.get("height"))]
            box = image.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
        browser.close()


def test_data_quality_evidence_draws_its_lineage_and_representation_offline(chromium, demo_root):
    from playwright.sync_api import sync_playwright

    [path] = demo_root.glob("evidence/credit-scoring/data-quality/training/*/evidence.html")
    drawn = pictures(load(path).soup)
    assert len(drawn) == 3  # lineage, and representation by age band and by sex
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page, visit = open_offline(browser.new_context(viewport={"width": 1280, "height": 900}), path)
        assert_quiet(visit)
        assert page.evaluate("document.images.length") == 3
        lineage = next(alt for alt in drawn if alt.startswith("Lineage"))
        assert "training (training) from bureau-extract" in lineage
        breaches = page.get_by_role("table", name="Breaches")
        assert "age_band = 55+" in breaches.inner_text() and "income" in breaches.inner_text()
        browser.close()
