"""The demo's production monitoring: six monthly prediction logs of the credit-scoring model
(generated, seeded: every demo has the same numbers), measured in order against the scored training
set. In the last two months the applicants' incomes fall and loans grow (drift), and the model
approves fewer young applicants (fairness degrades), so those two runs breach."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import yaml

SYSTEM = "credit-scoring"
REFERENCE = f"data/{SYSTEM}/scored-training.csv"
MONTHS = 6
ROWS = 3000
BAND_ODDS = {"18-34": -0.5, "35-54": 0.1, "55+": 0.6}
ANSWERS = {
    "prediction_log": f"logs/{SYSTEM}/{{period}}.csv",  # each month's answers name its file and days
    "reference": {"path": REFERENCE},
    "columns": {"timestamp": "timestamp", "prediction": "approved", "score": "score", "label": "repaid",
                "features": ["age_band", "income", "loan_amount", "term_months"],
                "sensitive_features": ["sex", "age_band"]},
    "performance": [{"metric": "accuracy", "threshold": 0.65}, {"metric": "roc_auc", "threshold": 0.7}],
    "drift": {"psi_warn": 0.1, "psi_breach": 0.25, "p_value": 0.01, "bins": 10},
    "fairness": {"demographic_parity_difference_max": 0.4, "demographic_parity_ratio_min": 0.5,
                 "equalized_odds_difference_max": 0.4},
}


def odds(frame, young_penalty: float = 0.0):
    """The scorecard's log-odds of repayment (higher income, smaller loan, shorter term, older: more likely)."""
    income = frame["income"].fillna(42_000).to_numpy()
    band = frame["age_band"].map(BAND_ODDS).to_numpy()
    young = (frame["age_band"] == "18-34").to_numpy()
    return (0.75 + 1.1 * (income - 42_000) / 12_000 - 0.6 * (frame["loan_amount"].to_numpy() - 8_000) / 4_000
            - 0.2 * (frame["term_months"].to_numpy() - 33) / 18 + band - young_penalty * young)


def scored(frame, young_penalty: float = 0.0):
    """The frame with the scorecard's score (probability of repayment, 3 decimals) and its decision."""
    import numpy as np

    score = (1 / (1 + np.exp(-odds(frame, young_penalty)))).round(3)
    return frame.assign(score=score, approved=(score >= 0.5).astype(int))


def month_log(first: date, index: int, rows: int = ROWS):
    """One month's prediction log: applications with the score, the decision and, for most, whether
    the loan was repaid; months 5 and 6 (index 4 and 5) drift and treat young applicants worse."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7100 + index)
    late = index >= MONTHS - 2
    bands = {"18-34": 0.36, "35-54": 0.55, "55+": 0.09} if not late else {"18-34": 0.5, "35-54": 0.42, "55+": 0.08}
    frame = pd.DataFrame({
        "age_band": rng.choice(list(bands), size=rows, p=list(bands.values())),
        "sex": rng.choice(["female", "male"], size=rows),
        "income": rng.normal(34_000 if late else 42_000, 12_000, rows).round(-2).clip(8_000, 250_000),
        "loan_amount": rng.integers(4_000 if late else 1_000, 19_000 if late else 15_000, rows),
        "term_months": rng.choice([12, 24, 36, 60], rows),
    })
    frame = scored(frame, young_penalty=1.2 if late else 0.0)
    truth = 1 / (1 + np.exp(-odds(frame)))
    repaid = (rng.random(rows) < truth).astype(float)
    repaid[rng.random(rows) < 0.25] = np.nan  # outcomes not known yet
    days = (date(first.year + first.month // 12, first.month % 12 + 1, 1) - first).days
    seconds = np.sort(rng.integers(0, days * 86_400, rows))
    stamps = pd.Timestamp(first, tz="UTC") + pd.to_timedelta(seconds, unit="s")
    frame.insert(0, "timestamp", stamps.strftime("%Y-%m-%dT%H:%M:%SZ"))
    frame.insert(1, "application_id", np.arange(200_001 + index * rows, 200_001 + (index + 1) * rows))
    return frame.assign(repaid=pd.array(repaid, dtype="Int64"))


def months(today: date) -> list[date]:
    """The first days of the six months before ``today``'s month, oldest first."""
    first = today.replace(day=1)
    found = []
    for _ in range(MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
        found.append(first)
    return found[::-1]


def write_logs(root: Path, today: date) -> list[tuple[str, date, date]]:
    """Write the six monthly logs under ``root``; return each month's period, first and last day."""
    folder = root / "logs" / SYSTEM
    folder.mkdir(parents=True, exist_ok=True)
    periods = []
    for index, first in enumerate(months(today)):
        period = f"{first:%Y-%m}"
        month_log(first, index).to_csv(folder / f"{period}.csv", index=False, lineterminator="\n")
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        periods.append((period, first, following - timedelta(days=1)))
    return periods


def month_answers(period: str, first: date, last: date) -> dict:
    """One month's answers: its log and its days, so that a periodic review in a later period
    recalculates the same month rather than look for a log of its own period."""
    return {**ANSWERS, "prediction_log": ANSWERS["prediction_log"].replace("{period}", period),
            "period_start": first.isoformat(), "period_end": last.isoformat()}


def write_reference(root: Path, training: str) -> None:
    """Write the training set at ``training`` with the scorecard's scores: the baseline each month is
    compared with (the registered training set holds no scores, so its drift could not be measured)."""
    import pandas as pd

    scored(pd.read_csv(root / training)).to_csv(root / REFERENCE, index=False, lineterminator="\n")


def run_monitoring(workspace, examples: Path, progress) -> list:
    """Write the scored reference and the six logs, and monitor each month, oldest first."""
    from workbench.pipeline.run import run_process
    from workbench.processes.data_quality.datasets import current

    write_reference(workspace.root, current(workspace, SYSTEM, "training")["location"])
    runs = []
    for period, first, last in write_logs(workspace.root, date.today()):
        answers_file = examples / f"monitoring-{SYSTEM}-{period}.yaml"
        answers_file.write_text(yaml.safe_dump(month_answers(period, first, last), sort_keys=False))
        progress(f"monitoring {SYSTEM} in production for {period} ...")
        runs.append(run_process(workspace, "monitoring", SYSTEM, answers_file, period=period, assessor="tomas",
                                effective_date=last.isoformat()))
    return runs
