#!/usr/bin/env python3
"""Write ModelMonitor baseline files (format "modelmonitor-baseline", version 1) from numpy arrays.

Training pipelines are usually Python: this module lets them profile the training data the model
saw and ship the baseline next to the model, for the Java service to compare live traffic with.
It implements exactly the fitting rules of the Java library (docs/baseline.md), so a baseline
written here equals one fitted in Java from the same data.

As a library:

    import numpy as np, baseline
    b = baseline.baseline(
        features={"price": baseline.numeric_profile(prices),
                  "category": baseline.categorical_profile(categories)},
        prediction=baseline.numeric_profile(scores),
        preprocessing={"price": (mean, scale)},
        metrics={"test_auc": 0.781})
    baseline.write("ctr-v7.baseline.json", b)

From the command line, on a CSV export with a header row:

    python3 tools/baseline.py train.csv --numeric price,position --boolean promoted \\
        --categorical category --score score --metric test_auc=0.781 \\
        --scaler price=100:20 --out ctr-v7.baseline.json

Needs only numpy (Debian: python3-numpy).
"""

import argparse
import csv
import json
import math
import re
import sys

import numpy as np

FORMAT = "modelmonitor-baseline"
VERSION = 1
QUANTILE_LEVELS = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
# the numbers both readers accept (io.modelmonitor.drift.CsvRows.NUMBER)
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _nearest_rank(sorted_values, level):
    """The nearest-rank quantile of sorted values (the Java library's rule)."""
    n = len(sorted_values)
    rank = math.ceil(level * n - 1e-9)
    return float(sorted_values[min(n - 1, max(0, rank - 1))])


def _bin_of(edges, x):
    """0 underflow, 1.. the edge bins (first closed, others right-closed), overflow, missing."""
    if math.isnan(x):
        return len(edges) + 1
    if x < edges[0]:
        return 0
    return max(1, int(np.searchsorted(edges, x, side="left")))


def numeric_profile(values, bins=10, extra_missing=0):
    """Profile of numeric values; NaN counts as missing, infinities fall outside the edges."""
    values = np.asarray(values, dtype=np.float64).ravel() + 0.0  # -0.0 becomes 0.0
    finite = np.sort(values[np.isfinite(values)])
    if finite.size == 0:
        raise ValueError("no finite values to profile")
    count = int(values.size) + int(extra_missing)
    missing = int(np.isnan(values).sum()) + int(extra_missing)
    distinct = np.unique(finite)
    if distinct.size <= bins:
        edges = [float(distinct[0])] + [float(v) for v in distinct]
    else:
        edges = [float(finite[0])]
        top = float(finite[-1])
        for j in range(1, bins):
            q = _nearest_rank(finite, j / bins)
            if edges[-1] < q < top:
                edges.append(q)
        edges.append(top)
    # scaled sums in ascending order, like the Java library, so both agree to the last bit and
    # no sum overflows whatever the magnitudes
    n = int(finite.size)
    scale = max(abs(float(finite[0])), abs(float(finite[-1])))
    mean = 0.0
    std = 0.0
    if scale > 0:
        for v in finite:
            mean += float(v) / n
        squares = 0.0
        for v in finite:
            d = float(v) / scale - mean / scale
            squares += d * d
        std = scale * math.sqrt(squares / (n - 1)) if n > 1 else 0.0
    counts = [0] * (len(edges) + 2)
    for v in values:
        counts[_bin_of(edges, float(v))] += 1
    counts[-1] += int(extra_missing)
    return {
        "type": "numeric",
        "count": count,
        "missing": missing,
        "mean": mean,
        "std": std,
        "edges": edges,
        "shares": [c / count if count else 0.0 for c in counts],
        "quantiles": {repr(level): _nearest_rank(finite, level) for level in QUANTILE_LEVELS},
    }


