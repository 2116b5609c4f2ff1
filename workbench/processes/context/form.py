"""The context form: the issues, the interested parties and their requirements, and the AIMS scope
with one entry per registered AI system."""

from __future__ import annotations

from workbench.ui.builder import Items, Row, Rows, Spec
from workbench.ui.form import ProcessForm


def registered_systems(form) -> list[Row]:
    """One scope entry per registered AI system."""
    return [Row(s["id"], s["name"]) for s in sorted(form.workspace.register.rows("systems"), key=lambda s: s["id"])]


def addressing(form) -> list[str]:
    """Examples of what addresses an issue: the installed processes, the risks of each system's latest risk
    assessment, and the Annex A controls."""
    from workbench.processes import processes
    from workbench.processes.soa.assessment import latest_runs

    risks = [f"{r['system_id']}/{r['risk_id']}" for run in latest_runs(form.workspace, "risk-assessment")
             for r in sorted(form.workspace.register.rows("risks", run_id=run["run_id"]), key=lambda r: r["risk_id"])]
    return list(processes()) + risks + form.workspace.content.control_ids()


class ContextForm(ProcessForm):
    """The widget form of the context of the organisation, filled in by an AIMS manager."""

    process = "context"
    body_title = "Context of the organisation"
    custom = {
        "issues": Items(add="Add issue", noun="issue", ids="E", label="Internal and external issues (4.1)"),
        "issues.effect": Spec("Effect on the AIMS"),
        "issues.addressed_by": Spec("Addressed by", suggest=addressing),
        "climate_change": Spec("Climate change (Amd 1:2024)"),
        "parties": Items(add="Add interested party", noun="interested party", label="Interested parties (4.2)"),
        "requirements": Items(add="Add requirement", noun="requirement", ids="Q",
                              label="Requirements of the interested parties", overflow="how"),
        "requirements.party": Spec("Interested party (its id)"),
        "requirements.how": Spec("How the AIMS addresses it", when=lambda values: bool(values.get("addressed"))),
        "requirements.addressed_by": Spec("Addressed by", suggest=addressing,
                                          when=lambda values: bool(values.get("addressed"))),
        "requirements.reason": Spec("Why the AIMS does not address it",
                                    when=lambda values: not values.get("addressed")),
        "scope": Spec("Scope of the AIMS (4.3)"),
        "scope.systems": Rows(key="system", rows=registered_systems, noun="AI system",
                              label="AI systems in and out of scope, with the organisation's AI roles",
                              empty="No AI system is registered yet."),
        "scope.systems.in_scope": Spec("In the AIMS scope"),
        "scope.systems.roles": Spec("The organisation's AI roles"),
        "scope.systems.reason": Spec("Why it is out of scope", when=lambda values: not values.get("in_scope")),
    }
