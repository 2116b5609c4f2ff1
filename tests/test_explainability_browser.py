"""The demo's explainability evidence in Debian's Chromium: offline, quiet, the importance charts drawn
(overall, by age band, by sex), and the top features in plain words from the archived result."""

from __future__ import annotations

import json

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from evidence_checks import pictures
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides
from test_evidence_html import load

from workbench.processes.explainability.assessment import top_features_in_words

pytestmark = [pytest.mark.browser, pytest.mark.kernel]


def test_the_demo_model_is_explained_and_its_age_band_flagged_offline(chromium, demo_root):
    from playwright.sync_api import sync_playwright

    [path] = demo_root.glob("evidence/credit-scoring/explainability/scorecard-v4/*/evidence.html")
    drawn = pictures(load(path).soup)
    assert sorted(alt.split(" (")[0] for alt in drawn) == [
        "Feature importance", "Feature importance by age_band", "Feature importance by sex"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page, visit = open_offline(browser.new_context(viewport={"width": 1280, "height": 900}), path)
        assert_quiet(visit)
        assert page.evaluate("document.images.length") == 3
        for alt, picture in drawn.items():
            image = page.get_by_role("img", name=alt, exact=True)
            assert image.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [int(picture.get("width")),
                                                                                  int(picture.get("height"))]
        proxies = page.get_by_role("table", name="1 proxy finding(s) among the top 3 features")
        assert "is the sensitive attribute age_band itself" in proxies.inner_text()
        assert "income matters most" in page.get_by_role("list").first.inner_text()
        browser.close()
    results = json.loads((path.parent / "results.json").read_text())["results"]
    words = top_features_in_words(results)
    assert [w.split(" ")[0] for w in words] == ["income", "loan_amount", "age_band"]
    assert words[2].endswith("Caution: it is a sensitive attribute, used directly.")
