"""Fits scikit-learn's HistGradientBoosting or XGBoost (tree_method=hist) on a CSV with the
settings of bench/gbdt.mjs and prints fit seconds, the test score, batch and single-row
prediction speed and peak memory as JSON (the peer side of bench/gbdt.mjs).

    /usr/bin/python3 bench/peers/gbdt_python.py sklearn|xgboost FILE TARGET TASK THREADS

Rows whose index is a multiple of 5 are the test set; the rest train. Text columns are
categorical (pandas category dtype for XGBoost, ordinal codes declared categorical for
scikit-learn), so both split them natively as keel does.
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.metrics import mean_squared_error, roc_auc_score

library, path, target, task, threads = sys.argv[1:6]
threads = int(threads)
frame = pd.read_csv(path)
y = frame.pop(target).to_numpy()
text = [c for c in frame.columns if frame[c].dtype == object]
for column in text:
    frame[column] = frame[column].astype("category")
test = np.arange(len(frame)) % 5 == 0
settings = dict(trees=100, learning_rate=0.1, leaves=31, bins=255)

if library == "sklearn":
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    X = frame.copy()
    for column in text:
        X[column] = X[column].cat.codes.astype(float)
    X = X.to_numpy(float)
    kind = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    model = kind(
        max_iter=settings["trees"],
        learning_rate=settings["learning_rate"],
        max_leaf_nodes=settings["leaves"],
        max_bins=settings["bins"],
        early_stopping=False,
        categorical_features=[c in text for c in frame.columns] if text else None,
    )
else:
    import xgboost as xgb

    X = frame
    kind = xgb.XGBRegressor if task == "regression" else xgb.XGBClassifier
    model = kind(
        n_estimators=settings["trees"],
        learning_rate=settings["learning_rate"],
        max_leaves=settings["leaves"],
        max_depth=0,
        grow_policy="lossguide",
        max_bin=settings["bins"],
        tree_method="hist",
        n_jobs=threads,
        enable_categorical=bool(text),
    )

train_X = X[~test] if isinstance(X, np.ndarray) else X.loc[~test]
test_X = X[test] if isinstance(X, np.ndarray) else X.loc[test]
start = time.perf_counter()
model.fit(train_X, y[~test])
fit_seconds = time.perf_counter() - start

start = time.perf_counter()
if task == "regression":
    predicted = model.predict(test_X)
    score = {"rmse": float(mean_squared_error(y[test], predicted) ** 0.5)}
else:
    predicted = model.predict_proba(test_X)[:, 1]
    score = {"auc": float(roc_auc_score(y[test], predicted))}
batch_seconds = time.perf_counter() - start

# Single rows, one call each, as a service would see them.
one = model.predict if task == "regression" else model.predict_proba
latencies = []
for i in range(300):
    row = test_X[i : i + 1] if isinstance(test_X, np.ndarray) else test_X.iloc[i : i + 1]
    start = time.perf_counter()
    one(row)
    latencies.append(time.perf_counter() - start)
latencies.sort()
print(
    json.dumps(
        {
            "fitSeconds": fit_seconds,
            **score,
            "predictRowsPerSecond": int(test.sum()) / batch_seconds,
            "singleRowMs": {"median": latencies[150] * 1e3, "p99": latencies[296] * 1e3},
            "peakMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
