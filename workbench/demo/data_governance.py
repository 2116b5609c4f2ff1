"""The demo's data governance: the credit-scoring model's datasets in the register, and a data
quality assessment of its training set, which has an under-represented age band and a few missing
incomes that the evidence flags (generated, seeded: every demo has the same numbers)."""

from __future__ import annotations

from copy import deepcopy
from datetime import date, timedelta
from pathlib import Path

SYSTEM = "credit-scoring"
BANDS = {"18-34": 0.30, "35-54": 0.45, "55+": 0.25}  # reference shares of the applicant population
SAMPLED = {"18-34": 0.36, "35-54": 0.55, "55+": 0.09}  # what the sample holds: 55+ under-represented


def applications(rows: int = 4000, seed: int = 5150):
    """The bureau extract: one row per past credit application, a few incomes missing."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    band = rng.choice(list(SAMPLED), size=rows, p=list(SAMPLED.values()))
    income = rng.normal(42_000, 12_000, rows).round(-2).clip(8_000, 250_000)
    income[rng.choice(rows, size=31, replace=False)] = np.nan
    chance = rng.random(rows)  # drawn where it always was, so every other column keeps its values
    sex = rng.choice(["female", "male"], size=rows)
    loan, term = rng.integers(1_000, 15_000, rows), rng.choice([12, 24, 36, 60], rows)
    # repaid (1) more often with a higher income, a smaller loan, a shorter term and an older applicant,
    # so that a model trained on it has something to explain
    odds = (0.75 + 1.1 * (np.nan_to_num(income, nan=42_000) - 42_000) / 12_000 - 0.6 * (loan - 8_000) / 4_000
            - 0.2 * (term - 33) / 18 + pd.Series(band).map({"18-34": -0.5, "35-54": 0.1, "55+": 0.6}).to_numpy())
    label = (chance < 1 / (1 + np.exp(-odds))).astype(int)
    return pd.DataFrame({"application_id": np.arange(100_001, 100_001 + rows), "age_band": band, "sex": sex,
                         "income": income, "loan_amount": loan, "term_months": term, "label": label,
                         "note": rng.choice(["", "salary verified", "second applicant", "self-employed"], size=rows)})


def write_datasets(root: Path) -> dict[str, str]:
    """Write the raw extract and the training set under ``root``; return their paths relative to it."""
    folder = root / "data" / SYSTEM
    folder.mkdir(parents=True, exist_ok=True)
    raw = applications()
    raw.to_csv(folder / "bureau-extract.csv", index=False)
    raw.drop(columns=["note"]).to_csv(folder / "training.csv", index=False)
    return {"bureau-extract": f"data/{SYSTEM}/bureau-extract.csv", "training": f"data/{SYSTEM}/training.csv"}


def dataset_entries(paths: dict[str, str], today: date) -> list[dict]:
    """The register entries of the two datasets, the training set derived from the extract."""
    common = {"licence": "Data-sharing agreement DSA-2024-17 with the credit bureau; internal use only",
              "personal_data": ["age band", "sex", "income"], "legal_basis": "legitimate interest (credit risk)",
              "retention": "7 years after the application, as credit regulation requires", "owner": "amara"}
    return [
        {"id": "bureau-extract", "name": "Credit bureau extract 2021-2025", "role": "reference", "source": "supplier",
         "supplier": "Example Credit Bureau Ltd", "acquisition": "Monthly SFTP delivery under the data-sharing agreement",
         "location": paths["bureau-extract"], **deepcopy(common)},
        {"id": "training", "name": "Credit scoring training set v4", "role": "training", "source": "internal",
         "acquisition": "Prepared from the bureau extract by the data science team", "location": paths["training"],
         "derived_from": ["bureau-extract"], **deepcopy(common), "preparation": [
             {"step": "cleaning", "description": "Dropped the free-text note column; kept rows with a missing income "
              "for imputation at training time", "by": "amara", "on": (today - timedelta(days=20)).isoformat()},
             {"step": "sampling", "description": "Stratified by outcome, 4,000 applications", "by": "amara",
              "on": (today - timedelta(days=19)).isoformat()}]},
    ]


EXTRACT_ANSWERS = {
    "columns": [{"column": "application_id", "type": "integer", "unique": True},
                {"column": "income", "type": "number", "minimum": 0, "completeness": 0.99}],
    "free_of_direct_identifiers": True,
    "text_columns": ["note"],
}
ANSWERS = {
    "columns": [
        {"column": "application_id", "type": "integer", "unique": True},
        {"column": "age_band", "type": "category", "allowed": list(BANDS)},
        {"column": "sex", "type": "category", "allowed": ["female", "male"]},
        {"column": "income", "type": "number", "minimum": 0, "maximum": 1_000_000, "completeness": 0.995},
        {"column": "loan_amount", "type": "integer", "minimum": 500, "maximum": 50_000},
        {"column": "term_months", "type": "integer", "allowed": ["12", "24", "36", "60"]},
        {"column": "label", "type": "integer", "allowed": ["0", "1"]},
    ],
    "row_checks": [{"left": "loan_amount", "operator": "<=", "right": "income", "validity": 0.95}],
    "duplicates": 0.0,
    "label": "label",
    "label_balance": 0.2,
    "representation": [{"attribute": "age_band", "reference": BANDS, "tolerance": 0.8},
                       {"attribute": "sex", "reference": {"female": 0.5, "male": 0.5}, "tolerance": 0.9}],
    "free_of_direct_identifiers": False,
}
