"""The AI system impact assessment (ISO/IEC 42001 6.1.4, 8.4, A.5): answers to the questionnaire,
the impact level I to IV, the EU AI Act classification and the measured fairness."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from workbench.processes.impact_assessment.settings import IMPACT_LEVELS, ImpactCriteria
from workbench.validate import Strict
from workbench.processes.impact_assessment.questionnaire import (Question, Questionnaire, load_questionnaire,
                                                             questionnaire_of)
from workbench.processes.impact_assessment.fairness import FairnessResults, FairnessSpec, assess_fairness, load_predictions
from workbench.processes.risk_assessment.assessment import Risk

FAIRNESS_CONTROLS = ("A.5.4", "A.7.4")
Response = str | list[str]


def _question_ids(schema: dict) -> None:
    """The schema's keys are the questionnaire's ids (read when a schema is asked for, not on import)."""
    schema["propertyNames"] = {"enum": [q.id for q in load_questionnaire().questions]}


def _questionnaire(info: ValidationInfo) -> Questionnaire:
    """The questionnaire answers are checked against: the workspace's, else the shipped one."""
    workspace = (info.context or {}).get("workspace")
    return questionnaire_of(workspace) if workspace is not None else load_questionnaire()


class ImpactAssessmentAnswers(Strict):
    """What an assessor records: an answer per question (by id) and, optionally, a predictions dataset."""

    model_config = ConfigDict(json_schema_extra={"title": "AI system impact assessment answers"})

    responses: dict[str, Response] = Field(
        description="question id -> option id (single choice), list of option ids (multiple choice) or text",
        json_schema_extra=_question_ids)
    fairness: FairnessSpec | None = Field(default=None, description="the predictions dataset to measure")

    @field_validator("responses")
    @classmethod
    def _known_answers(cls, value: dict[str, Response], info: ValidationInfo) -> dict[str, Response]:
        questionnaire = _questionnaire(info)
        ids = [q.id for q in questionnaire.questions]
        for question_id, answer in value.items():
            if question_id not in ids:
                raise ValueError(f"unknown question {question_id!r}; allowed: {', '.join(ids)}")
            check_answer(questionnaire.question(question_id), answer)
        for q in questionnaire.questions:
            if q.required and visible(questionnaire, value, q) and not value.get(q.id):
                raise ValueError(f"question {q.id} ({q.text}) is required")
        return value

    @field_validator("fairness")
    @classmethod
    def _dataset(cls, value: FairnessSpec | None, info: ValidationInfo) -> FairnessSpec | None:
        workspace = (info.context or {}).get("workspace")
        if value is not None and workspace is not None:
            load_predictions(workspace, value)
        return value


def check_answer(question: Question, answer: Response) -> None:
    """Raise ``ValueError`` naming the question, the value and what is allowed."""
    allowed = [o.id for o in question.options]
    if question.type == "text":
        if not isinstance(answer, str) or len(answer) > 10_000:
            raise ValueError(f"question {question.id} takes text of up to 10000 characters")
    elif question.type == "single":
        if not isinstance(answer, str) or answer not in allowed:
            raise ValueError(f"question {question.id}: {answer!r} is not an option; allowed: {', '.join(allowed)}")
    else:
        if isinstance(answer, str) or len(set(answer)) != len(answer):
            raise ValueError(f"question {question.id} takes a list of distinct options; allowed: {', '.join(allowed)}")
        for item in answer:
            if item not in allowed:
                raise ValueError(f"question {question.id}: {item!r} is not an option; allowed: {', '.join(allowed)}")


def visible(questionnaire: Questionnaire, responses: dict[str, Response], question: Question) -> bool:
    """Whether ``question`` is shown: it has no condition, or the condition's question is shown
    and its answer is one of the listed options."""
    if question.condition is None:
        return True
    parent = questionnaire.question(question.condition.question)
    answer = responses.get(parent.id) or []
    chosen = {answer} if isinstance(answer, str) else set(answer)
    return visible(questionnaire, responses, parent) and bool(chosen & set(question.condition.values))


class QuestionResult(BaseModel):
    """One question as answered, with its score."""

    id: str
    section: str
    text: str
    kind: str
    type: str
    visible: bool
    answered: bool
    answer: list[str]
    answer_text: list[str]
    score: int
    maximum: int


class SectionScore(BaseModel):
    """The scored questions of one section: how many are answered, their score and maximum."""

    id: str
    title: str
    element: str
    questions: int
    answered: int
    impact_score: int
    impact_max: int
    mitigation_score: int
    mitigation_max: int


