"""The Flask side of bench/serve.mjs: scikit-learn's HistGradientBoostingRegressor behind Flask.

    /usr/bin/python3 bench/peers/serve_flask.py train DATA TARGET MODEL
        fits the regressor on every row of DATA (the settings of bench/gbdt.mjs:
        100 trees, learning rate 0.1, 31 leaves, 255 bins, no early stopping;
        text columns ordinal-encoded and declared categorical, so they are split
        natively as keel does) and pickles it, with its encoder, to MODEL; prints
        the versions of scikit-learn, Flask and gunicorn as JSON.

    KEEL_BENCH_FLASK_MODEL=MODEL gunicorn --workers 2 --chdir bench/peers serve_flask:app
        serves it: POST /predict takes a JSON array of row objects (the body keel's
        POST /v1/models/NAME/predict takes) and answers {"predictions": [...]};
        GET /health answers once the model is loaded.

The request path is the one a Flask tutorial writes: rows into a pandas DataFrame,
the encoder, predict, jsonify. Nothing in it is tuned for the benchmark.
"""
import json
import os
import pickle
import sys

import numpy as np
import pandas as pd


def train(data, target, model_path):
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.preprocessing import OrdinalEncoder

    frame = pd.read_csv(data)
    y = frame.pop(target).to_numpy(float)
    text = [c for c in frame.columns if frame[c].dtype == object]
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)
    frame[text] = encoder.fit_transform(frame[text])
    model = HistGradientBoostingRegressor(
        max_iter=100,
        learning_rate=0.1,
        max_leaf_nodes=31,
        max_bins=255,
        early_stopping=False,
        categorical_features=[c in text for c in frame.columns],
    ).fit(frame.to_numpy(float), y)
    with open(model_path, "wb") as f:
        pickle.dump({"model": model, "encoder": encoder, "columns": list(frame.columns), "text": text}, f)
    print(json.dumps(versions()))


def versions():
    from importlib.metadata import version

    import sklearn

    return {"sklearn": sklearn.__version__, "flask": version("flask"), "gunicorn": version("gunicorn")}


def create_app(model_path):
    from flask import Flask, jsonify, request

    with open(model_path, "rb") as f:
        saved = pickle.load(f)
    model, encoder, columns, text = saved["model"], saved["encoder"], saved["columns"], saved["text"]
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return jsonify({"status": "ok"})

    @app.post("/predict")
    def predict():
        rows = request.get_json()
        if not isinstance(rows, list) or not rows:
            return jsonify({"error": "expected a non-empty JSON array of rows"}), 400
        frame = pd.DataFrame(rows, columns=columns)
        frame[text] = encoder.transform(frame[text])
        predictions = model.predict(frame.to_numpy(float))
        return jsonify({"predictions": predictions.tolist()})

    return app


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    if step != "train":
        sys.exit(f"unknown step {step!r}: serve with gunicorn serve_flask:app")
    train(*args)
elif "KEEL_BENCH_FLASK_MODEL" in os.environ:
    app = create_app(os.environ["KEEL_BENCH_FLASK_MODEL"])
