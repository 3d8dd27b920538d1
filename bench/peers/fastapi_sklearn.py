"""Peer for the serving bench (bench/serving-peer.ts): what a team would otherwise deploy, a
FastAPI app under uvicorn (one worker, uvicorn's default logging with its access log) serving a
scikit-learn MLP trained on the same Iris CSV, with the API's request and answer shapes.

  /usr/bin/python3 bench/peers/fastapi_sklearn.py CSV PORT          trains at start, then serves
  /usr/bin/python3 bench/peers/fastapi_sklearn.py train CSV PICKLE   trains and saves the model
  /usr/bin/python3 bench/peers/fastapi_sklearn.py serve PICKLE PORT  loads a saved model, serves

Serving prints one JSON line once the app has started: {"port": PORT, "accuracy": training
accuracy}; the cold-start bench times `serve` from spawn to the first answer of /healthz.
"""
import csv
import json
import pickle
import sys

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.neural_network import MLPClassifier

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def train(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(row[name]) for name in FEATURES] for row in rows])
    y = np.array([row["species"] for row in rows])
    model = MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=500, random_state=7).fit(x, y)
    return model, float(model.score(x, y))


class PredictRequest(BaseModel):
    instances: list[dict[str, float]]


def serve(model, accuracy, port):
    classes = [str(c) for c in model.classes_]
    app = FastAPI()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/v1/models/iris/versions/1:predict")
    def predict(request: PredictRequest):
        x = np.array([[instance[name] for name in FEATURES] for instance in request.instances])
        probabilities = model.predict_proba(x)
        return {
            "predictions": [
                {"label": classes[int(row.argmax())], "probabilities": dict(zip(classes, row.tolist()))}
                for row in probabilities
            ]
        }

    @app.on_event("startup")
    def ready():
        print(json.dumps({"port": port, "accuracy": accuracy}), flush=True)

    uvicorn.run(app, host="127.0.0.1", port=port, workers=1)


def main():
    if sys.argv[1] == "train":
        model, accuracy = train(sys.argv[2])
        with open(sys.argv[3], "wb") as f:
            pickle.dump((model, accuracy), f)
    elif sys.argv[1] == "serve":
        with open(sys.argv[2], "rb") as f:
            model, accuracy = pickle.load(f)
        serve(model, accuracy, int(sys.argv[3]))
    else:
        model, accuracy = train(sys.argv[1])
        serve(model, accuracy, int(sys.argv[2]))


if __name__ == "__main__":
    main()
