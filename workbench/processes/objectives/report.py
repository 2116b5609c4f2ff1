"""The evidence sections of the AI objectives record, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.objectives.charts import trend_chart
from workbench.processes.objectives.trends import by_measure, from_dict
from workbench.ui.display import show_figure, show_html, table

ATTENTION = ("off track", "no data", "off target", "breach")


def _people(run) -> dict[str, str]:
    return {p.id: f"{p.name} ({p.id})" for p in run.workspace.config.people}


def _num(value) -> str:
    return "" if value is None else f"{value:g}"


def badge(status: str) -> Markup:
    """A status as text; one that needs attention in bold."""
    return Markup("<strong>{}</strong>").format(status) if status in ATTENTION else Markup("{}").format(status)


def objectives(run) -> None:
    """Each objective with its owner, target, due date, measure, actions and progress."""
    people = _people(run)
    rows = [(o["id"], o["objective"], people.get(o["owner"], o["owner"]), o["measure"],
             f"{o['target']:g} {o['unit']}", o["due_date"], _num(o["latest"]) + (f" ({o['subject']})" if o.get(
                 "subject") not in (None, "", "organisation") else ""), badge(o["status"]),
             Markup("<br>").join(o["actions"])) for o in run.results.objectives]
    off = [o["id"] for o in run.results.objectives if o["status"] in ("off track", "no data")]
    show_html(Markup("<h2>AI objectives</h2><p>An objective is <em>achieved</em> once its measure's latest value "
                     "reaches its target; <em>off track</em> when it has not and its due date has passed or its "
                     "measure worsened in its last period; otherwise <em>on track</em>. A measure per system counts "
                     "its worst system.</p>")
              + (Markup('<p class="alert">Off track or not measured: {}.</p>').format(", ".join(off)) if off else "")
              + table(("Objective", "What", "Owner", "Measure", "Target", "Due", "Latest", "Status",
                       "Planned actions"), rows, caption=f"{len(rows)} objective(s), as of {run.results.as_of}"))


def plan(run) -> None:
    """The monitoring plan: what is measured, how, against what, how often, by whom."""
    people = _people(run)
    rows = [(m["id"], m["name"], m["method"], Markup("<code>{}</code>").format(m["source"])
             + (f" ({m['aggregate']}{' ' + _num(m['limit']) if m['limit'] is not None else ''})"
                if m["source"].startswith("run:") else ""),
             m["unit"], m["direction"], _num(m["target"]), _num(m["threshold"]), m["frequency"],
             people.get(m["measured_by"], m["measured_by"]), people.get(m["evaluated_by"], m["evaluated_by"]),
             badge(m["status"])) for m in run.results.measures]
    show_html(Markup("<h2>Monitoring plan</h2><p>Sources: <code>register:</code> computed from the register, "
                     "<code>run:process:path</code> read from each system's latest run of a process, "
                     "<code>manual</code> recorded by a person. A value beyond the threshold is a "
                     "<em>breach</em>.</p>")
              + table(("Measure", "Name", "Method", "Source", "Unit", "Direction", "Target", "Threshold",
                       "Frequency", "Measured by", "Evaluated by", "Latest status"), rows,
                      caption=f"{len(rows)} measure(s)"))


def trends(run) -> None:
    """Each measure's values over the periods measured, with its target and threshold."""
    show_html(Markup("<h2>Trends</h2><p>Each measure's value per period (the last correction counts), with its "
                     "target (green) and threshold (red) as dashed lines.</p>"))
    show_trends(run.results.trends)


def show_trends(trend_dicts: list[dict]) -> None:
    """One chart and one table per measure (used by the management review too)."""
    for measure, series in by_measure([from_dict(t) for t in trend_dicts]).items():
        first = series[0]
        if not any(t.points for t in series):
            show_html(Markup('<h3>{}</h3><p class="alert">No measurement of {} in these periods.</p>').format(
                first.name, measure))
            continue
        show_html(Markup("<h3>{}</h3><p>Latest: {}</p>").format(first.name, Markup("; ").join(
            Markup("{}{} {} ({}, {})").format(t.subject + ": " if t.subject not in ("", "organisation") else "",
                                              _num(t.latest), first.unit, badge(t.status), t.change or "first value")
            for t in series if t.points)))
        show_figure(trend_chart(series), f"Trend of {first.name}")


def gaps(run) -> None:
    """Measures with no measurement in their frequency window."""
    show_html(gaps_markup(run.results.gaps))


def gaps_markup(found: list[dict]) -> Markup:
    head = Markup("<h2>Gaps in monitoring</h2>")
    if not found:
        return head + Markup('<p class="ok">Every measure has a measurement for its current or previous period.</p>')
    return head + Markup('<p class="alert">{} measure(s) without a measurement in their frequency window.</p>').format(
        len(found)) + table(("Measure", "Name", "Frequency", "Last measured", "Measured by", "Detail"),
                            [(g["measure"], g["name"], g["frequency"], g["last_period"] or "never", g["measured_by"],
                              g["message"]) for g in found], caption="Gaps in monitoring")