def categorical_profile(values, top_k=50):
    """Profile of categories; None, NaN and empty strings count as missing."""
    counts = {}
    missing = 0
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
            missing += 1
            continue
        key = str(v)
        counts[key] = counts.get(key, 0) + 1
    total = missing + sum(counts.values())
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
    tracked = sum(c for _, c in top)
    shares = [c / total if total else 0.0 for _, c in top]
    shares.append((total - missing - tracked) / total if total else 0.0)
    shares.append(missing / total if total else 0.0)
    return {"type": "categorical", "count": total, "missing": missing,
            "values": [k for k, _ in top], "shares": shares}


def baseline(features, prediction=None, preprocessing=None, metrics=None, metadata=None):
    """A baseline document; preprocessing maps feature -> (mean, scale) of a standard scaler."""
    doc = {"format": FORMAT, "version": VERSION}
    if metadata:
        doc["metadata"] = {str(k): str(v) for k, v in metadata.items()}
    doc["features"] = dict(features)
    if prediction is not None:
        doc["prediction"] = prediction
    if preprocessing:
        doc["preprocessing"] = {name: {"kind": "standard_scaler", "mean": float(m),
                                       "scale": float(s)}
                                for name, (m, s) in preprocessing.items()}
    if metrics:
        doc["metrics"] = {k: float(v) for k, v in metrics.items()}
    return doc


def write(path, document):
    """Writes the document as JSON (NaN and infinities are refused: the format has none)."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=2, allow_nan=False)
        out.write("\n")


def _number(text):
    """A plain decimal, or NaN for anything else (empty, nan, inf, 1_000, hex, words)."""
    return float(text) if NUMBER.fullmatch(text) else float("nan")


def _column(rows, name, kind):
    values = []
    for row in rows:
        cell = row.get(name)
        text = (cell if isinstance(cell, str) else "").strip(" \t")  # spaces and tabs only
        if kind == "categorical":
            values.append(text if text else None)
        elif kind == "boolean":
            low = text.lower()
            values.append(1.0 if low in ("true", "1") else 0.0 if low in ("false", "0")
                          else float("nan"))
        else:
            values.append(_number(text))
    return values


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write a ModelMonitor baseline from a CSV "
                                                 "training export.")
    parser.add_argument("csv", help="CSV file with a header row")
    parser.add_argument("--numeric", default="", help="comma-separated numeric columns")
    parser.add_argument("--boolean", default="", help="comma-separated boolean columns")
    parser.add_argument("--categorical", default="", help="comma-separated categorical columns")
    parser.add_argument("--score", help="column holding the model's score")
    parser.add_argument("--bins", type=int, default=10)
    parser.add_argument("--top-k", type=int, default=50)
    parser.add_argument("--metric", action="append", default=[], help="name=value")
    parser.add_argument("--scaler", action="append", default=[], help="feature=mean:scale")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)

    with open(args.csv, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        if args.score and args.score not in (reader.fieldnames or []):
            print("%s: header: no score column \"%s\"" % (args.csv, args.score), file=sys.stderr)
            return 2
    features = {}
    for kind in ("numeric", "boolean", "categorical"):
        for name in [c for c in getattr(args, kind).split(",") if c]:
            values = _column(rows, name, kind)
            if kind == "categorical":
                features[name] = categorical_profile(values, args.top_k)
            elif np.isfinite(np.array(values)).any():
                features[name] = numeric_profile(np.array(values), args.bins)
            else:  # as the Java library: a column without a finite value gets no profile
                print("note: column %s has no finite value; not profiled" % name, file=sys.stderr)
    prediction = None
    if args.score:
        prediction = numeric_profile(np.array(_column(rows, args.score, "numeric")), args.bins)
    metrics = dict((m.split("=", 1)[0], float(m.split("=", 1)[1])) for m in args.metric)
    scalers = {}
    for s in args.scaler:
        name, params = s.split("=", 1)
        mean, scale = params.split(":")
        scalers[name] = (float(mean), float(scale))
    write(args.out, baseline(features, prediction, scalers, metrics))
    return 0


if __name__ == "__main__":
    sys.exit(main())
