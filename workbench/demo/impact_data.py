"""The demo's impact assessments: answers for each demo system and the predictions datasets the
workbench generates itself (seeded, so every demo has the same numbers)."""

from __future__ import annotations

from pathlib import Path

# per system: sensitive attribute -> group -> (share, base rate, true positive rate, false positive rate)
PROFILES = {
    "credit-scoring": {"attribute": "sex", "seed": 4201, "rows": 2400, "groups": {
        "female": (0.48, 0.62, 0.86, 0.22), "male": (0.52, 0.64, 0.88, 0.24)}},
    "cv-screening": {"attribute": "sex", "seed": 1307, "rows": 1800, "groups": {
        "female": (0.5, 0.35, 0.45, 0.08), "male": (0.5, 0.35, 0.85, 0.25)}},
    "support-assistant": {"attribute": "language", "seed": 2609, "rows": 2000, "groups": {
        "en": (0.6, 0.2, 0.9, 0.05), "de": (0.4, 0.2, 0.88, 0.06)}},
}
AGE_BANDS = ("18-34", "35-54", "55+")


def predictions(system_id: str):
    """The demo predictions of ``system_id`` as a DataFrame: a sensitive attribute, an age band,
    the true label, the predicted label and a score."""
    import numpy as np
    import pandas as pd

    profile = PROFILES[system_id]
    rng = np.random.default_rng(profile["seed"])
    names = list(profile["groups"])
    shares = [profile["groups"][g][0] for g in names]
    group = rng.choice(names, size=profile["rows"], p=shares)
    base, tpr, fpr = (np.array([profile["groups"][g][i] for g in group]) for i in (1, 2, 3))
    label = (rng.random(profile["rows"]) < base).astype(int)
    prediction = (rng.random(profile["rows"]) < np.where(label == 1, tpr, fpr)).astype(int)
    score = np.clip(0.5 + (prediction - 0.5) * rng.uniform(0.1, 0.9, profile["rows"]), 0, 1).round(3)
    return pd.DataFrame({profile["attribute"]: group, "age_band": rng.choice(AGE_BANDS, size=profile["rows"]),
                         "label": label, "prediction": prediction, "score": score})


def write_predictions(root: Path, system_id: str) -> str:
    """Write the demo dataset under ``root``; return its path relative to ``root``."""
    relative = f"data/{system_id}/predictions.csv"
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    predictions(system_id).to_csv(path, index=False, lineterminator="\n")
    return relative


def _fairness(system_id: str) -> dict:
    return {"predictions": f"data/{system_id}/predictions.csv",
            "sensitive_features": [PROFILES[system_id]["attribute"], "age_band"],
            "label": "label", "prediction": "prediction", "score": "score"}


