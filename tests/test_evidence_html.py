"""The evidence HTML as a reviewer gets it, with the default static charts: no code, no script, offline,
strict CSP, cover, method, the heatmap picture, escaped text. Interactive charts: test_interactive_charts.py."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from evidence_checks import SVG, URL_ATTRIBUTES, heatmap_cells, offline, pictures

from keys import KEYS
from workbench import __version__
from workbench.pipeline.archive import ledger_entries
from workbench.demo import ANSWERS, SYSTEMS, demo_configuration
from workbench.pipeline.run import run_process
from workbench.workspace import Workspace

pytestmark = pytest.mark.kernel

DEMO_SYSTEMS = [s["id"] for s in SYSTEMS]
HEATMAP = "Heatmaps of inherent and residual risk"

HOSTILE = '<script>alert(1)</script> <img src=x onerror=alert(1)> {{ 7*7 }} **bold** =HYPERLINK("http://x")'


@dataclass(frozen=True)
class Page:
    path: Path
    html: str  # the file as written
    soup: BeautifulSoup


@lru_cache(maxsize=None)
def load(path: Path) -> Page:
    html = path.read_text(encoding="utf-8")
    return Page(path, html, BeautifulSoup(html, "html.parser"))


def demo_html(demo_root: Path, system_id: str) -> Path:
    found = sorted(demo_root.glob(f"evidence/{system_id}/risk-assessment/*/evidence.html"))
    assert len(found) == 1, found
    return found[0]


def ledger_entry(evidence_html: Path) -> dict:
    evidence_dir = evidence_html.parents[3]
    relative = evidence_html.parent.relative_to(evidence_dir).as_posix()
    entries = [e for e in ledger_entries(evidence_dir) if e.get("path") == relative]
    assert len(entries) == 1
    return entries[0]


def section(soup: BeautifulSoup, heading: str):
    """The notebook cell whose output starts with the ``<h2>heading</h2>``."""
    h2 = [h for h in soup.find_all("h2") if h.get_text(strip=True) == heading]
    assert len(h2) == 1, f"expected one section {heading!r}, found {len(h2)}"
    cell = h2[0].find_parent("div", class_="jp-Cell")
    assert cell is not None
    return cell


def table_rows(table) -> list[list[str]]:
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def captioned(container, caption: str):
    tables = [t for t in container.find_all("table") if t.caption and t.caption.get_text(strip=True) == caption]
    assert len(tables) == 1, f"expected one table captioned {caption!r}"
    return tables[0]


@pytest.fixture(scope="module")
def demo_pages(demo_root) -> dict[str, Page]:
    files = sorted(demo_root.glob("evidence/*/risk-assessment/*/evidence.html"))
    assert len(files) == 3, files
    return {system_id: load(demo_html(demo_root, system_id)) for system_id in DEMO_SYSTEMS}


# offline and code-free ------------------------------------------------------------------------


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_no_code_in_the_evidence(demo_pages, system_id):
    page = demo_pages[system_id]
    soup = page.soup
    assert soup.select(".jp-CodeCell .jp-InputArea") == []
    assert soup.select(".jp-InputPrompt, .jp-OutputPrompt, .jp-CodeMirrorEditor, .jp-Editor, .highlight, pre code") == []
    # the only input areas left are rendered markdown (the template's narrative)
    for area in soup.select(".jp-InputArea"):
        assert area.find_parent("div", class_="jp-MarkdownCell") is not None
        assert area.select_one(".jp-RenderedMarkdown") is not None
    for source in ("from workbench", "import ", "run.show(", "run.record(", 'system_id = "', "answers = "):
        assert source not in page.html, source
    # the notebook-only usage note is not part of the evidence
    assert "How to use this notebook" not in page.html
    # no output is an error or a stream (a traceback or a print would show here)
    assert soup.select(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']") == []
    assert "Traceback" not in page.html


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_nothing_is_loaded_from_anywhere(demo_pages, system_id):
    page = demo_pages[system_id]
    soup = offline(page.path)  # small, no script, no link; its only image the chart's inert SVG picture
    assert list(pictures(soup)) == [HEATMAP]
    for tag in soup.find_all(True):  # a first version links nowhere, not even to an earlier one
        for name in URL_ATTRIBUTES:
            value = tag.get(name)
            if value is not None:
                assert str(value).startswith(("#", "data:")), f"<{tag.name} {name}={value!r}>"
    lowered = page.html.lower()
    for needle in ("require.js", "mathjax", "cdn.", "http://", "https://", "//unpkg", "@import", "websocket",
                   "fetch(", "xmlhttprequest"):
        assert needle not in lowered, needle
    for url in re.findall(r"url\(([^)]*)\)", page.html):
        assert url.strip("'\" ").startswith(("data:", "#")), url


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_strict_content_security_policy(demo_pages, system_id):
    soup = demo_pages[system_id].soup
    metas = soup.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
    assert len(metas) == 1
    policy = {}
    for directive in metas[0]["content"].split(";"):
        if directive.strip():
            name, *values = directive.split()
            policy[name] = values
    # no script runs at all: the charts are images, and images come only from the file itself
    assert policy == {"default-src": ["'none'"], "script-src": ["'none'"], "style-src": ["'unsafe-inline'"],
                      "img-src": ["data:"], "font-src": ["data:"], "connect-src": ["'none'"],
                      "base-uri": ["'none'"], "form-action": ["'none'"]}
    assert "<script" not in demo_pages[system_id].html.lower()
    # a CSP meta tag governs only what comes after it: it must precede every script and style
    head = soup.head
    order = [t.name for t in head.find_all(["meta", "script", "style", "link"])]
    csp_at = head.find_all(["meta", "script", "style", "link"]).index(metas[0])
    assert all(name == "meta" for name in order[:csp_at]), order


# the cover, the method, the chart ----------------------------------------------------------------


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_cover_names_the_run_and_its_hashes(demo_root, demo_pages, system_id):
    page = demo_pages[system_id]
    entry = ledger_entry(page.path)
    ws = Workspace(demo_root)
    system = ws.register.system(system_id)
    person = ws.config.person(entry["assessor"])
    cover = page.soup.select_one("header.cover")
    assert cover is not None
    facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
             for dt, dd in zip(cover.select("dl.cover-facts dt"), cover.select("dl.cover-facts dd"))}
    assert facts["Organisation"] == "Northwind Lending plc" == ws.config.organisation.name
    assert facts["AI system"] == f"{system.name} ( {system_id} )"
    assert facts["Process"].startswith("AI risk assessment") and "6.1.2" in facts["Process"]
    assert facts["Period"] == entry["period"]
    assert facts["Effective date"] == entry["effective_date"]
    assert facts["Assessor"] == f"{person.name} ( {person.id} )"
    assert person.id == ("tomas" if system_id == "cv-screening" else "amara")
    assert facts["Run id"] == entry["run_id"] == page.path.parent.name
    assert facts["Workbench version"] == __version__ == entry["workbench_version"]
    assert facts["Recorded"] == entry["recorded_at"]
    # the file never changes: it says what a decision cannot make false, and where the decision is
    assert facts["Status"].startswith("submitted for approval; this file never changes") and "awaiting" not in facts["Status"]
    assert facts["Status"].endswith(f"in the portfolio ( index.html of the evidence folder) and in {system_id}/signoff/")

    hashes = {tr.td.get_text(strip=True): tr.find_all("td")[1].get_text(strip=True)
              for tr in cover.select("table.hashes tbody tr")}
    assert hashes["notebook.ipynb"] == entry["files"]["notebook.ipynb"]
    assert hashes["results.json"] == entry["files"]["results.json"]
    assert hashes["answers (canonical JSON)"] == entry["answers_sha256"]
    # ...and they are the real hashes of the files beside it, as is the ledger's hash of this file
    for name in ("notebook.ipynb", "results.json", "evidence.html"):
        assert hashlib.sha256((page.path.parent / name).read_bytes()).hexdigest() == entry["files"][name]
    title = page.soup.title.get_text()
    assert system.name in title and entry["period"] in title


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_method_shows_scales_and_bands(demo_root, demo_pages, system_id):
    criteria = Workspace(demo_root).config.risk_criteria
    method = section(demo_pages[system_id].soup, "Scoring method")
    text = method.get_text(" ", strip=True)
    assert "likelihood × impact" in text
    assert f"band {criteria.appetite} are acceptable" in text
    assert table_rows(captioned(method, "Likelihood scale")) == [
        [str(s.level), s.label, s.definition] for s in criteria.likelihood]
    assert table_rows(captioned(method, "Impact scale")) == [
        [str(s.level), s.label, s.definition] for s in criteria.impact]
    assert [s.label for s in criteria.likelihood] == ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
    assert table_rows(captioned(method, "Risk bands")) == [
        ["Low", "1 to 4", "yes"], ["Medium", "5 to 9", "yes"], ["High", "10 to 16", "no"],
        ["Critical", "17 to 25", "no"]]


@pytest.mark.parametrize("system_id", DEMO_SYSTEMS)
def test_heatmap_section_draws_both_grids(demo_pages, system_id):
    page = demo_pages[system_id]
    picture = pictures(section(page.soup, "Inherent and residual risk"))[HEATMAP]
    titles = [t.text for t in picture.iter(f"{SVG}text") if t.get("font-weight") == "600"]
    assert titles == ["Inherent risk", "Residual risk"]

    # each risk id is in the cell of its likelihood and impact, in each grid, and nowhere else
    results = json.loads((page.path.parent / "results.json").read_text(encoding="utf-8"))["results"]
    for grid, kind in zip(heatmap_cells(picture), ("inherent", "residual")):
        expected: dict[tuple[int, int], list[str]] = {}
        for a in results["risks"]:
            expected.setdefault((a[kind]["likelihood"], a[kind]["impact"]), []).append(a["risk"]["id"])
        assert {cell: sorted(ids) for cell, ids in grid.items()} == expected, kind


# text a person typed --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> Page:
    """A fresh run whose free text is hostile, rendered to evidence."""
    from workbench.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("hostile") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    evidence = run_process(ws, "risk-assessment", "credit-scoring", hostile_answers(), assessor="amara")
    return load(evidence.html)


def hostile_answers() -> dict:
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    answers["scope"] = "Scope " + HOSTILE
    r1, r3 = answers["risks"][0], answers["risks"][2]
    r1["title"] = "Title " + HOSTILE
    r1["description"] = "Description " + HOSTILE
    r1["rationale"] = "Rationale " + HOSTILE
    r1["affected_parties"] = ["Party " + HOSTILE]
    r3["rationale"] = "Accepted " + HOSTILE  # R3 stays above appetite: its rationale is shown there too
    return answers


def test_hostile_text_is_shown_as_text(hostile_page):
    page, soup = hostile_page, hostile_page.soup
    html = page.html
    assert "<script" not in html and html.count("<img") == 1  # the heatmap's picture
    assert "<strong>bold</strong>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # scope, description, party, R1's rationale; the title and R3's rationale twice each
    assert html.count("{{ 7*7 }}") == 8 and html.count("**bold**") == 8
    # nothing the hostile text could have become: no image, no handler, no link, no script
    assert list(pictures(offline(page.path))) == [HEATMAP]
    assert [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.lower().startswith("on")] == []
    assert soup.find_all("a", href=re.compile("^(?!#)")) == []

    # each field reads back exactly as typed, not rendered (no markdown, no template, no 49)
    scope = section(soup, "Scope")
    assert scope.select_one("p.text").get_text() == "Scope " + HOSTILE
    register = section(soup, "Risk register")
    first = register.select("tbody tr")[0].find_all("td")
    assert first[1].strong.get_text() == "Title " + HOSTILE
    assert first[1].select_one("div.text").get_text() == "Description " + HOSTILE
    assert first[3].get_text() == "Party " + HOSTILE
    plan = section(soup, "Treatment plan")
    rationales = {tr.find_all("td")[1].get_text(): tr.find_all("td")[6].get_text() for tr in plan.select("tbody tr")}
    assert rationales["R1"] == "Rationale " + HOSTILE
    assert rationales["R3"] == "Accepted " + HOSTILE
    appetite = section(soup, "Residual risk above appetite")
    row = appetite.select("tbody tr")[0].find_all("td")
    assert row[0].get_text() == "R3" and row[5].get_text() == "Accepted " + HOSTILE
    assert "49" not in {s.strip() for s in soup.find_all(string=True)}


def test_hostile_text_is_kept_verbatim_in_the_record(hostile_page):
    record = json.loads((hostile_page.path.parent / "results.json").read_text(encoding="utf-8"))
    assert record["answers"] == hostile_answers()
    assert record["results"]["risks"][0]["risk"]["title"] == "Title " + HOSTILE


# changes since the previous version -------------------------------------------------------------


@pytest.fixture(scope="module")
def rerun_page(tmp_path_factory) -> Page:
    """A second version of a risk assessment: R2 to R4 removed, R1 re-rated."""
    from workbench.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("rerun") / "ws", config=demo_configuration(KEYS))
    ws.add_systems(SYSTEMS)
    answers = copy.deepcopy(ANSWERS["credit-scoring"])
    run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara")
    answers["risks"] = answers["risks"][:1]
    answers["risks"][0] |= {"inherent_impact": 4, "residual_likelihood": 3}
    return load(run_process(ws, "risk-assessment", "credit-scoring", answers, assessor="amara").html)


def test_changes_are_summarised_in_words_after_the_records_summary(rerun_page):
    changes = rerun_page.soup.find("section", class_="changes")
    cells = [changes.find_previous("div", class_="jp-Cell"), changes.find_next("div", class_="jp-Cell")]
    assert [c.h2.get_text(strip=True) for c in cells] == ["Scope", "Scoring method"]
    summary = changes.find("ul", class_="change-summary")
    lines = [li.get_text(" ", strip=True) for li in summary.find_all("li")]
    assert any(line.startswith("R2 to R4 removed: Decisions applicants cannot contest;") for line in lines)
    [r1] = [line for line in lines if line.startswith("R1 changed:")]
    for change in ("inherent impact 5 → 4", "residual likelihood 2 → 3", "inherent band Critical → High",
                   "residual band Medium → High", "above appetite no → yes"):
        assert change in r1
    assert "calculation" not in r1 and "(none)" not in summary.get_text()


def test_every_change_is_folded_away_in_details(rerun_page):
    changes = rerun_page.soup.find("section", class_="changes")
    [table] = changes.find_all("table")
    assert table.find_parent("details") is not None and "open" not in table.find_parent("details").attrs
    fields = [row[0] for row in table_rows(table)]
    assert "answers.risks[R1].inherent_impact" in fields and "results.risks[R1].residual.calculation" in fields
    assert changes.find("summary").get_text(strip=True) == f"Every change, field by field ({len(fields)})"
