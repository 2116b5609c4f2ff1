"""The risk assessment form: the scope and the risks, each with its inherent and residual level
worked out as the person rates it."""

from __future__ import annotations

from markupsafe import escape

from workbench.processes.risk_assessment.assessment import Risk
from workbench.ui.builder import Items, Spec, controls, people
from workbench.ui.form import ProcessForm


def risk_sources(form) -> list[tuple[str, str]]:
    return [(f"{s.id} {s.title}", s.id) for s in form.workspace.content.risk_sources] + [("other", "other")]


def objectives(form) -> list[tuple[str, str]]:
    return [(f"{o.id} {o.title}", o.id) for o in form.workspace.content.objectives]


def likelihood(form) -> list[tuple[str, int]]:
    return [(f"{s.level} {s.label}", s.level) for s in form.workspace.config.risk_criteria.likelihood]


def impact(form) -> list[tuple[str, int]]:
    return [(f"{s.level} {s.label}", s.level) for s in form.workspace.config.risk_criteria.impact]


def stakeholders(form) -> list[str]:
    return list(form.system.affected_stakeholders) if form.system else []


def title(risk: dict) -> str:
    return f"{risk.get('id') or '?'}: {risk.get('title') or '(untitled)'}"


def levels(form, risk: Risk) -> str:
    """The worked inherent and residual levels, and whether the residual one is above appetite."""
    criteria = form.workspace.config.risk_criteria
    inherent = criteria.level(risk.inherent_likelihood, risk.inherent_impact)
    residual = criteria.level(risk.residual_likelihood, risk.residual_impact)
    warn = " (above appetite)" if criteria.above_appetite(residual.band) else ""
    return f"<p>Inherent: {escape(inherent.calculation)}. Residual: {escape(residual.calculation)}{escape(warn)}.</p>"


class RiskAssessmentForm(ProcessForm):
    """The widget form of the AI risk assessment for one system."""

    process = "risk-assessment"
    body_title = "Risks"
    custom = {
        "scope": Spec("Scope of the assessment"),
        "risks": Items(add="Add risk", noun="risk", ids="R", title=title, note=levels),
        "risks.id": Spec("Risk ID"),
        "risks.risk_source": Spec("Risk source (Annex C)", options=risk_sources),
        "risks.objectives": Spec("AI objectives at stake", options=objectives),
        "risks.affected_parties": Spec(suggest=stakeholders),
        "risks.inherent_likelihood": Spec(options=likelihood),
        "risks.inherent_impact": Spec(options=impact),
        "risks.existing_controls": Spec("Existing controls (Annex A)", options=controls),
        "risks.planned_controls": Spec("Planned controls (Annex A)", options=controls),
        "risks.residual_likelihood": Spec(options=likelihood),
        "risks.residual_impact": Spec(options=impact),
        "risks.owner": Spec("Risk owner", options=people),
    }
