#!/usr/bin/python3
"""Builds the metadata and shadow-mode test models of monitor-onnx (no training).

Run from this folder with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 generate_metadata.py

- ctr_logreg_meta.onnx: ctr_logreg's graph with producer, version, domain and description set,
  and a baseline, a schema refinement and a custom key embedded through the repository's
  tools/embed_onnx_metadata.py (so the script is exercised). The baseline is fitted with
  tools/baseline.py on TRAIN_ROWS rows drawn with TRAIN_SEED as in training_rows().
- ctr_logreg_challenger.onnx: ctr_logreg with CHALLENGER_WEIGHTS and CHALLENGER_BIAS (a shifted
  model for shadow mode).
- ctr_logreg_bad_schema.onnx: ctr_logreg with a schema refinement naming an input the model
  does not have (opening it must fail).
- ctr_logreg_bad_embedded.onnx: ctr_logreg with a malformed baseline and a malformed schema
  written straight into metadata_props (the embed script would refuse both): a builder's own
  baseline and schema must override them unread.

The constants are repeated in OnnxMetadataTest and ShadowOnnxSessionTest; change both together.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper

import generate

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.normpath(os.path.join(HERE, "../../../../../tools"))
sys.path.insert(0, TOOLS)
import baseline  # noqa: E402  tools/baseline.py

EMBED = os.path.join(TOOLS, "embed_onnx_metadata.py")

PRODUCER = "modelmonitor-generate_metadata.py"
PRODUCER_VERSION = "1.2.3"
DOMAIN = "io.modelmonitor.test"
MODEL_VERSION = 7
DESCRIPTION = "CTR logistic regression with an embedded baseline"

TRAIN_SEED = 20261129
TRAIN_ROWS = 5000

CHALLENGER_WEIGHTS = [-0.002, 4.0, -0.25]
CHALLENGER_BIAS = -0.6

SCHEMA = {
    "format": "modelmonitor-feature-schema",
    "version": 1,
    "shape": "map",
    "ignored": ["request_id"],
    "features": [
        {"name": "price", "type": "numeric", "min": 0.0, "max": 1000.0, "sensitive": True},
        {"name": "ctr_7d", "type": "numeric", "min": 0.0, "max": 1.0},
    ],
}


def training_rows():
    """price uniform in [1, 200), ctr_7d uniform in [0, 0.2), position whole in [1, 10]."""
    rng = np.random.default_rng(TRAIN_SEED)
    price = rng.uniform(1.0, 200.0, TRAIN_ROWS)
    ctr_7d = rng.uniform(0.0, 0.2, TRAIN_ROWS)
    position = rng.integers(1, 11, TRAIN_ROWS).astype(np.float64)
    return price, ctr_7d, position


def ctr_model(weights, bias, graph_name):
    nodes, inits = generate.linear_sigmoid(["price", "ctr_7d", "position"], weights, bias,
                                           "probability")
    graph = helper.make_graph(
        nodes, graph_name,
        [generate.column("price"), generate.column("ctr_7d"), generate.column("position")],
        [generate.column("probability")], initializer=inits)
    graph.doc_string = "logit = W . [price, ctr_7d, position] + B"
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", generate.OPSET)],
                              producer_name=PRODUCER, producer_version=PRODUCER_VERSION,
                              domain=DOMAIN, model_version=MODEL_VERSION,
                              doc_string=DESCRIPTION)
    model.ir_version = generate.IR_VERSION
    onnx.checker.check_model(model)
    return model


def embed(model_file, *args):
    subprocess.run([sys.executable, EMBED, model_file, *args], check=True)


def ctr_logreg_meta():
    price, ctr_7d, position = training_rows()
    logit = (generate.CTR_WEIGHTS[0] * price + generate.CTR_WEIGHTS[1] * ctr_7d
             + generate.CTR_WEIGHTS[2] * position + generate.CTR_BIAS)
    scores = 1 / (1 + np.exp(-logit))
    doc = baseline.baseline(
        features={"price": baseline.numeric_profile(price),
                  "ctr_7d": baseline.numeric_profile(ctr_7d),
                  "position": baseline.numeric_profile(position)},
        prediction=baseline.numeric_profile(scores),
        metrics={"test_auc": 0.75},
        metadata={"dataset": "synthetic-%d" % TRAIN_SEED})
    onnx.save(ctr_model(generate.CTR_WEIGHTS, generate.CTR_BIAS, "ctr_logreg"),
              "ctr_logreg_meta.onnx")
    with tempfile.TemporaryDirectory() as tmp:
        baseline_file = os.path.join(tmp, "baseline.json")
        schema_file = os.path.join(tmp, "schema.json")
        baseline.write(baseline_file, doc)
        with open(schema_file, "w", encoding="utf-8") as f:
            json.dump(SCHEMA, f)
        embed("ctr_logreg_meta.onnx", "--baseline", baseline_file, "--schema", schema_file,
              "--set", "owner=ranking-team", "--set", "training_run=2026-11-20")


def ctr_logreg_challenger():
    onnx.save(ctr_model(CHALLENGER_WEIGHTS, CHALLENGER_BIAS, "ctr_logreg_challenger"),
              "ctr_logreg_challenger.onnx")


def ctr_logreg_bad_schema():
    onnx.save(ctr_model(generate.CTR_WEIGHTS, generate.CTR_BIAS, "ctr_logreg"),
              "ctr_logreg_bad_schema.onnx")
    bad = dict(SCHEMA, features=[{"name": "discount", "type": "numeric"}])
    with tempfile.TemporaryDirectory() as tmp:
        schema_file = os.path.join(tmp, "schema.json")
        with open(schema_file, "w", encoding="utf-8") as f:
            json.dump(bad, f)
        embed("ctr_logreg_bad_schema.onnx", "--schema", schema_file)


def ctr_logreg_bad_embedded():
    model = ctr_model(generate.CTR_WEIGHTS, generate.CTR_BIAS, "ctr_logreg")
    # right format and version, but "features" is a list, not an object of profiles
    model.metadata_props.add(key="modelmonitor.baseline", value=json.dumps(
        {"format": "modelmonitor-baseline", "version": 1, "features": ["price"]},
        separators=(",", ":")))
    # right format and version, but "features" is an object, not a list of features
    model.metadata_props.add(key="modelmonitor.schema", value=json.dumps(
        dict(SCHEMA, features={"price": {"type": "numeric"}}), separators=(",", ":")))
    onnx.checker.check_model(model)
    onnx.save(model, "ctr_logreg_bad_embedded.onnx")


if __name__ == "__main__":
    os.chdir(HERE)
    ctr_logreg_meta()
    ctr_logreg_challenger()
    ctr_logreg_bad_schema()
    ctr_logreg_bad_embedded()