class ImpactScore(BaseModel):
    """The raw and current scores, the deduction and the level, with the worked calculation."""

    raw: int
    raw_max: int
    mitigation: int
    mitigation_max: int
    mitigation_needed: float
    deduction_applied: bool
    deduction: float
    current: int
    level: Literal[IMPACT_LEVELS]  # type: ignore[valid-type]
    bounds: dict[str, float] = Field(description="level -> highest current score it allows (IV: the maximum)")
    calculation: list[str]
    reason: str


class Classification(BaseModel):
    """The EU AI Act category the answers imply, and whether Art. 27 applies to the deployer."""

    category: Literal["prohibited", "high-risk", "transparency", "minimal"]
    title: str
    reason: str
    prohibited: list[str]
    annex_iii: str
    transparency: list[str]
    deployer: str
    fria_required: bool
    fria_reason: str


class Contradiction(BaseModel):
    """A required measure the answers contradict, and the answer that does; or, with ``unchecked``, a check
    the configuration asks for that the questionnaire cannot answer (it has no such question or option)."""

    measure: str
    question: str
    question_text: str = ""
    answer: str = ""
    unchecked: str = ""


class ImpactAssessmentResults(BaseModel):
    """Every computed result of an impact assessment."""

    questions: list[QuestionResult]
    sections: list[SectionScore]
    score: ImpactScore
    required_measures: list[str]
    classification: Classification
    fairness: FairnessResults | None
    proposed_risks: list[Risk]
    contradicted_measures: list[Contradiction] = Field(default_factory=list)


def question_results(questionnaire: Questionnaire, responses: dict[str, Response]) -> list[QuestionResult]:
    """Each question with its visibility and score; a hidden question scores nothing and has no maximum."""
    results = []
    for q in questionnaire.questions:
        shown = visible(questionnaire, responses, q)
        answer = responses.get(q.id) if shown else None
        chosen = [] if not answer else [answer] if isinstance(answer, str) else list(answer)
        texts = chosen if q.type == "text" else [q.option(c).text for c in chosen]
        score = 0 if q.type == "text" else sum(q.option(c).weight for c in chosen)
        results.append(QuestionResult(id=q.id, section=q.section, text=q.text, kind=q.kind, type=q.type,
                                      visible=shown, answered=bool(chosen), answer=chosen, answer_text=texts,
                                      score=score if q.kind != "info" else 0,
                                      maximum=q.maximum if shown and q.kind != "info" else 0))
    return results


def section_scores(questionnaire: Questionnaire, results: list[QuestionResult]) -> list[SectionScore]:
    """The breakdown by section of the scored, shown questions."""
    rows = []
    for section in questionnaire.sections:
        scored = [r for r in results if r.section == section.id and r.visible and r.kind != "info"]
        impact = [r for r in scored if r.kind == "impact"]
        mitigation = [r for r in scored if r.kind == "mitigation"]
        rows.append(SectionScore(
            id=section.id, title=section.title, element=section.element, questions=len(scored),
            answered=sum(r.answered for r in scored),
            impact_score=sum(r.score for r in impact), impact_max=sum(r.maximum for r in impact),
            mitigation_score=sum(r.score for r in mitigation), mitigation_max=sum(r.maximum for r in mitigation)))
    return rows


