"""Fits one scikit-learn model on the first 80% of a CSV's rows, scores the rest,
and prints seconds and scores as JSON (the peer side of bench/models.mjs).

    /usr/bin/python3 bench/peers/models_sklearn.py CASE FILE TARGET [ROWS]
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

case, path, target = sys.argv[1:4]
frame = pd.read_csv(path, nrows=int(sys.argv[4]) if len(sys.argv) > 4 else None)
y = frame.pop(target).to_numpy()
X = frame.to_numpy(float)
cut = int(len(X) * 0.8)
X_train, X_test, y_train, y_test = X[:cut], X[cut:], y[:cut], y[cut:]
result = {}

if case.startswith("random-forest"):
    model = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
elif case == "logistic":
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = LogisticRegression(max_iter=1000)
elif case == "knn":
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    model = KNeighborsClassifier(n_neighbors=5, n_jobs=2)
elif case == "kmeans":
    X_all = StandardScaler().fit_transform(X)
    start = time.perf_counter()
    km = KMeans(n_clusters=8, n_init=1, random_state=0).fit(X_all)
    print(json.dumps({"fitSeconds": time.perf_counter() - start, "inertia": float(km.inertia_)}))
    sys.exit(0)

start = time.perf_counter()
model.fit(X_train, y_train)
result["fitSeconds"] = time.perf_counter() - start
start = time.perf_counter()
predictions = model.predict(X_test)
result["predictSeconds"] = time.perf_counter() - start
result["accuracy"] = float(accuracy_score(y_test, predictions))
if len(np.unique(y)) == 2:
    result["auc"] = float(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))
print(json.dumps(result))
