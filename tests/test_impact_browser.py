"""The impact assessment evidence in Debian's Chromium: offline, quiet, one chart per disparity
metric with its threshold line drawn."""

from __future__ import annotations

import pytest
from test_evidence_browser import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.kernel]


def test_cv_screening_evidence_draws_three_charts_with_thresholds_offline(chromium, demo_root):
    from playwright.sync_api import sync_playwright

    path = sorted(demo_root.glob("evidence/cv-screening/impact-assessment/*/evidence.html"))[0]
    requests, errors = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                   else route.abort())
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_function("document.querySelectorAll('.plotly-graph-div .barlayer .point').length >= 6",
                               timeout=30_000)
        charts = page.locator(".plotly-graph-div")
        assert charts.count() == 3
        for i in range(3):
            chart = charts.nth(i)
            assert chart.locator(".barlayer .point").count() == 2  # sex and age_band
            assert chart.locator(".shapelayer path").count() == 1  # the threshold
            assert "threshold" in chart.locator(".annotation-text").text_content()
        browser.close()
    assert requests == [path.resolve().as_uri()]
    assert errors == []
