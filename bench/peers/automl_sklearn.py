"""The Python side of bench/automl.mjs: outer folds, scikit-learn baselines, and one scorer for all.

    /usr/bin/python3 bench/peers/automl_sklearn.py folds FILE TARGET TASK OUT
    /usr/bin/python3 bench/peers/automl_sklearn.py evaluate FILE TARGET TASK CATEGORICAL FOLDS KEEL_JSON

`folds` writes the outer fold (0-4) of every row as a JSON array: StratifiedKFold for
classification, KFold for regression, both shuffled with random_state=0. keel reads the
same file, so every system trains and is tested on exactly the same rows.

`evaluate` fits three baselines on each outer fold (default HistGradientBoosting, a
300-tree RandomForest, a linear pipeline), reads keel's held-out predictions from
KEEL_JSON, and scores every system with the same scikit-learn function: roc_auc for
binary, log_loss for multiclass, rmse for regression. It prints one JSON object with
the per-fold scores and seconds of each system. CATEGORICAL is a comma-separated list
(may be empty); text columns are treated as categorical too.
"""
import json
import math
import sys
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss, mean_squared_error, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

OUTER_FOLDS = 5
THREADS = 2


def label_text(value):
    """A class label as keel writes it: numbers as JavaScript's String(n) would (7, not 7.0)."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def read(path, target):
    frame = pd.read_csv(path)
    y = frame.pop(target)
    if y.dtype == bool or y.dtype == object:
        # Words as the file writes them (yes/no, TRUE/false): keel's classes keep them, where
        # pandas would turn TRUE into True.
        y = pd.read_csv(path, usecols=[target], dtype=str, keep_default_na=False)[target]
    return frame, y


def outer_folds(y, task):
    splitter = (KFold if task == "regression" else StratifiedKFold)(
        n_splits=OUTER_FOLDS, shuffle=True, random_state=0
    )
    fold_of_row = np.empty(len(y), dtype=int)
    for fold, (_, test) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fold_of_row[test] = fold
    return fold_of_row


def categorical_columns(frame, declared):
    text = [c for c in frame.columns if frame[c].dtype == object]
    return [c for c in frame.columns if c in declared or c in text]


def hgb(task, frame, categorical):
    """Default HistGradientBoosting; categoricals as ordinal codes it splits natively.

    Seeded: above 10,000 rows its early stopping holds out a random tenth, which otherwise
    moves the score between runs (letter's log loss by ~0.005).
    """
    kind = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    if not categorical:
        return kind(random_state=0)
    numeric = [c for c in frame.columns if c not in categorical]
    encode = ColumnTransformer(
        [
            (
                "categories",
                # NaN, not -1, for a missing or unseen category: HistGradientBoosting takes NaN as
                # missing, and a negative code fails in scikit-learn 1.2 (OverflowError).
                OrdinalEncoder(
                    handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
                ),
                categorical,
            ),
            ("numbers", "passthrough", numeric),
        ]
    )
    # The encoder puts the categorical columns first.
    flags = [True] * len(categorical) + [False] * len(numeric)
    return make_pipeline(encode, kind(categorical_features=flags, random_state=0))


def random_forest(task, frame, categorical):
    """300 trees; scikit-learn 1.2's forests take no NaN, so medians fill gaps; categoricals as codes."""
    kind = RandomForestRegressor if task == "regression" else RandomForestClassifier
    numeric = [c for c in frame.columns if c not in categorical]
    encode = ColumnTransformer(
        [
            ("numbers", SimpleImputer(strategy="median"), numeric),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                ),
                categorical,
            ),
        ]
    )
    return make_pipeline(encode, kind(n_estimators=300, n_jobs=THREADS, random_state=0))


def linear(task, frame, categorical):
    """Median imputation + scaling for numbers, one-hot for categories, then Ridge or LogisticRegression."""
    numeric = [c for c in frame.columns if c not in categorical]
    encode = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
                ),
                categorical,
            ),
        ]
    )
    model = Ridge() if task == "regression" else LogisticRegression(max_iter=1000)
    return make_pipeline(encode, model)


BASELINES = {"hgb": hgb, "rf": random_forest, "linear": linear}