def impact_score(sections: list[SectionScore], criteria: ImpactCriteria) -> ImpactScore:
    """Raw score, mitigation deduction and level, as in the Canadian Algorithmic Impact Assessment."""
    raw, raw_max = sum(s.impact_score for s in sections), sum(s.impact_max for s in sections)
    mitigation, mitigation_max = sum(s.mitigation_score for s in sections), sum(s.mitigation_max for s in sections)
    needed = criteria.mitigation_threshold * mitigation_max
    applied = mitigation_max > 0 and mitigation >= needed
    steps = [f"raw impact score = {raw} of a maximum {raw_max}",
             f"mitigation score = {mitigation} of a maximum {mitigation_max}; the deduction needs "
             f"{criteria.mitigation_threshold:g} × {mitigation_max} = {needed:g}"]
    if applied:
        factor = Decimal(1) - Decimal(str(criteria.deduction))
        current = int((factor * raw).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        steps.append(f"{mitigation} ≥ {needed:g}: current = round({factor} × {raw}) = {current}")
    else:
        current = raw
        steps.append(f"{mitigation} < {needed:g}: no deduction, current = raw = {current}")
    bounds = {level: cut * raw_max for level, cut in zip(IMPACT_LEVELS, criteria.cutoffs)}
    bounds["IV"] = float(raw_max)
    level = next((lvl for lvl, bound in bounds.items() if current <= bound), "IV")
    if level == "IV":
        reason = f"current score {current} is above {criteria.cutoffs[-1]:g} × {raw_max} = {bounds['III']:g}"
    else:
        index = IMPACT_LEVELS.index(level)
        lower = f"above {bounds[IMPACT_LEVELS[index - 1]]:g} and " if index else ""
        reason = (f"current score {current} is {lower}at most {criteria.cutoffs[index]:g} × {raw_max} "
                  f"= {bounds[level]:g}")
    steps.append(f"level {level}: {reason}")
    return ImpactScore(raw=raw, raw_max=raw_max, mitigation=mitigation, mitigation_max=mitigation_max,
                       mitigation_needed=needed, deduction_applied=applied, deduction=criteria.deduction,
                       current=current, level=level, bounds=bounds, calculation=steps, reason=reason)


def classify(questionnaire: Questionnaire, results: list[QuestionResult]) -> Classification:
    """The EU AI Act category implied by the chosen options' tags (shown questions only)."""
    chosen = [questionnaire.question(r.id).option(c) for r in results if r.visible and r.type != "text"
              for c in r.answer]
    tags = [(o.text, o.eu) for o in chosen if o.eu]
    prohibited = [f"Art. {t.prohibited} ({text})" for text, t in tags if t.prohibited]
    areas = [(t.annex_iii, text) for text, t in tags if t.annex_iii]
    transparency = [f"Art. {t.transparency} ({text})" for text, t in tags if t.transparency]
    deployer = next((t.deployer for _, t in tags if t.deployer), "")
    annex = areas[0][0] if areas else ""
    if prohibited:
        category, title = "prohibited", "Prohibited practice"
        reason = "The answers name practices the EU AI Act prohibits: " + "; ".join(prohibited) + "."
    elif areas:
        category, title = "high-risk", f"High-risk (Annex III point {annex})"
        reason = f"The intended use falls in Annex III point {annex}: {areas[0][1]}."
    elif transparency:
        category, title = "transparency", "Transparency obligations"
        reason = "No prohibited practice or Annex III area; transparency duties apply: " + "; ".join(transparency) + "."
    else:
        category, title = "minimal", "Minimal risk"
        reason = "No prohibited practice, no Annex III area and no transparency situation is named."
    if category == "high-risk" and transparency:
        reason += " Transparency duties also apply: " + "; ".join(transparency) + "."
    fria, fria_reason = _fria(category, annex, deployer)
    return Classification(category=category, title=title, reason=reason, prohibited=prohibited, annex_iii=annex,
                          transparency=transparency, deployer=deployer, fria_required=fria, fria_reason=fria_reason)


def _fria(category: str, annex: str, deployer: str) -> tuple[bool, str]:
    if category != "high-risk":
        return False, "Art. 27 applies only to deployers of Annex III high-risk systems."
    if annex in ("5(b)", "5(c)"):
        return True, f"Annex III point {annex} (credit scoring or life and health insurance): Art. 27 applies to every deployer."
    if annex == "2":
        return False, "Annex III point 2 (critical infrastructure) is excluded from Art. 27."
    if deployer in ("public-body", "public-service"):
        who = "a body governed by public law" if deployer == "public-body" else "a private provider of public services"
        return True, f"The deployer is {who} using an Annex III high-risk system: Art. 27 applies."
    return False, f"A private deployer of an Annex III point {annex} system is not named in Art. 27."


def proposed_risks(fairness: FairnessResults, workspace) -> list[Risk]:
    """Each fairness breach as a risk for the system's risk assessment, citing A.5.4 and A.7.4."""
    config = workspace.config
    owner = (config.people_with("aims_manager") or config.people)[0].id
    risks = []
    for n, (attribute, d) in enumerate(fairness.breaches, start=1):
        groups = next(a.groups for a in fairness.attributes if a.attribute == attribute)
        low = min(groups, key=lambda g: g.selection_rate)
        side = "below the minimum" if d.bound == "min" else "above the maximum"
        data = {
            "id": f"F{n}", "title": f"{d.title} by {attribute} beyond its threshold"[:200],
            "description": (f"Measured on {fairness.dataset} ({fairness.rows} rows): {d.title.lower()} by "
                            f"{attribute} is {d.value:.3f}, {side} {d.threshold:g}. The lowest selection rate is "
                            f"{low.selection_rate:.3f} for group {low.group!r}."),
            "risk_source": "C.3.4", "objectives": ["C.2.5"],
            "affected_parties": [f"people in group {low.group} ({attribute})"[:200]],
            "inherent_likelihood": 4, "inherent_impact": 4, "existing_controls": [],
            "planned_controls": list(FAIRNESS_CONTROLS), "treatment": "mitigate",
            "residual_likelihood": 4, "residual_impact": 4, "owner": owner,
            "due_date": (date.today() + timedelta(days=90)).isoformat(),
            "rationale": "Proposed by the impact assessment from a measured disparity; rate and treat it in "
                         "the system's risk assessment.",
        }
        risks.append(Risk.model_validate(data, context=workspace.validation_context()))
    return risks


def contradictions(questionnaire: Questionnaire, results: list[QuestionResult], required: list[str],
                   checks: dict[str, dict[str, list[str]]]) -> list[Contradiction]:
    """The required measures the shown answers contradict (``checks``: measure -> question -> options that
    contradict it), and the checks the questionnaire cannot answer, each named."""
    answered = {r.id: r for r in results}
    found = []
    for measure in required:
        for question_id, options in checks.get(measure, {}).items():
            result = answered.get(question_id)
            if result is None:
                found.append(Contradiction(measure=measure, question=question_id,
                                           unchecked="the questionnaire has no such question"))
                continue
            question = questionnaire.question(question_id)
            unknown = [o for o in options if o not in {opt.id for opt in question.options}]
            if unknown:
                found.append(Contradiction(measure=measure, question=question_id, question_text=question.text,
                                           unchecked=f"the question has no option {', '.join(unknown)}"))
            chosen = [question.option(c).text for c in result.answer if c in options] if result.visible else []
            if chosen:
                found.append(Contradiction(measure=measure, question=question_id, question_text=question.text,
                                           answer="; ".join(chosen)))
    return found


def assess(answers: ImpactAssessmentAnswers, workspace) -> ImpactAssessmentResults:
    """Score the answers, classify the use, measure fairness and propose risks for each breach."""
    questionnaire = questionnaire_of(workspace)
    criteria = workspace.config.impact_criteria
    questions = question_results(questionnaire, answers.responses)
    sections = section_scores(questionnaire, questions)
    score = impact_score(sections, criteria)
    fairness = assess_fairness(workspace, answers.fairness, criteria.fairness) if answers.fairness else None
    required = criteria.measures[score.level]
    return ImpactAssessmentResults(
        questions=questions, sections=sections, score=score, required_measures=required,
        classification=classify(questionnaire, questions), fairness=fairness,
        proposed_risks=proposed_risks(fairness, workspace) if fairness else [],
        contradicted_measures=contradictions(questionnaire, questions, required, criteria.measure_checks))


def register_rows(results: dict) -> dict[str, list[dict]]:
    """One register row per impact assessment, so the portfolio can read impact levels."""
    score, classification = results["score"], results["classification"]
    breaches = sum(d["breach"] for a in (results["fairness"] or {}).get("attributes", []) for d in a["disparities"])
    return {"impact_assessments": [{
        "level": score["level"], "raw": score["raw"], "current": score["current"], "max": score["raw_max"],
        "classification": classification["category"], "fria_required": classification["fria_required"],
        "fairness_breaches": breaches}]}


def breaches(results: dict) -> list[str]:
    """Each fairness disparity beyond its configured threshold."""
    fairness = results.get("fairness") or {"attributes": []}
    return [f"fairness breach: {d['title']} by {a['attribute']} is {d['value']:.3f}, "
            f"{'below the minimum' if d['bound'] == 'min' else 'above the maximum'} {d['threshold']}"
            for a in fairness["attributes"] for d in a["disparities"] if d["breach"]]


def headline(results: dict) -> str:
    """One line for the portfolio and the side panel: the impact level and fairness breaches."""
    count = len(breaches(results))
    return f"impact level {results['score']['level']}; " + (f"{count} fairness breach(es)" if count else "no fairness breach")


def portfolio_charts(workspace, latest: list[dict]) -> list[str]:
    """AI systems by impact level, from their latest impact assessments."""
    from collections import Counter

    from workbench.ui.svg import bars

    runs = {r["run_id"] for r in latest}
    levels = Counter(r["level"] for r in workspace.register.rows("impact_assessments") if r["run_id"] in runs)
    return [bars("AI systems by impact level", list(IMPACT_LEVELS), [levels.get(k, 0) for k in IMPACT_LEVELS],
                 ["#2e7d32", "#f9a825", "#ef6c00", "#c62828"])]
