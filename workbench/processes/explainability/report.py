"""The evidence sections of the explainability assessment, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.processes.explainability.assessment import reason, top_features_in_words
from workbench.processes.explainability.charts import axis_title, group_chart, importance_chart
from workbench.processes.explainability.measure import ALLOWED_TYPES, CRAMER, ETA
from workbench.ui.display import proposed_risks, show_figure, show_html, table


def summary(run) -> None:
    """The top features in plain words, and the proxies among them: what to act on."""
    r = run.results
    words = top_features_in_words(r.model_dump(mode="json"), r.top)
    items = Markup().join(Markup("<li>{}</li>").format(s) for s in words)
    head = Markup("<h2>Summary</h2><p>What the model's decisions depend on most, measured on {:,} rows of "
                  "dataset {}:</p><ol>{}</ol>").format(r.rows, r.dataset["dataset_id"], items)
    if not r.proxies:
        show_html(head + Markup("<p class='ok'>None of the top {} features is a sensitive attribute or goes with one "
                                "at or above the threshold {:g}.</p>").format(r.top, r.threshold))
        return
    show_html(head + table(("Feature", "Rank", "Why it is a proxy"),
                           [(p.feature, p.rank, reason(p, r.threshold)) for p in r.proxies], numeric=[1],
                           caption=f"{len(r.proxies)} proxy finding(s) among the top {r.top} features"))


def importance(run) -> None:
    """Every feature's importance over all rows, with how it was measured."""
    r = run.results
    if r.method == "permutation":
        how = Markup("<p class='note'>Permutation importance (scikit-learn's <code>permutation_importance</code>): "
                     "each feature's values are shuffled {} times (seed {}) and the model's {} measured again; the "
                     "importance is the mean drop (its {} without shuffling is {:.3f}), ± one standard deviation over "
                     "the repeats. {:,} of the dataset's {:,} rows were used.</p>").format(
            r.repeats, r.seed, r.scoring, r.scoring, r.score, r.rows, r.dataset_rows)
        rows = [(n, f.feature, f"{f.mean:.4f}", f"{f.std:.4f}") for n, f in enumerate(r.features, start=1)]
        columns = ("Rank", "Feature", f"Drop in {r.scoring}", "Standard deviation")
    else:
        how = Markup("<p class='note'>The mean absolute value of each feature's attribution over the {:,} predictions "
                     "of the attributions file that the team's pipeline exported (for example SHAP values); larger "
                     "means the feature moves the model's output more.</p>").format(r.rows)
        rows = [(n, f.feature, f"{f.mean:.4g}") for n, f in enumerate(r.features, start=1)]
        columns = ("Rank", "Feature", "Mean absolute attribution")
    show_html(Markup("<h2>Feature importance</h2>") + how
              + table(columns, rows, numeric=[0, 2, 3], caption="Every feature, the most important first"))
    show_figure(importance_chart(r.features, {p.feature for p in r.proxies}, r.method, r.scoring),
                "Feature importance")


def groups(run) -> None:
    """Each feature's importance within each group of each sensitive attribute."""
    r = run.results
    order = [f.feature for f in r.features]
    show_html(Markup("<h2>Feature importance per group</h2><p class='note'>The same measure on the rows of each "
                     "group alone ({}): a feature that matters far more in one group than in another is a "
                     "question for the impact assessment. Within a group of an attribute, the attribute itself does "
                     "not vary, so it has no importance there.</p>").format(axis_title(r.method, r.scoring)))
    for attribute in dict.fromkeys(g.attribute for g in r.groups):
        found = [g for g in r.groups if g.attribute == attribute]
        value = {(g.group, i.feature): i.mean for g in found for i in g.importances}
        show_html(table(("Feature", *(f"{g.group} ({g.rows} rows)" for g in found)),
                        [(f, *(f"{value[g.group, f]:.4f}" for g in found)) for f in order],
                        numeric=range(1, len(found) + 1), caption=f"Importance by {attribute}"))
        show_figure(group_chart(attribute, found, order, r.method, r.scoring), f"Feature importance by {attribute}")


def associations(run) -> None:
    """How strongly each feature goes with each sensitive attribute, against the threshold."""
    r = run.results
    top = [f.feature for f in r.features if f.mean > 0][:r.top]
    rows = [(a.feature, a.attribute, a.measure, f"{a.value:.3f}",
             ("proxy (a top feature)" if a.feature in top else "strong, not a top feature")
             if a.value >= r.threshold else "below the threshold") for a in r.associations]
    show_html(Markup("<h2>Association with sensitive attributes</h2><p class='note'>A feature is a proxy when it is "
                     "among the top {} features and is a sensitive attribute, or goes with one at or above {:g}: "
                     "{} for a categorical feature, the {} for a numeric one (both from 0, none, to 1, the one "
                     "determines the other), over the rows where both are filled.</p>").format(
        r.top, r.threshold, CRAMER, ETA)
        + table(("Feature", "Sensitive attribute", "Measure", "Value", "Finding"), rows, numeric=[3],
                caption="Every feature against every sensitive attribute"))


def source(run) -> None:
    """What was measured: the model or attributions file and the dataset, with their hashes."""
    r = run.results
    d = r.dataset
    rows = [("Method", "permutation importance of the model" if r.method == "permutation" else
             "attributions exported by the team's pipeline"),
            ("Model file" if r.method == "permutation" else "Attributions file", r.source),
            ("SHA-256", r.source_sha256)]
    if r.method == "permutation":
        rows += [("Model", r.model), ("Types loaded beyond skops' trusted ones (allow-list)", ", ".join(ALLOWED_TYPES))]
    rows += [("Dataset", f"{d['name']} ({d['dataset_id']}), version {d['seq']}, role {d['role']}"),
             ("Dataset location", d["location"]), ("Dataset SHA-256 registered", d["sha256"]),
             ("Dataset SHA-256 measured", r.dataset_sha256)]
    notes = []
    if r.dataset_sha256 != d["sha256"]:
        notes.append(Markup("<p class='breach'>The dataset's file changed since it was registered (SHA-256 differs)."
                            "</p>"))
    if d["role"] == "training":
        notes.append(Markup("<p class='note'>The model is explained on the data it was trained on; on unseen data "
                            "its dependence on each feature may differ.</p>"))
    show_html(Markup("<h2>Model and data</h2>") + Markup().join(notes)
              + table(("What", "Value"), rows, caption="The files measured"))


def risks(run) -> None:
    """Each proxy proposed as a risk for the system's risk assessment."""
    show_html(proposed_risks(run.results.proposed_risks, "No proxy among the top features, so no risk is proposed.",
                             cites="A.5.4 and A.7.4"))