def baseline_predictions(name, task, X, y, fold_of_row, categorical, labels):
    """Per outer fold: held-out rows, their predictions (values, or probabilities in `labels` order), seconds."""
    folds = []
    for fold in range(OUTER_FOLDS):
        train, test = fold_of_row != fold, fold_of_row == fold
        start = time.perf_counter()
        model = BASELINES[name](task, X, categorical).fit(X[train], y[train])
        if task == "regression":
            output = {"predictions": model.predict(X[test]).tolist()}
        else:
            proba = model.predict_proba(X[test])
            order = [list(map(label_text, model.classes_)).index(label) for label in labels]
            output = {"probabilities": proba[:, order].tolist()}
        folds.append(
            {"testRows": np.flatnonzero(test).tolist(), "seconds": time.perf_counter() - start, **output}
        )
    return folds


def keel_predictions(path, labels):
    """keel's held-out predictions, with probability columns put in `labels` order."""
    with open(path) as handle:
        result = json.load(handle)
    if result.get("error"):
        return None, result
    folds = []
    for fold in result["folds"]:
        if fold.get("error"):
            return None, result
        entry = {"testRows": fold["testRows"], "seconds": fold["seconds"]}
        if "probabilities" in fold:
            k = len(fold["classes"])
            flat = np.asarray(fold["probabilities"], dtype=float).reshape(-1, k)
            entry["probabilities"] = flat[:, [fold["classes"].index(label) for label in labels]]
        else:
            entry["predictions"] = fold["predictions"]
        folds.append(entry)
    return folds, result


def score(task, y_codes, fold):
    """The task's default metric on one fold's held-out rows: the same call for every system."""
    rows = np.asarray(fold["testRows"])
    truth = y_codes[rows]
    if task == "regression":
        return float(math.sqrt(mean_squared_error(truth, np.asarray(fold["predictions"], dtype=float))))
    proba = np.asarray(fold["probabilities"], dtype=float)
    if task == "binary":
        return float(roc_auc_score(truth, proba[:, 1]))
    return float(log_loss(truth, proba, labels=list(range(proba.shape[1]))))


def check_rows(folds, fold_of_row, system):
    for index, fold in enumerate(folds):
        expected = np.flatnonzero(fold_of_row == index)
        if not np.array_equal(np.sort(np.asarray(fold["testRows"])), expected):
            raise SystemExit(f"{system}: fold {index} was tested on other rows than the outer fold")


def summary(task, y_codes, folds, fold_of_row, system):
    check_rows(folds, fold_of_row, system)
    scores = [score(task, y_codes, fold) for fold in folds]
    return {
        "scores": scores,
        "mean": float(np.mean(scores)),
        "se": float(np.std(scores, ddof=1) / math.sqrt(len(scores))),
        "seconds": float(sum(fold["seconds"] for fold in folds)),
    }


def evaluate(path, target, task, declared, folds_path, keel_path):
    X, y = read(path, target)
    with open(folds_path) as handle:
        fold_of_row = np.asarray(json.load(handle))
    categorical = categorical_columns(X, declared)
    if task == "regression":
        labels, y_codes = [], y.to_numpy(float)
    else:
        # Class order: sorted as the column's own values (numbers numerically), named as keel names them.
        values = np.unique(y.to_numpy())
        labels = [label_text(v) for v in values]
        y_codes = np.searchsorted(values, y.to_numpy())
    systems = {}
    for name in BASELINES:
        folds = baseline_predictions(name, task, X, y.to_numpy(), fold_of_row, categorical, labels)
        systems[name] = summary(task, y_codes, folds, fold_of_row, name)
        print(f"  {name}: {systems[name]['mean']:.4f} in {systems[name]['seconds']:.1f} s", file=sys.stderr)
    keel_folds, _ = keel_predictions(keel_path, labels)
    if keel_folds is not None:
        systems["keel"] = summary(task, y_codes, keel_folds, fold_of_row, "keel")
    return {"categorical": categorical, "labels": labels, "systems": systems}


def main():
    mode = sys.argv[1]
    if mode == "folds":
        path, target, task, out = sys.argv[2:6]
        _, y = read(path, target)
        with open(out, "w") as handle:
            json.dump(outer_folds(y, task).tolist(), handle)
    elif mode == "evaluate":
        path, target, task, declared, folds_path, keel_path = sys.argv[2:8]
        declared = [c for c in declared.split(",") if c]
        print(json.dumps(evaluate(path, target, task, declared, folds_path, keel_path)))
    else:
        raise SystemExit(f"unknown mode {mode}: use folds or evaluate")


if __name__ == "__main__":
    main()
