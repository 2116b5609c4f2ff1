"""The evidence sections of production monitoring, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.impact_assessment.fairness import METRIC_TITLES as DISPARITY_TITLES
from workbench.processes.monitoring.charts import bins_chart, history_chart
from workbench.processes.monitoring.drift import EPSILON
from workbench.ui.display import proposed_risks, show_figure, show_html, table


def summary(run) -> None:
    """The figures beyond their thresholds, first: what to act on."""
    r = run.results
    head = Markup("<h2>Summary</h2><p>{:,} predictions from {} to {} ({:,} with a known true label); {} figures, "
                  "{} beyond their threshold, {} drift warning(s).</p>").format(
        r.rows, r.period_start, r.period_end, r.labelled_rows, len(r.figures), len(r.breaches),
        sum(f.warning for f in r.figures))
    rows = [(f.title, f"{f.value:.3f}", _threshold(f)) for f in r.breaches]
    notes = Markup().join(Markup("<p class='note'>{}</p>").format(n) for n in r.notes)
    show_html(head + (table(("Figure", "Value", "Threshold"), rows, numeric=[1], caption="Breaches") if rows
                      else Markup("<p class='ok'>No breach.</p>")) + notes)


def data(run) -> None:
    """The prediction log and the reference dataset measured, with their hashes."""
    r, c = run.results, run.request.answers.columns
    ref = r.reference
    same = not ref.registered_sha256 or ref.sha256 == ref.registered_sha256
    rows = [("Prediction log", r.log), ("SHA-256 of the log", r.log_sha256),
            ("Period monitored", f"{r.period_start} to {r.period_end} (record period {r.period})"),
            ("Predictions", f"{r.rows:,}"), ("With a known true label", f"{r.labelled_rows:,}"),
            ("Reference", f"registered dataset {ref.dataset_id} ({ref.location})" if ref.source == "dataset"
             else f"file {ref.location}"),
            ("Reference rows", f"{ref.rows:,}"), ("SHA-256 of the reference", ref.sha256),
            ("Columns", f"timestamp {c.timestamp}; prediction {c.prediction}; score {c.score or 'none'}; "
                        f"label {c.label or 'none'}; features {', '.join(c.features)}; sensitive attributes "
                        f"{', '.join(c.sensitive_features) or 'none'}")]
    note = Markup() if same else Markup("<p class='breach'>The reference file changed since it was registered "
                                        "(SHA-256 differs).</p>")
    show_html(Markup("<h2>Data measured</h2>") + note + table(("Item", "Value"), rows, caption="Log and reference"))


def performance(run) -> None:
    """Each chosen metric against its threshold, and its history."""
    found = [f for f in run.results.figures if f.kind == "performance"]
    head = Markup("<h2>Performance</h2><p class='note'>Measured with scikit-learn on the rows whose true label is "
                  "known. A loss (Brier score, log loss) must stay at or below its threshold; any other metric at "
                  "or above it.</p>")
    if not found:
        show_html(head + Markup("<p>No performance metric was measured.</p>"))
        return
    show_html(head + table(("Metric", "Value", "Threshold", "Result"),
                           [(f.title, f"{f.value:.3f}", _threshold(f), _result(f)) for f in found], numeric=[1],
                           caption="Performance metrics"))
    for f in found:
        show_figure(_history(run, f.title, {f.title: f.key}, [("minimum" if f.bound == "min" else "maximum",
                                                             f.threshold)], f.title),
                    f"{f.title} by period")


def fairness(run) -> None:
    """Per-group metrics and disparities against their thresholds, and each disparity's history."""
    f = run.results.fairness
    head = Markup("<h2>Fairness per group</h2>")
    if f is None:
        show_html(head + Markup("<p>Fairness was not measured (no sensitive attribute named, or no known label)."
                                "</p>"))
        return
    parts = [head, Markup("<p class='note'>On the {:,} rows with a known true label: per group the selection "
                          "rate, true and false positive rates and accuracy, and the disparities fairlearn defines "
                          "(demographic parity difference and ratio, equalized odds difference), as the impact "
                          "assessment measures them.</p>").format(f.rows)]
    for a in f.attributes:
        parts.append(table(("Group", "Count", "Selection rate", "True positive rate", "False positive rate",
                            "Accuracy", "Mean score"),
                           [(g.group, g.count, f"{g.selection_rate:.3f}", f"{g.true_positive_rate:.3f}",
                             f"{g.false_positive_rate:.3f}", f"{g.accuracy:.3f}",
                             "" if g.mean_score is None else f"{g.mean_score:.3f}") for g in a.groups],
                           caption=f"Metrics by group of {a.attribute}", numeric=range(1, 7)))
        parts.append(table(("Disparity", "Value", "Threshold", "Result"),
                           [(d.title, f"{d.value:.3f}", f"{'≥' if d.bound == 'min' else '≤'} {d.threshold:g}",
                             Markup("<strong class='breach'>breach</strong>") if d.breach else "within")
                            for d in a.disparities], caption=f"Disparities by {a.attribute}", numeric=[1]))
    show_html(Markup().join(parts))
    for metric, title in DISPARITY_TITLES.items():
        d = next(d for d in f.attributes[0].disparities if d.metric == metric)
        series = {a.attribute: f"fairness:{metric}:{a.attribute}" for a in f.attributes}
        show_figure(_history(run, title, series, [("minimum" if d.bound == "min" else "maximum", d.threshold)],
                             title), f"{title} by period")