ANSWERS = {
    "credit-scoring": {"responses": {
        "scope-covered": "Scoring model v4.2 in personal-loan decisions up to EUR 50,000; collections models are out of scope.",
        "system-description": "A gradient-boosted model that estimates the probability of default from application and bureau data.",
        "system-autonomy": "recommends",
        "purpose-intended": "Support credit officers in consistent, affordable lending decisions for retail applicants in the EU.",
        "purpose-misuse": "limited",
        "purpose-misuse-description": "Using the score for marketing or collections priority, which it was not validated for.",
        "eu-annex-iii": "credit", "eu-transparency": [], "eu-prohibited": [], "eu-deployer": "private",
        "data-sources": "Application forms, the credit bureau, and five years of the bank's repayment history.",
        "data-personal": "personal", "data-dpia": "yes", "data-representative": "documented",
        "model-origin": "in-house", "model-explainability": "post-hoc",
        "model-performance": "AUC 0.78 on an out-of-time sample; weaker on thin-file applicants.",
        "deployment-geography": "Germany, Austria and the Netherlands; German, English and Dutch.",
        "deployment-scale": "many", "parties-affected": ["non-users"],
        "parties-consulted": "Credit officers, the consumer panel and the data protection officer.",
        "impacts-benefits": "Faster, more consistent decisions; fewer unaffordable loans.",
        "impacts-rights": "high", "impacts-economic": "high", "impacts-health": "little",
        "impacts-reversibility": "likely-reversible", "impacts-duration": "short",
        "impacts-failures": "Wrongful declines delay credit; wrongful approvals lead to over-indebtedness.",
        "measures-oversight": "adverse", "measures-contest": "yes",
        "measures-fairness": ["pre-deployment-test", "monitoring", "thresholds"],
        "measures-notice": "yes", "measures-monitoring": "yes",
        "measures-description": "Reason codes on every decline, quarterly disparity tests and an appeal to a credit officer.",
    }, "fairness": _fairness("credit-scoring")},
    "cv-screening": {"responses": {
        "scope-covered": "The ranker v1.3 for head-office vacancies; sourcing and interviews are out of scope.",
        "system-description": "A text model that ranks CVs by similarity to the profiles of past successful hires.",
        "system-autonomy": "decides-reviewed",
        "purpose-intended": "Let recruiters read the strongest applications first for high-volume vacancies.",
        "purpose-misuse": "serious",
        "purpose-misuse-description": "Rejecting applicants below a cut-off without a person reading their CV.",
        "eu-annex-iii": "employment", "eu-transparency": [], "eu-prohibited": [], "eu-deployer": "private",
        "data-sources": "Eight years of past applications and hiring outcomes; few women in technical roles.",
        "data-personal": "personal", "data-dpia": "no", "data-representative": "no",
        "model-origin": "adapted", "model-explainability": "no",
        "model-performance": "Precision at 20 of 0.61 against past hires; not validated by group.",
        "deployment-geography": "United Kingdom and Ireland; English.",
        "deployment-scale": "thousands", "parties-affected": ["employees", "non-users"],
        "parties-consulted": "Recruiters only.",
        "impacts-benefits": "Shorter time to hire.",
        "impacts-rights": "very-high", "impacts-economic": "high", "impacts-health": "moderate",
        "impacts-reversibility": "hard", "impacts-duration": "long",
        "impacts-failures": "Qualified applicants are never read and lose the chance of the job.",
        "measures-oversight": "sample", "measures-contest": "no", "measures-fairness": [],
        "measures-notice": "no", "measures-monitoring": "partly",
        "measures-description": "Recruiters read a random sample below the cut-off; adverse-impact tests are planned.",
    }, "fairness": _fairness("cv-screening")},
    "support-assistant": {"responses": {
        "scope-covered": "The assistant in web and app chat, its retrieval index and the hand-over to agents.",
        "system-description": "A hosted large language model answering from retrieved product pages.",
        "system-autonomy": "decides-reviewed",
        "purpose-intended": "Answer customers' routine questions at any hour and hand over anything else.",
        "purpose-misuse": "limited",
        "purpose-misuse-description": "Customers treating answers as binding financial advice.",
        "eu-annex-iii": "none", "eu-transparency": ["interacts", "synthetic-content"], "eu-prohibited": [],
        "eu-deployer": "private",
        "data-sources": "Public product pages and the customer's chat messages.",
        "data-personal": "personal", "data-dpia": "yes", "data-representative": "partly",
        "model-origin": "third-party", "model-explainability": "no",
        "model-performance": "92% of test questions answered correctly; hand-over recall 0.9.",
        "deployment-geography": "EU-wide web and app; English and German.",
        "deployment-scale": "massive", "parties-affected": [],
        "parties-consulted": "Support agents and a customer panel.",
        "impacts-benefits": "Answers at any hour; agents spend time on complex cases.",
        "impacts-rights": "little", "impacts-economic": "moderate", "impacts-health": "little",
        "impacts-reversibility": "reversible", "impacts-duration": "brief",
        "impacts-failures": "Wrong answers about fees; a customer may act on them.",
        "measures-oversight": "sample", "measures-contest": "yes", "measures-fairness": ["monitoring"],
        "measures-notice": "yes", "measures-monitoring": "yes",
        "measures-description": "AI notice in every chat, grounding in retrieved pages, hand-over on fee questions.",
    }, "fairness": _fairness("support-assistant")},
}
