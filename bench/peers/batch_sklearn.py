"""The scikit-learn side of bench/batch-score.mjs: the same two steps as batch-keel.mjs.

    /usr/bin/python3 bench/peers/batch_sklearn.py train TRAIN TARGET THREADS MODEL
        fits HistGradientBoostingClassifier with the settings of bench/gbdt.mjs and
        pickles it to MODEL;
    /usr/bin/python3 bench/peers/batch_sklearn.py score MODEL SCORE OUT
        reads SCORE with pandas, appends predict_proba's columns and the most
        probable class, writes OUT as CSV (all timed), and prints rows/s and peak
        memory as JSON.
"""
import json
import pickle
import resource
import sys
import time

import numpy as np
import pandas as pd

step, *args = sys.argv[1:]
if step == "train":
    from sklearn.ensemble import HistGradientBoostingClassifier

    train, target, threads, model_path = args
    frame = pd.read_csv(train)
    y = frame.pop(target).to_numpy()
    model = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=31, max_bins=255, early_stopping=False
    ).fit(frame.to_numpy(float), y)
    with open(model_path, "wb") as f:
        pickle.dump({"model": model, "columns": list(frame.columns)}, f)
else:
    model_path, score, out = args
    with open(model_path, "rb") as f:
        saved = pickle.load(f)
    model, columns = saved["model"], saved["columns"]
    start = time.perf_counter()
    frame = pd.read_csv(score)
    proba = model.predict_proba(frame[columns].to_numpy(float))
    frame["prediction"] = model.classes_[np.argmax(proba, axis=1)]
    for k, label in enumerate(model.classes_):
        frame[f"proba_{label}"] = proba[:, k]
    frame.to_csv(out, index=False)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": len(frame), "seconds": seconds, "rowsPerSecond": len(frame) / seconds, "peakMB": peak_mb}))
