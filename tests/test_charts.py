"""Charts: each is a plotly figure plotly itself accepts, and an SVG picture of the same data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import plotly.graph_objects as go
import pytest

from workbench.processes.gap_analysis.charts import plan_timeline, readiness_bars
from workbench.processes.impact_assessment.charts import disparity_chart
from workbench.processes.risk_assessment.charts import risk_heatmap
from workbench.ui.charts import stacked_columns
from workbench.config import configuration_model, default_configuration
from workbench.content import load_content
from workbench.processes.impact_assessment.fairness import AttributeFairness, Disparity, FairnessResults
from workbench.processes.gap_analysis.assessment import PlannedAction, readiness
from workbench.processes.gap_analysis.settings import Readiness
from workbench.processes.risk_assessment.assessment import RiskAssessmentAnswers, assess
from workbench.ui.svg import nice_ticks, wrap

NS = {"s": "http://www.w3.org/2000/svg"}
HOSTILE = '<script>alert(1)</script> & "quoted"'


def _criteria():
    return configuration_model().model_validate(default_configuration("Org")).risk_criteria


def _risk(risk_id, il, ii, rl, ri):
    return {"id": risk_id, "title": "t", "description": "d", "source": "RS-1", "objectives": [], "owner": "o",
            "affected_parties": ["p"], "inherent_likelihood": il, "inherent_impact": ii, "treatment": "mitigate",
            "residual_likelihood": rl, "residual_impact": ri}


def _heatmap():
    from workbench.processes.risk_assessment.assessment import Risk

    risks = [Risk.model_construct(**_risk("R1", 4, 5, 2, 4)), Risk.model_construct(**_risk("R2", 4, 5, 1, 1)),
             Risk.model_construct(**_risk("R3", 1, 1, 1, 1))]
    answers = RiskAssessmentAnswers.model_construct(scope="s", risks=risks)
    return risk_heatmap(assess(answers, _criteria()).risks, _criteria())


def _fairness(attribute=HOSTILE):
    return FairnessResults.model_construct(attributes=[
        AttributeFairness.model_construct(attribute=attribute, groups=[], disparities=[
            Disparity(metric="dp", title="Parity gap", value=0.25, threshold=0.1, bound="max", breach=True)]),
        AttributeFairness.model_construct(attribute="age", groups=[], disparities=[
            Disparity(metric="dp", title="Parity gap", value=0.05, threshold=0.1, bound="max", breach=False)])])


def _all_charts():
    groups, _, _ = readiness({"4.1": 2, "5.1": 4}, load_content(), Readiness())
    plan = [PlannedAction(id="P1", item="7.2", action=HOSTILE, owner="priya", start_date=date(2027, 1, 1),
                          due_date=date(2027, 3, 10))]
    return {
        "heatmap": _heatmap(),
        "disparity": disparity_chart(_fairness(), "dp"),
        "readiness": readiness_bars(groups, "Readiness by clause", 3),
        "timeline": plan_timeline(plan),
        "columns": stacked_columns(["Clause 6", HOSTILE], {"conforming": [2, 1], "observation": [0, 3]},
                                   {"conforming": "#2e7d32", "observation": "#f9a825"}, "Items", "Results"),
    }


@pytest.mark.parametrize("name", ["heatmap", "disparity", "readiness", "timeline", "columns"])
def test_every_figure_is_one_plotly_accepts_unchanged(name):
    chart = _all_charts()[name]
    figure = go.Figure(chart.figure).to_plotly_json()  # plotly validates every property and value
    assert figure["data"] == chart.figure["data"]
    assert {k: v for k, v in figure["layout"].items() if k != "template"} == chart.figure["layout"]


@pytest.mark.parametrize("name", ["heatmap", "disparity", "readiness", "timeline", "columns"])
def test_every_picture_is_well_formed_svg_with_a_title_and_no_markup_from_text(name):
    chart = _all_charts()[name]
    root = ET.fromstring(chart.svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert root.find("s:title", NS).text and root.get("aria-label") == root.find("s:title", NS).text
    assert not root.findall(".//s:script", NS) and "<script" not in chart.svg
    assert chart.svg == _all_charts()[name].svg  # the same data draws the same bytes


def test_hostile_text_is_drawn_as_text():
    texts = [t.text for t in ET.fromstring(_all_charts()["disparity"].svg).iter("{http://www.w3.org/2000/svg}text")]
    assert any(t and "<script>" in t for t in texts)  # wrapped, but shown literally


def test_heatmap_puts_each_risk_in_its_cell_in_its_band_colour():
    chart = _heatmap()
    criteria = _criteria()
    root = ET.fromstring(chart.svg)
    texts = {t.text: (float(t.get("x")), float(t.get("y"))) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    cells = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("width") != "100%"]
    assert len(cells) == 50  # two 5 x 5 grids

    def cell_of(point):
        x, y = point
        return next(c for c in cells if float(c.get("x")) <= x <= float(c.get("x")) + float(c.get("width"))
                    and float(c.get("y")) <= y <= float(c.get("y")) + float(c.get("height")))

    # inherent: R1 and R2 share likelihood 4 x impact 5; R3 at 1 x 1
    assert cell_of(texts["R1, R2"]).get("fill") == criteria.band(criteria.level(4, 5).band).colour
    assert cell_of(texts["R3"]).get("fill") == criteria.band(criteria.level(1, 1).band).colour
    trace = chart.figure["data"][0]
    assert trace["text"][3][4] == "R1, R2" and trace["text"][0][0] == "R3"
    assert [a["text"] for a in chart.figure["layout"]["annotations"]] == ["Inherent risk", "Residual risk"]


def test_disparity_bars_are_as_tall_as_their_values_and_red_beyond_the_threshold():
    chart = disparity_chart(_fairness("sex"), "dp")
    root = ET.fromstring(chart.svg)
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") in ("#c62828", "#2e7d32")]
    assert [b.get("fill") for b in bars] == ["#c62828", "#2e7d32"]
    assert float(bars[0].get("height")) / float(bars[1].get("height")) == pytest.approx(5, rel=0.02)
    assert chart.figure["data"][0]["marker"]["color"] == ["#c62828", "#2e7d32"]
    assert chart.figure["layout"]["shapes"][0]["y0"] == 0.1


def test_readiness_target_line_sits_at_target_over_five():
    groups, _, _ = readiness({"4.1": 5, "5.1": 0}, load_content(), Readiness())
    root = ET.fromstring(readiness_bars(groups, "R", 3).svg)
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("fill") == "#1f5f99"]
    full, left = float(bars[0].get("width")), float(bars[0].get("x"))
    [target] = [line for line in root.iter("{http://www.w3.org/2000/svg}line") if line.get("stroke") == "#b00020"]
    assert (float(target.get("x1")) - left) / full == pytest.approx(0.6, abs=0.01)


def test_wrap_and_ticks():
    assert wrap("R1, R2, R3", 200, 11) == ["R1, R2, R3"]
    lines = wrap(", ".join(f"R{i}" for i in range(1, 41)), 60, 11, max_lines=3)
    assert len(lines) == 3 and lines[-1].startswith("… +")
    assert nice_ticks(0, 0.36) == [0, 0.1, 0.2, 0.3, 0.4]
    assert nice_ticks(0, 4) == [0, 1, 2, 3, 4]


def _notebook_with_chart(with_picture: bool):
    from nbformat import v4

    chart = _heatmap()
    data = {"application/vnd.plotly.v1+json": chart.figure,
            "text/html": '<figure aria-label="Heatmaps"><div class="plotly-graph-div"></div>'
                         '<script type="text/javascript">Plotly.newPlot("x", [], {})</script></figure>'}
    if with_picture:
        data["image/svg+xml"] = chart.svg
    nb = v4.new_notebook(cells=[v4.new_code_cell("run.show('heatmap')", outputs=[v4.new_output("display_data", data)])])
    return nb, chart


def test_static_evidence_shows_the_runs_picture_as_an_image():
    import base64

    from workbench.pipeline.render import render_html

    nb, chart = _notebook_with_chart(with_picture=True)
    html = render_html(nb, {}, charts="static")
    assert "<script" not in html and 'alt="Heatmaps"' in html
    assert base64.b64encode(chart.svg.encode()).decode() in html
    assert "image/svg+xml" in nb.cells[0].outputs[0].data  # the notebook itself is left as it was


def test_a_chart_without_a_picture_keeps_the_evidence_interactive():
    from workbench.pipeline.render import plotly_js, render_html

    nb, _ = _notebook_with_chart(with_picture=False)
    html = render_html(nb, {}, charts="static")
    assert plotly_js() in html and "data:image/svg+xml;base64" not in html