def drift(run) -> None:
    """The PSI and the two-sample test of each feature and of the score, their history, and the bins of
    every column that is not stable."""
    t = run.request.answers.drift
    found = run.results.drift
    method = Markup(
        "<p class='note'>Population stability index: PSI = Σ (a − e) × ln(a / e) over the bins, e the reference's "
        "share of rows in a bin and a the period's; a share of 0 counts as {:g}. A numeric column's bins are the "
        "reference's {} quantile bins, a categorical column's its values; missing values are a bin of their own. "
        "Two-sample test: Kolmogorov-Smirnov (scipy.stats.ks_2samp) for numbers, chi-square on the table of counts "
        "(scipy.stats.chi2_contingency) for categories. A column <strong>drifts</strong> (a breach) when its PSI "
        "reaches {:g} and the test's p-value is below {:g}; it is a <strong>warning</strong> when its PSI reaches "
        "{:g}.</p>").format(EPSILON, t.bins, t.psi_breach, t.p_value, t.psi_warn)
    rows = [(d.column + (" (score)" if d.role == "score" else ""), d.kind, f"{d.psi:.4f}", d.test.split(" (")[0],
             f"{d.statistic:.4g}", f"{d.p_value:.3g}", d.reference_rows, d.current_rows,
             Markup("<strong class='breach'>drift</strong>") if d.status == "drift" else d.status) for d in found]
    show_html(Markup("<h2>Drift against the reference</h2>") + method + table(
        ("Column", "Kind", "PSI", "Test", "Statistic", "p-value", "Reference rows", "Period rows", "Result"), rows,
        numeric=[2, 4, 5, 6, 7], caption="Drift of each column"))
    if found:
        series = {d.column: f"drift:psi:{d.column}" for d in found}
        show_figure(_history(run, "Population stability index", series,
                             [("warning", t.psi_warn), ("breach", t.psi_breach)], "PSI"),
                    "PSI of each column by period")
    for d in found:
        if d.status != "stable":
            show_figure(bins_chart(d), f"Share of rows per bin of {d.column}")


def history(run) -> None:
    """Every headline figure of this period beside the same figure in the earlier ones."""
    periods = run.results.history
    labels = _labels(periods)
    rows = [[f.title] + [_cell(p.values.get(f.key)) for p in periods] + [_threshold(f)] for f in run.results.figures]
    runs = ", ".join(f"{label}: {p.run_id}" for label, p in zip(labels, periods[:-1])) or "none"
    show_html(Markup("<h2>History</h2><p>This period beside the {} earlier monitored period(s) of the system "
                     "(their records: {}).</p>").format(len(periods) - 1, runs)
              + table(["Figure"] + labels + ["Threshold"], rows, numeric=range(1, len(periods) + 1),
                      caption="Headline figures by period"))


def risks(run) -> None:
    """Each breach proposed as a risk for the system's risk assessment."""
    show_html(proposed_risks(run.results.proposed_risks, "No breach, so no risk is proposed.", cites="A.6.2.6"))


def _history(run, title: str, series: dict[str, str], thresholds: list[tuple[str, float]], axis: str):
    periods = run.results.history
    return history_chart(title, _labels(periods), {name: [p.values.get(key) for p in periods]
                                                   for name, key in series.items()}, thresholds, axis)


def _labels(periods) -> list[str]:
    names = [p.period for p in periods]
    if len(set(names)) == len(names):
        return names
    return [f"{p.period_start} to {p.period_end}" for p in periods]


def _cell(value) -> str:
    return "" if value is None else f"{value:.3f}"


def _threshold(f) -> str:
    return f"{'≥' if f.bound == 'min' else '≤'} {f.threshold:g}"


def _result(f) -> Markup | str:
    return Markup("<strong class='breach'>breach</strong>") if f.breach else "within"
