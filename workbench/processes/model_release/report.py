"""The evidence sections of a model version's release record, drawn in the template's kernel."""

from __future__ import annotations

from markupsafe import Markup

from workbench.ui.display import show_html, table


def summary(run) -> None:
    """What the record finds first: whether the version may be released, and every flag."""
    r = run.results
    met = sum(c.met for c in r.criteria)
    head = Markup("<h2>Summary</h2><p>Model version <strong>{}</strong> ({}), version {}{}: {} of {} acceptance "
                  "criteria met; {}.</p>").format(
        r.model_name, r.model_id, r.version, Markup(", replacing {}").format(r.replaces) if r.replaces else "",
        met, len(r.criteria), f"deployed on {r.deployed_on.isoformat()}" if r.deployed_on else "not deployed")
    release = (Markup("<p class='ok'>Every acceptance criterion is met: the release may be approved by a person "
                      "holding the <strong>{}</strong> role other than {}, who checked it (a sign-off of this "
                      "record).</p>").format(r.approval_role, r.checked_by) if r.verified else
               Markup("<p class='breach'>Release refused: {} acceptance criterion(s) not met. A sign-off may reject "
                      "this record, never approve it.</p>").format(len(r.unmet)))
    flags = (Markup("<ul>{}</ul>").format(Markup().join(Markup("<li class='breach'>{}</li>").format(f) for f in r.flags))
             if r.flags else Markup("<p class='ok'>Nothing flagged.</p>"))
    show_html(head + release + Markup("<h3>Flags</h3>") + flags)


def requirements(run) -> None:
    """The requirements (A.6.2.2), each with the acceptance criteria that verify it."""
    a, r = run.request.answers, run.results
    rows = [(q.id, q.statement, q.source, "; ".join(_criterion(c) for c in r.criteria if c.requirement == q.id)
             or Markup("<span class='breach'>none</span>")) for q in a.requirements]
    show_html(Markup("<h2>Requirements</h2>") + table(("ID", "Requirement", "Source", "Verified by"), rows,
                                                      caption="Requirements and specification (A.6.2.2)"))


def design(run) -> None:
    """The design and development choices and their rationale (A.6.2.3), and the training data cited."""
    a, r = run.request.answers, run.results
    choices = table(("Choice", "Rationale"), [(d.choice, d.rationale) for d in a.design_choices],
                    caption="Design and development records (A.6.2.3)")
    data = (table(("Dataset", "Role", "Register version", "SHA-256", "Location"),
                  [(f"{d.name} ({d.dataset_id})", d.role, d.version, Markup("<code>{}</code>").format(d.sha256), d.location)
                   for d in r.training_data],
                  numeric=[2], caption="Training data, as the dataset register holds it (A.7)")
            if r.training_data else Markup("<p class='breach'>No training data is cited from the dataset "
                                           "register.</p>"))
    show_html(Markup("<h2>Design and training data</h2>") + choices + data)


def verification(run) -> None:
    """The figures measured and each acceptance criterion, met or not as computed (A.6.2.4)."""
    v, r = run.request.answers.verification, run.results
    method = Markup("<p>Checked by <strong>{}</strong> on {}. {}</p><p class='note'>A criterion is met when "
                    "<em>value operator threshold</em> holds for the value measured; the workbench computes it from "
                    "the figures below.</p>").format(v.checked_by, v.checked_on.isoformat(), v.method)
    metrics = table(("Metric", "Value", "Measured on"), [(m.name, f"{m.value:g}", m.dataset) for m in v.metrics],
                    numeric=[1], caption="Figures measured")
    criteria = table(("Metric", "Criterion", "Value", "Outcome", "Requirement"),
                     [(c.metric, f"{c.operator} {c.threshold:g}", f"{c.value:g}",
                       Markup("<span class='{}'>{}</span>").format("ok" if c.met else "breach",
                                                                   "met" if c.met else "not met"), c.requirement)
                      for c in r.criteria], numeric=[2], caption="Acceptance criteria")
    show_html(Markup("<h2>Verification and validation</h2>") + method + metrics + criteria)


def deployment(run) -> None:
    """The deployment (A.6.2.5) and the event logs kept (A.6.2.8)."""
    a, r = run.request.answers, run.results
    when = (Markup("<p>Deployed on <strong>{}</strong>.</p>").format(r.deployed_on.isoformat()) if r.deployed_on
            else Markup("<p>Not deployed.</p>"))
    logs = table(("What is logged", "Where", "Kept (months)", "Finding"),
                 [(log.what, log.where, log.retention_months,
                   Markup("<span class='breach'>shorter than {} months</span>").format(r.min_log_retention_months)
                   if log.short else "ok") for log in r.logs], numeric=[2], caption="Event logs kept (A.6.2.8)")
    show_html(Markup("<h2>Deployment and event logs</h2>") + when
              + Markup("<p><strong>Deployment plan:</strong> {}</p>").format(a.deployment_plan) + logs)


def _criterion(c) -> str:
    return f"{c.metric} {c.operator} {c.threshold:g} ({'met' if c.met else 'not met'})"
