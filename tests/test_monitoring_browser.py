"""The demo's monitoring evidence, with the default static charts, in Debian's Chromium: offline and
quiet, each chart drawn at its size, the last month beside the five before it."""

from __future__ import annotations

import json

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from evidence_checks import pictures
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_evidence_html import load

pytestmark = [pytest.mark.browser, pytest.mark.kernel]


def test_the_last_month_charts_its_history_and_its_drift_offline(chromium, demo_root):
    from playwright.sync_api import sync_playwright

    records = sorted(demo_root.glob("evidence/credit-scoring/monitoring/*/results.json"))
    assert len(records) == 6
    last = max(records, key=lambda p: json.loads(p.read_text())["results"]["period_start"])
    results = json.loads(last.read_text())["results"]
    assert [p["period"] for p in results["history"]] == sorted(p["period"] for p in results["history"])
    assert len(results["history"]) == 6
    unstable = [d["column"] for d in results["drift"] if d["status"] != "stable"]
    assert "loan_amount" in unstable and "score" in unstable
    path = last.with_name("evidence.html")
    drawn = pictures(load(path).soup)
    expected = ({"Accuracy by period", "ROC AUC by period", "PSI of each column by period"}
                | {f"{m} by period" for m in ("Demographic parity difference", "Demographic parity ratio",
                                              "Equalized odds difference")}
                | {f"Share of rows per bin of {c}" for c in unstable})
    assert set(drawn) == expected
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page, visit = open_offline(browser.new_context(viewport={"width": 1280, "height": 900}), path)
        assert_quiet(visit)
        assert page.evaluate("document.images.length") == len(expected)
        for alt, picture in drawn.items():
            image = page.get_by_role("img", name=alt, exact=True)
            assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [int(picture.get("width")),
                                                                                  int(picture.get("height"))]
            box = image.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 150
        history = page.get_by_role("table", name="Headline figures by period").inner_text()
        assert all(p["period"] in history for p in results["history"])
        assert history.count("\n") >= len(results["figures"])
        breaches = page.get_by_role("table", name="Breaches").inner_text()
        assert "PSI of loan_amount" in breaches and "by age_band" in breaches
        browser.close()
