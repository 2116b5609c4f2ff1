"""The incident report in Debian's Chromium, offline: it opens without a request or a script error,
says the overdue authority report first, shows the timeline and the records it leads to, keeps a
typed ``<script>`` as text and fits a phone's screen; the portfolio flags the overdue report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from browser_checks import CHROMIUM_ARGS, assert_quiet, open_offline
from playwright_loop import jp_asyncio_loop, jp_server_cleanup  # noqa: F401 - autouse overrides

from keys import KEYS
from workbench.demo import SYSTEMS, demo_configuration
from workbench.workspace import init_workspace

pytestmark = [pytest.mark.browser, pytest.mark.kernel]

PHONE = {"width": 390, "height": 844}
HOSTILE = "<script>alert('incident')</script>"


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    """A workspace whose serious incident of a high-risk system was reported twice (the second report
    cites the nonconformity the first opened), its authority report overdue."""
    from workbench.pipeline.run import run_process
    from workbench.processes.incident_report.incidents import add_incident, update_incident

    workspace = init_workspace(tmp_path_factory.mktemp("incident") / "ws", config=demo_configuration(KEYS))
    workspace.add_systems(SYSTEMS)
    aware = date.today() - timedelta(days=16)
    add_incident(workspace, "credit-scoring", {
        "title": "Declines doubled", "what_happened": f"Declines of older applicants doubled. {HOSTILE}",
        "detected_on": aware.isoformat(), "detected_by": "monitoring alert", "aware_on": aware.isoformat(),
        "severity": "major", "harm_category": "discrimination", "affected": ["applicants aged 55+"],
        "serious": True, "serious_ground": "other-serious-harm"}, person="priya")
    update_incident(workspace, "inc-0001", person="lena", note="scores suspended",
                    containment={"action": "Manual underwriting for every applicant", "by": "lena",
                                 "on": aware.isoformat()})
    run_process(workspace, "incident-report", "credit-scoring", {"note": ""}, assessor="priya", item_id="inc-0001")
    return run_process(workspace, "incident-report", "credit-scoring", {"note": "after the nonconformity"},
                       assessor="priya", item_id="inc-0001"), workspace


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE], ids=["desktop", "phone"])
def test_the_incident_report_opens_offline_and_says_what_is_overdue(chromium, reported, viewport):
    from playwright.sync_api import sync_playwright

    evidence, workspace = reported
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=viewport)
        page, visit = open_offline(context, evidence.html)
        assert_quiet(visit)
        headings = page.get_by_role("heading", level=2).all_inner_texts()
        assert headings[0] == "Summary" and {"The incident", "Response", "Records it leads to", "Timeline"} <= set(
            headings)
        summary = page.locator("p.breach").first.inner_text()
        assert "OVERDUE" in summary and "Due" in summary
        assert HOSTILE in page.get_by_role("table", name="As the timeline stands").inner_text()  # text, not a script
        timeline = page.get_by_role("table", name="Timeline", exact=True).inner_text()
        assert "scores suspended" in timeline and "opened nonconformity nc-0001" in timeline
        assert "Nonconformity nc-0001" in page.inner_text("body")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        index, visit = open_offline(context, workspace.evidence_dir / "index.html")
        assert_quiet(visit)
        assert "report to the market surveillance authority overdue" in index.inner_text("body")
        browser.close()
