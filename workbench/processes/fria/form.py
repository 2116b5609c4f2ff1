"""The FRIA form: Art. 27(1)(a) to (f) in order, started, for a system with no FRIA yet, from what its
latest impact assessment says (cited by run id)."""

from __future__ import annotations

from markupsafe import escape

from workbench.exceptions import InputError
from workbench.processes.fria.answers import RIGHTS
from workbench.processes.fria.assessment import NAME, prefill
from workbench.ui.builder import Items, Spec, people
from workbench.ui.form import ProcessForm


def categories(form) -> list[str]:
    """Suggestions: the ids of the affected categories (c) typed so far."""
    return [c["id"] for c in form.answers().get("affected", []) if c.get("id")]


def harms(form) -> list[str]:
    """Suggestions: the ids of the risks of harm (d) typed so far."""
    return [r["id"] for r in form.answers().get("risks", []) if r.get("id")]


def rights(_form) -> list[tuple[str, str]]:
    return [(title, key) for key, title in RIGHTS.items()]


def titled(item: dict) -> str:
    return f"{item.get('id') or '?'}: {item.get('title') or item.get('name') or item.get('measure') or '(untitled)'}"


class FriaForm(ProcessForm):
    """The widget form of the fundamental rights impact assessment of one system."""

    process = NAME
    body_title = "Fundamental rights impact assessment (Art. 27)"
    custom = {
        "impact_assessment": Spec("Impact assessment it builds on (run id; empty: the latest)"),
        "processes": Items(add="Add process", noun="process", label="(a) Processes in which the system is used",
                           title=lambda p: p.get("name") or "(unnamed)"),
        "period_of_use": Spec("(b) Period and frequency of use"),
        "affected": Items(add="Add category", noun="category", label="(c) Persons and groups likely affected",
                          title=titled),
        "provider_information": Spec("(d) Provider's information (instructions for use, Art. 13)"),
        "risks": Items(add="Add risk", noun="risk of harm", ids="H", label="(d) Specific risks of harm", title=titled),
        "risks.affected": Spec("Categories it harms (their ids)", suggest=categories),
        "risks.rights": Spec("Fundamental rights at stake", options=rights),
        "oversight": Items(add="Add measure", noun="oversight measure", label="(e) Human oversight",
                           title=lambda o: (o.get("measure") or "(undescribed)")[:80]),
        "oversight.responsible": Spec(options=people),
        "measures": Items(add="Add measure", noun="measure", ids="M", label="(f) Measures if the risks materialise",
                          title=titled),
        "measures.risks": Spec("Risks it answers (their ids)", suggest=harms),
        "measures.owner": Spec(options=people),
        "governance": Spec("(f) Internal governance"),
        "complaints": Spec("(f) Complaint mechanism"),
        "notification": Spec("Notification of the market surveillance authority (Art. 27(3))"),
        "dpia": Spec("Data protection impact assessment it complements (Art. 27(4))"),
    }

    def fresh(self) -> tuple[dict, str] | None:
        """A system's first FRIA starts from its latest impact assessment."""
        try:
            answers = prefill(self.workspace, self.system_id)
        except InputError as err:
            return {}, f"<p>{escape(err.problems[0].message)}</p>"
        return answers, (f"<p>Started from impact assessment <code>{escape(answers['impact_assessment'])}</code>: "
                         "what it says is filled in. Check it, and add what only the deployer knows.</p>")
