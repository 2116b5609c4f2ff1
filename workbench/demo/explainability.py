"""The demo's explainability: the credit-scoring model is trained on the demo's training set (seeded,
in about a second), saved with skops into the workspace, registered as a model version of its
system and explained. Its age band ranks among its top features, so the evidence flags it as a proxy."""

from __future__ import annotations

from pathlib import Path

import yaml

SYSTEM = "credit-scoring"
MODEL = "scorecard-v4"
FEATURES = ["age_band", "income", "loan_amount", "term_months"]
ANSWERS = {"model": f"models/{SYSTEM}/{MODEL}.skops", "dataset": "training", "label": "label", "features": FEATURES,
           "sensitive_attributes": ["age_band", "sex"], "association_threshold": 0.3, "top_features": 3,
           "repeats": 5, "seed": 42, "max_rows": 2000}


def train_model(root: Path, training: str) -> str:
    """Fit the scorecard (a random forest behind one-hot encoding and imputation) on the training set at
    ``training`` and save it with skops under ``root``; return its path relative to ``root``."""
    import pandas as pd
    import skops.io as sio
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = pd.read_csv(root / training)
    model = make_pipeline(
        make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["age_band"]),
                                remainder=SimpleImputer(strategy="median")),
        RandomForestClassifier(n_estimators=40, max_depth=5, random_state=7))
    model.fit(frame[FEATURES], frame["label"])
    path = root / ANSWERS["model"]
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, path)
    return ANSWERS["model"]


def run_explainability(workspace, examples: Path, progress):
    """Train and register the model version, then explain it on the training set."""
    from workbench.pipeline.run import run_process
    from workbench.processes.data_quality.datasets import current

    progress(f"training and explaining the {SYSTEM} model ...")
    location = train_model(workspace.root, current(workspace, SYSTEM, "training")["location"])
    workspace.add_item(SYSTEM, {"id": MODEL, "kind": "model", "name": "Scorecard v4 (random forest)",
                                "description": f"Trained on the training set v4; saved with skops at {location}"},
                       person="amara")
    answers_file = examples / f"explainability-{SYSTEM}.yaml"
    answers_file.write_text(yaml.safe_dump(ANSWERS, sort_keys=False))
    return run_process(workspace, "explainability", SYSTEM, answers_file, assessor="tomas", item_id=MODEL)
