"""The evidence sections of the data quality assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.data_quality.charts import describe_lineage, lineage_chart, representation_chart
from workbench.ui.display import proposed_risks, show_figure, show_html, table


def dataset(run) -> None:
    """The dataset as the register records it, and whether the file measured is the one registered."""
    d, r = run.results.dataset, run.results
    same = r.sha256 == r.registered_sha256
    rows = [("Dataset", f"{d['name']} ({d['dataset_id']}), version {d['seq']}"), ("Role", d["role"]),
            ("Source", d["source"] + (f", from {d['supplier']}" if d["supplier"] else "")),
            ("How it was acquired", d["acquisition"]), ("Licence or terms", d["licence"]),
            ("Personal data", ", ".join(d["personal_data"]) or "none declared"),
            ("Special categories", ", ".join(d["special_categories"]) or "none declared"),
            ("Legal basis", d["legal_basis"]), ("Retention", d["retention"]), ("Owner", d["owner"]),
            ("Location", d["location"]), ("SHA-256 registered", d["sha256"]), ("SHA-256 measured", r.sha256)]
    note = (Markup("<p class='ok'>The file measured is the file registered.</p>") if same else
            Markup("<p class='breach'>The file changed since it was registered (SHA-256 differs): register the "
                   "new version with <code>workbench dataset add</code>.</p>"))
    show_html(Markup("<h2>Dataset</h2>") + note + table(("Register entry", "Value"), rows,
                                                          caption="The dataset register's entry (A.7.2 to A.7.6)"))


def summary(run) -> None:
    """The figures beyond their thresholds, first: what to act on."""
    m = run.results.measurement
    head = Markup("<h2>Summary</h2><p>{:,} rows and {} columns measured; {} figures, {} beyond their threshold."
                  "</p>").format(m.rows, m.columns, len(m.figures), len(m.breaches))
    rows = [(f.measure, f.subject, _value(f), _threshold(f), f.failing) for f in m.breaches]
    show_html(head + (table(("Measure", "Of", "Value", "Threshold", "Failing"), rows, numeric=[2, 3, 4],
                            caption="Breaches") if rows else Markup("<p class='ok'>No breach.</p>")))


def figures(run) -> None:
    """Every figure with its threshold, the failing rows' count and a few of them."""
    m = run.results.measurement
    rows = [(f.measure, f.subject, _value(f), _threshold(f), "breach" if f.breach else "ok", f.failing,
             "; ".join(f.sample)) for f in m.figures]
    show_html(Markup("<h2>Measured figures</h2><p class='note'>Completeness is the share of non-empty cells; "
                     "validity the share of non-empty cells (or rows) that pass a check; representation the share "
                     "of a group in the data divided by its reference share. Failing values are samples, shown as "
                     "text; identifiers found are masked.</p>")
              + table(("Measure", "Of", "Value", "Threshold", "Finding", "Failing", "Sample"), rows,
                      numeric=[2, 3, 5], caption="Every figure against its threshold"))


def representation(run) -> None:
    """Each group of each sensitive attribute against its reference share."""
    groups = run.results.measurement.groups
    if not groups:
        show_html(Markup("<h2>Representation</h2><p>No reference shares were given.</p>"))
        return
    show_html(Markup("<h2>Representation</h2>") + table(
        ("Attribute", "Group", "Rows", "Share", "Reference share", "Ratio", "Finding"),
        [(g.attribute, g.group, g.count, f"{g.share:.3f}", f"{g.reference:.3f}", f"{g.ratio:.2f}",
          "under-represented" if g.breach else "ok") for g in groups], numeric=[2, 3, 4, 5]))
    for attribute in dict.fromkeys(g.attribute for g in groups):
        show_figure(representation_chart([g for g in groups if g.attribute == attribute]),
                    f"Representation by {attribute}")


def provenance(run) -> None:
    """Where the dataset comes from: the datasets it was derived from and the steps that made it."""
    steps = [(d["dataset_id"], s["step"], s["description"], s["by"], s["on"])
             for d in run.results.lineage for s in d["preparation"]]
    show_html(Markup("<h2>Lineage</h2>") + table(("Dataset", "Step", "What was done", "By", "On"), steps,
                                                 caption="Preparation steps"))
    show_figure(lineage_chart(run.results.lineage), describe_lineage(run.results.lineage))


def risks(run) -> None:
    """Each breach proposed as a risk for the system's risk assessment."""
    show_html(proposed_risks(run.results.proposed_risks, "No breach, so no risk is proposed.", cites="A.7.4"))


def _value(f) -> str:
    return f"{f.value:g}" if f.measure.startswith("direct identifiers") else f"{f.value:.3f}"


def _threshold(f) -> str:
    return f"{'≥' if f.bound == 'min' else '≤'} {f.threshold:g}"
