"""Escaping as a type: text meets HTML or SVG only escaped, unless it is ``Markup``. Each test is an attempt
to slip markup past that rule, or to have trusted markup escaped twice."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from workbench.processes.risk_assessment.settings import RiskCriteria
from workbench.processes.risk_assessment.assessment import Risk, RiskAssessmentAnswers, assess
from workbench.processes.risk_assessment.charts import risk_heatmap
from workbench.ui.display import band_badge, show_figure, show_html, table
from workbench.ui.svg import Canvas

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)> & \'quoted\''
SVG = "{http://www.w3.org/2000/svg}"


def cells(markup: str) -> list:
    return BeautifulSoup(markup, "html.parser").find_all("td")


def test_a_cell_that_is_not_markup_is_escaped():
    out = table(("Risk", "Owner"), [(SCRIPT, BREAKOUT)], caption=SCRIPT)
    soup = BeautifulSoup(out, "html.parser")
    assert soup.find_all(["script", "img"]) == []
    assert [td.get_text() for td in soup.find_all("td")] == [SCRIPT, BREAKOUT]
    assert soup.caption.get_text() == SCRIPT


def test_a_header_is_escaped_too():
    soup = BeautifulSoup(table((SCRIPT,), []), "html.parser")
    assert soup.find("script") is None and soup.th.get_text() == SCRIPT


def test_a_markup_cell_is_kept_and_not_escaped_twice():
    typed = "R&D <b>"
    out = table(("Risk",), [(Markup("<strong>{}</strong>").format(typed),), (escape(typed),)])
    first, second = cells(out)
    assert first.strong.get_text() == typed
    assert second.get_text() == typed and "&amp;amp;" not in out and "&amp;lt;" not in out


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert [td.get_text() for td in cells(table(("a", "b", "c"), [(None, 0, 2.5)]))] == ["", "0", "2.5"]


def test_a_plain_string_added_to_markup_is_escaped():
    """Markup never trusts a plain string, on either side of ``+`` or inside ``format``."""
    assert ("<h2>Scope</h2>" + table(("a",), [])).startswith("&lt;h2&gt;Scope")
    assert (table(("a",), []) + SCRIPT).endswith("&lt;/script&gt;")
    assert Markup("<p>{}</p>").format(SCRIPT) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_band_badge_keeps_a_hostile_name_and_colour_inside_the_span():
    span = BeautifulSoup(band_badge(SCRIPT, '#ffffff" onmouseover="alert(1)'), "html.parser").span
    assert span.get_text() == SCRIPT and span.attrs.keys() == {"class", "style"}


def test_show_html_shows_plain_text_as_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data["text/html"]))
    show_html(SCRIPT)
    show_html(Markup("<h2>{}</h2>").format(SCRIPT))
    assert shown == ["&lt;script&gt;alert(1)&lt;/script&gt;", "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>"]
    assert all(type(s) is str for s in shown)  # the display message carries plain str, not Markup


def test_a_hostile_chart_title_stays_inside_the_figure_label(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    show_figure(_heatmap_with("R1"), '"><script>alert(1)</script>')
    figure = BeautifulSoup(shown[0]["text/html"], "html.parser").figure
    assert figure["aria-label"] == '"><script>alert(1)</script>'
    assert len(figure.find_all("script")) == 1 and "alert" not in figure.script.get_text()  # only newPlot


def _heatmap_with(risk_id: str):
    criteria = RiskCriteria()
    risk = Risk.model_construct(id=risk_id, title="t", description="d", source="RS-1", objectives=[], owner="o",
                                affected_parties=["p"], inherent_likelihood=4, inherent_impact=5,
                                treatment="mitigate", residual_likelihood=2, residual_impact=4)
    return risk_heatmap(assess(RiskAssessmentAnswers.model_construct(scope="s", risks=[risk]), criteria).risks,
                        criteria)


def test_a_risk_id_that_closes_the_svg_text_stays_text():
    hostile = "R1</text><script>alert(1)</script><text>"
    root = ET.fromstring(_heatmap_with(hostile).svg)
    assert root.find(f".//{SVG}script") is None
    drawn = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith("R1")]
    assert len(drawn) == 2 and all("</text>" in t and hostile.startswith(t) for t in drawn)  # cut to the cell


@pytest.mark.parametrize("part", ["title", "text", "fill"])
def test_the_canvas_escapes_titles_texts_and_attributes(part):
    hostile = '"/><script>alert(1)</script><rect fill="'
    canvas = Canvas(100, 50, hostile if part == "title" else "t")
    canvas.text(0, 10, hostile if part == "text" else "x", fill=hostile if part == "fill" else "#000000")
    root = ET.fromstring(canvas.svg())
    assert root.find(f".//{SVG}script") is None and len(root.findall(f"{SVG}rect")) == 1
    value = {"title": root.find(f"{SVG}title").text, "text": root.find(f"{SVG}text").text,
             "fill": root.find(f"{SVG}text").get("fill")}[part]
    assert value == hostile


@given(text=st.text())
def test_any_text_in_a_cell_comes_back_as_itself(text):
    out = str(table(("Text",), [(text,)]))
    cell = out[out.index("<td>") + 4:out.index("</td>")]
    assert "<" not in cell and ">" not in cell and '"' not in cell and "'" not in cell
    assert html.unescape(cell) == text
