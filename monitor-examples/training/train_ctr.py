#!/usr/bin/python3
"""Trains the demo's CTR model and exports it as ONNX with its schema and training baseline.

What a training pipeline of an e-commerce recommendation team does, in one file, with numpy and
onnx only (Debian: python3-numpy, python3-onnx):

1. generate: a catalogue of items (category, brand, price, discount, rating, 30-day orders), users
   (price level, three favourite categories, five favourite brands) and an impression log:
   candidates retrieved for a user (half from the user's favourite categories, half by
   popularity), clicked with a known ground-truth probability (``true_click_probability``, the
   same function the Java demo's shoppers use);
2. clean: the raw log carries what real logs carry (duplicate impressions, missing and negative
   prices, prices logged in cents by one client, unknown categories); those rows are dropped,
   a price when it is not within a factor of 2 of the item's catalogue price (the log carries
   the item id);
3. engineer and standardise: log1p(price), log(price / user price level), discount,
   log1p(orders), rating, category affinity, brand match, one-hot category; a standard scaler is
   fitted on the training split;
4. train: a one-hidden-layer MLP (tanh, sigmoid output), mini-batch Adam on the log loss;
5. evaluate on a holdout: AUC, log loss, calibration (mean predicted / observed, and per decile);
6. export ONNX: raw features in (one [N, 1] input per feature, category as a string), the
   feature engineering, the scaler and the network inside the graph, probability out; custom
   metadata ``modelmonitor.baseline`` (the ModelMonitor baseline of a 5,000-row sample of the
   training data and its scores, written by tools/baseline.py), ``modelmonitor.schema`` (the
   feature schema with bounds and the category vocabulary), ``modelmonitor.scaler`` and
   ``modelmonitor.offline_metrics``.

   Why the scaler is ``modelmonitor.scaler`` and not the baseline's ``preprocessing`` field:
   the standard scaler (and the rest of the feature engineering) is inside the ONNX graph, so
   the service passes raw features and ModelMonitor sees, checks and compares raw features
   against a baseline of raw features; nothing outside the graph applies the scaler. The
   baseline's ``preprocessing`` field describes a transformation applied before the features
   reach the model (and the monitor); here there is none. ``modelmonitor.scaler`` records the
   graph's scaler for documentation and is checked against the graph by CtrModelTest.

Run from the repository root (deterministic: same files every run):

    /usr/bin/python3 monitor-examples/training/train_ctr.py

Outputs (committed, so the demo needs no Python), in monitor-examples/src/main/resources/demo:
ctr.onnx, catalogue.csv, users.csv, ctr-training-summary.json; and the baseline sample
monitor-examples/src/test/resources/ctr-baseline-sample.csv for the tests.
"""
import csv
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import baseline as mm_baseline  # noqa: E402  (tools/baseline.py: the library's fitting rules)

OUT = os.path.join(ROOT, "monitor-examples", "src", "main", "resources", "demo")
TEST_OUT = os.path.join(ROOT, "monitor-examples", "src", "test", "resources")
SEED = 20261129
MODEL_VERSION = "2026-11-29"

CATEGORIES = ["fashion", "shoes", "bags", "beauty", "home", "kitchen", "electronics", "phones",
              "toys", "sports", "books", "grocery"]
CATEGORY_SHARE = [0.16, 0.10, 0.07, 0.10, 0.09, 0.08, 0.08, 0.05, 0.07, 0.07, 0.06, 0.07]
CATEGORY_PRICE = [120, 260, 380, 90, 150, 110, 900, 2200, 80, 200, 45, 25]  # median, yuan
CATEGORY_BIAS = [0.10, 0.05, -0.05, 0.15, 0.0, -0.05, -0.10, -0.20, 0.10, 0.0, -0.15, 0.05]
ITEMS = 3000
BRANDS = 200
USERS = 2000
CANDIDATES = 48  # per request: half from favourite categories, half by popularity
AFFINITY = [0.6, 0.3, 0.1]  # a user's affinity for their 1st, 2nd, 3rd favourite category
NUMERIC = ["price", "discount", "orders_30d", "rating", "user_price_level",
           "category_affinity", "brand_match"]
PRICE_RATIO = (0.5, 2.0)  # logged price / catalogue price accepted by clean
ENGINEERED = ["log_price", "log_price_ratio", "discount", "log_orders", "rating",
              "category_affinity", "brand_match"]


def true_click_probability(price, discount, category_index, orders, rating, user_price_level,
                           category_affinity, brand_match):
    """The shoppers' real click probability (the Java demo's Catalogue.clickProbability is the same)."""
    logit = (-4.2 + 2.2 * category_affinity + 0.9 * brand_match + 0.30 * np.log1p(orders)
             - 1.2 * np.abs(np.log(price / user_price_level)) + 2.5 * discount
             + 0.45 * (rating - 4.0) + np.asarray(CATEGORY_BIAS)[category_index])
    return 1.0 / (1.0 + np.exp(-logit))


def make_catalogue(rng):
    category = rng.choice(len(CATEGORIES), size=ITEMS, p=CATEGORY_SHARE)
    price = np.round(np.asarray(CATEGORY_PRICE)[category] * rng.lognormal(0.0, 0.55, ITEMS), 1)
    price = np.maximum(price, 1.0)
    discount = np.where(rng.random(ITEMS) < 0.7, 0.0, np.round(rng.uniform(0.05, 0.3, ITEMS), 2))
    rating = np.round(np.clip(rng.normal(4.2, 0.45, ITEMS), 1.0, 5.0), 1)
    orders = np.floor(rng.lognormal(3.0, 1.3, ITEMS)).astype(np.int64)
    brand = rng.integers(0, BRANDS, ITEMS)
    return {"item_id": np.arange(ITEMS), "category": category, "brand": brand, "price": price,
            "discount": discount, "rating": rating, "orders_30d": orders}


def make_users(rng):
    price_level = np.round(rng.lognormal(math.log(150), 0.8, USERS), 1)
    favourites = np.array([rng.choice(len(CATEGORIES), 3, replace=False, p=CATEGORY_SHARE)
                           for _ in range(USERS)])
    brands = np.array([rng.choice(BRANDS, 5, replace=False) for _ in range(USERS)])
    return {"user_id": np.arange(USERS), "price_level": price_level, "favourites": favourites,
            "brands": brands}


def candidates(rng, cat, users, user):
    """CANDIDATES item indexes for one request, as the Java demo's retrieval draws them."""
    fav = users["favourites"][user]
    pool = np.flatnonzero(np.isin(cat["category"], fav))
    half = CANDIDATES // 2
    from_fav = pool[rng.integers(0, pool.size, half)]
    weights = cat["orders_30d"] + 1.0
    popular = rng.choice(ITEMS, CANDIDATES - half, p=weights / weights.sum())
    return np.concatenate([from_fav, popular])


def features_of(cat, users, user, items):
    fav = list(users["favourites"][user])
    item_cat = cat["category"][items]
    affinity = np.array([AFFINITY[fav.index(c)] if c in fav else 0.0 for c in item_cat])
    brand_match = np.isin(cat["brand"][items], users["brands"][user]).astype(np.float64)
    return {"item_id": items, "price": cat["price"][items], "discount": cat["discount"][items],
            "category": item_cat, "orders_30d": cat["orders_30d"][items].astype(np.float64),
            "rating": cat["rating"][items], "user_price_level": np.full(items.size,
                                                                        users["price_level"][user]),
            "category_affinity": affinity, "brand_match": brand_match}


def impression_log(rng, cat, users, requests):
    parts = []
    for _ in range(requests):
        user = int(rng.integers(0, USERS))
        parts.append(features_of(cat, users, user, candidates(rng, cat, users, user)))
    log = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    p = true_click_probability(log["price"], log["discount"], log["category"], log["orders_30d"],
                               log["rating"], log["user_price_level"], log["category_affinity"],
                               log["brand_match"])
    log["clicked"] = (rng.random(p.size) < p).astype(np.float64)
    log["impression_id"] = np.arange(p.size)
    log["category"] = np.asarray(CATEGORIES, dtype=object)[log["category"]]
    return log


def dirty(rng, log):
    """What a raw log looks like: duplicates, missing and negative prices, cents, bad categories."""
    n = log["price"].size
    log = {k: v.copy() for k, v in log.items()}
    log["price"][rng.random(n) < 0.004] = np.nan
    log["price"][rng.random(n) < 0.001] *= -1
    log["price"][rng.random(n) < 0.003] *= 100  # one client logged cents
    log["category"][rng.random(n) < 0.002] = "unknown"
    dup = rng.choice(n, n // 100, replace=False)
    return {k: np.concatenate([v, v[dup]]) for k, v in log.items()}


def clean(log, cat):
    n = log["price"].size
    # duplicates: the same impression (same id) logged twice; the first copy is kept
    _, first = np.unique(log["impression_id"], return_index=True)
    keep = np.zeros(n, dtype=bool)
    keep[first] = True
    duplicates = int(n - keep.sum())
    # a logged price must be the item's catalogue price, give or take what a promotion or a
    # rounding does (a factor of 2 either way); a price in cents is 100 times the catalogue
    # price, whatever the item, while a cap at the catalogue's highest price lets the cents of
    # every item under 1/100 of that maximum through
    catalogue_price = cat["price"][log["item_id"]]
    with np.errstate(invalid="ignore"):
        ratio = log["price"] / catalogue_price
        valid = (np.isfinite(log["price"]) & (log["price"] > 0) & (ratio >= PRICE_RATIO[0])
                 & (ratio <= PRICE_RATIO[1]) & np.isin(log["category"], CATEGORIES))
    dropped_invalid = int((keep & ~valid).sum())
    keep &= valid
    report = {"raw_rows": n, "duplicates_dropped": duplicates,
              "invalid_dropped": dropped_invalid, "clean_rows": int(keep.sum())}
    return {k: v[keep] for k, v in log.items()}, report


def engineer(log):
    cols = [np.log1p(log["price"]), np.log(log["price"] / log["user_price_level"]),
            log["discount"], np.log1p(log["orders_30d"]), log["rating"],
            log["category_affinity"], log["brand_match"]]
    onehot = (log["category"][:, None] == np.asarray(CATEGORIES, dtype=object)[None, :])
    return np.column_stack(cols), onehot.astype(np.float64)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def train_mlp(rng, x, y, hidden=16, epochs=12, batch=256, lr=0.003):
    d = x.shape[1]
    params = {"w1": rng.normal(0, 1 / math.sqrt(d), (d, hidden)), "b1": np.zeros(hidden),
              "w2": rng.normal(0, 1 / math.sqrt(hidden), (hidden, 1)),
              "b2": np.array([math.log(y.mean() / (1 - y.mean()))])}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(v) for k, v in params.items()}
    step = 0
    for _ in range(epochs):
        order = rng.permutation(x.shape[0])
        for start in range(0, order.size, batch):
            idx = order[start:start + batch]
            xb, yb = x[idx], y[idx, None]
            h = np.tanh(xb @ params["w1"] + params["b1"])
            p = sigmoid(h @ params["w2"] + params["b2"])
            g = (p - yb) / idx.size
            grads = {"w2": h.T @ g, "b2": g.sum(0)}
            gh = (g @ params["w2"].T) * (1 - h * h)
            grads["w1"] = xb.T @ gh + 1e-5 * params["w1"]
            grads["b1"] = gh.sum(0)
            step += 1
            for k in params:
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                mh = m[k] / (1 - 0.9 ** step)
                vh = v[k] / (1 - 0.999 ** step)
                params[k] -= lr * mh / (np.sqrt(vh) + 1e-8)
    return params


def predict(params, x):
    return sigmoid(np.tanh(x @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"])[:, 0]


def auc(scores, labels):
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(scores.size)
    sorted_scores = scores[order]
    # average ranks for ties
    i = 0
    while i < scores.size:
        j = i
        while j + 1 < scores.size and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    pos = labels.sum()
    neg = labels.size - pos
    return float((ranks[labels == 1].sum() - pos * (pos + 1) / 2) / (pos * neg))


def evaluate(p, y):
    eps = 1e-15
    pc = np.clip(p, eps, 1 - eps)
    deciles = np.quantile(p, np.linspace(0, 1, 11))
    table = []
    for k in range(10):
        sel = (p >= deciles[k]) & ((p < deciles[k + 1]) if k < 9 else (p <= deciles[k + 1]))
        table.append({"mean_predicted": float(p[sel].mean()), "observed": float(y[sel].mean()),
                      "rows": int(sel.sum())})
    return {"auc": auc(p, y), "log_loss": float(-(y * np.log(pc) + (1 - y) * np.log(1 - pc)).mean()),
            "brier": float(((p - y) ** 2).mean()), "positive_rate": float(y.mean()),
            "mean_predicted": float(p.mean()), "calibration": float(p.sum() / y.sum()),
            "calibration_by_decile": table}


def export_onnx(params, mean, scale, metadata, path):
    f32 = lambda a: np.asarray(a, dtype=np.float32)  # noqa: E731
    inits = [
        helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0]),
        helper.make_tensor("scaler_mean", TensorProto.FLOAT, [len(mean)], f32(mean).tolist()),
        helper.make_tensor("scaler_scale", TensorProto.FLOAT, [len(scale)], f32(scale).tolist()),
        helper.make_tensor("category_ids", TensorProto.INT64, [len(CATEGORIES)],
                           list(range(len(CATEGORIES)))),
        helper.make_tensor("w1", TensorProto.FLOAT, list(params["w1"].shape),
                           f32(params["w1"]).ravel().tolist()),
        helper.make_tensor("b1", TensorProto.FLOAT, [params["b1"].size],
                           f32(params["b1"]).tolist()),
        helper.make_tensor("w2", TensorProto.FLOAT, list(params["w2"].shape),
                           f32(params["w2"]).ravel().tolist()),
        helper.make_tensor("b2", TensorProto.FLOAT, [1], f32(params["b2"]).tolist()),
    ]
    nodes = [
        # feature engineering, as engineer() does it
        helper.make_node("Add", ["price", "one"], ["price_1"]),
        helper.make_node("Log", ["price_1"], ["log_price"]),
        helper.make_node("Div", ["price", "user_price_level"], ["price_ratio"]),
        helper.make_node("Log", ["price_ratio"], ["log_price_ratio"]),
        helper.make_node("Add", ["orders_30d", "one"], ["orders_1"]),
        helper.make_node("Log", ["orders_1"], ["log_orders"]),
        helper.make_node("Concat", ["log_price", "log_price_ratio", "discount", "log_orders",
                                    "rating", "category_affinity", "brand_match"], ["numeric"],
                         axis=1),
        # the standard scaler
        helper.make_node("Sub", ["numeric", "scaler_mean"], ["centred"]),
        helper.make_node("Div", ["centred", "scaler_scale"], ["scaled"]),
        # one-hot category: unknown categories map to -1, an all-zero row
        helper.make_node("LabelEncoder", ["category"], ["category_id"], domain="ai.onnx.ml",
                         keys_strings=CATEGORIES, values_int64s=list(range(len(CATEGORIES))),
                         default_int64=-1),
        helper.make_node("Equal", ["category_id", "category_ids"], ["category_hot"]),
        helper.make_node("Cast", ["category_hot"], ["category_onehot"], to=TensorProto.FLOAT),
        helper.make_node("Concat", ["scaled", "category_onehot"], ["x"], axis=1),
        # the network
        helper.make_node("MatMul", ["x", "w1"], ["xw1"]),
        helper.make_node("Add", ["xw1", "b1"], ["z1"]),
        helper.make_node("Tanh", ["z1"], ["h"]),
        helper.make_node("MatMul", ["h", "w2"], ["hw2"]),
        helper.make_node("Add", ["hw2", "b2"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["probability"]),
    ]
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 1])
              for n in ["price", "discount"]]
    inputs.append(helper.make_tensor_value_info("category", TensorProto.STRING, ["N", 1]))
    inputs += [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", 1])
               for n in ["orders_30d", "rating", "user_price_level", "category_affinity",
                         "brand_match"]]
    graph = helper.make_graph(nodes, "ctr_mlp", inputs,
                              [helper.make_tensor_value_info("probability", TensorProto.FLOAT,
                                                             ["N", 1])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                     helper.make_opsetid("ai.onnx.ml", 2)],
                              producer_name="monitor-examples/training/train_ctr.py",
                              model_version=1, doc_string="demo CTR model, " + MODEL_VERSION)
    model.ir_version = 8
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(model)
    onnx.save(model, path)


def schema_document(train, cat, users):
    """Bounds from the reference tables (every item and user), so no real value is out of range."""
    def bounds(values, low=None):
        lo, hi = float(np.min(values)), float(np.max(values))
        margin = 0.1 * (hi - lo)
        lo = lo - margin if low is None else max(low, lo - margin)
        return round(lo, 4), round(hi + margin, 4)

    def numeric(name, values, low=0.0):
        lo, hi = bounds(values, low)
        return {"name": name, "type": "numeric", "required": True, "nullable": False,
                "sensitive": False, "min": lo, "max": hi, "allow_nan": False}

    features = [numeric("price", cat["price"], low=0.01),
                numeric("discount", cat["discount"]),
                {"name": "category", "type": "categorical", "required": True, "nullable": False,
                 "sensitive": False, "vocabulary": CATEGORIES},
                numeric("orders_30d", cat["orders_30d"]),
                {"name": "rating", "type": "numeric", "required": True, "nullable": False,
                 "sensitive": False, "min": 1.0, "max": 5.0, "allow_nan": False},
                numeric("user_price_level", users["price_level"], low=0.01),
                {"name": "category_affinity", "type": "numeric", "required": True,
                 "nullable": False, "sensitive": False, "min": 0.0, "max": 1.0,
                 "allow_nan": False},
                {"name": "brand_match", "type": "numeric", "required": True, "nullable": False,
                 "sensitive": False, "min": 0.0, "max": 1.0, "allow_nan": False}]
    return {"format": "modelmonitor-feature-schema", "version": 1, "shape": "map",
            "features": features}


def fmt(v):
    return repr(float(v)) if isinstance(v, (float, np.floating)) else str(v)


def main():
    rng = np.random.default_rng(SEED)
    cat = make_catalogue(rng)
    users = make_users(rng)
    raw = dirty(rng, impression_log(rng, cat, users, 2500))
    log, cleaning = clean(raw, cat)
    n = log["price"].size
    order = rng.permutation(n)
    cut = int(0.8 * n)
    train = {k: v[order[:cut]] for k, v in log.items()}
    test = {k: v[order[cut:]] for k, v in log.items()}

    xn_train, oh_train = engineer(train)
    mean = xn_train.mean(0)
    scale = xn_train.std(0)
    x_train = np.column_stack([(xn_train - mean) / scale, oh_train])
    xn_test, oh_test = engineer(test)
    x_test = np.column_stack([(xn_test - mean) / scale, oh_test])
    params = train_mlp(rng, x_train, train["clicked"])
    p_train = predict(params, x_train)
    p_test = predict(params, x_test)
    holdout = evaluate(p_test, test["clicked"])
    truth = true_click_probability(test["price"], test["discount"],
                                   np.array([CATEGORIES.index(c) for c in test["category"]]),
                                   test["orders_30d"], test["rating"], test["user_price_level"],
                                   test["category_affinity"], test["brand_match"])
    holdout["auc_of_true_probability"] = auc(truth, test["clicked"])

    # the baseline: a 5,000-row sample of the training rows and the model's scores on them
    sample = rng.choice(cut, 5000, replace=False)
    sample.sort()
    profiles = {name: mm_baseline.numeric_profile(train[name][sample]) for name in NUMERIC}
    profiles["category"] = mm_baseline.categorical_profile(list(train["category"][sample]))
    features = {name: profiles[name] for name in ["price", "discount", "category", "orders_30d",
                                                  "rating", "user_price_level",
                                                  "category_affinity", "brand_match"]}
    scores = p_train[sample].astype(np.float32).astype(np.float64)  # as ONNX Runtime returns
    baseline_doc = mm_baseline.baseline(
        features, prediction=mm_baseline.numeric_profile(scores),
        metrics={"test_auc": round(holdout["auc"], 4), "test_log_loss": round(holdout["log_loss"], 4)},
        metadata={"dataset": "synthetic impressions, seed %d" % SEED, "rows": 5000,
                  "model_version": MODEL_VERSION})
    schema_doc = schema_document(train, cat, users)
    scaler = {"kind": "standard_scaler", "features": ENGINEERED,
              "mean": [float(v) for v in mean], "scale": [float(v) for v in scale]}
    offline = {k: v for k, v in holdout.items() if k != "calibration_by_decile"}
    metadata = {"modelmonitor.baseline": json.dumps(baseline_doc, indent=1, allow_nan=False),
                "modelmonitor.schema": json.dumps(schema_doc, indent=1),
                "modelmonitor.scaler": json.dumps(scaler),
                "modelmonitor.offline_metrics": json.dumps(offline),
                "modelmonitor.model_version": MODEL_VERSION}
    os.makedirs(OUT, exist_ok=True)
    os.makedirs(TEST_OUT, exist_ok=True)
    export_onnx(params, mean, scale, metadata, os.path.join(OUT, "ctr.onnx"))

    with open(os.path.join(OUT, "catalogue.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["item_id", "category", "brand", "price", "discount", "rating", "orders_30d"])
        for i in range(ITEMS):
            w.writerow([i, CATEGORIES[cat["category"][i]], "brand-%03d" % cat["brand"][i],
                        fmt(cat["price"][i]), fmt(cat["discount"][i]), fmt(cat["rating"][i]),
                        int(cat["orders_30d"][i])])
    with open(os.path.join(OUT, "users.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["user_id", "price_level", "favourite_categories", "favourite_brands"])
        for u in range(USERS):
            w.writerow([u, fmt(users["price_level"][u]),
                        ";".join(CATEGORIES[c] for c in users["favourites"][u]),
                        ";".join("brand-%03d" % b for b in users["brands"][u])])
    with open(os.path.join(TEST_OUT, "ctr-baseline-sample.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        cols = ["price", "discount", "category", "orders_30d", "rating", "user_price_level",
                "category_affinity", "brand_match"]
        w.writerow(cols + ["score"])
        for i, row in enumerate(sample):
            w.writerow([train[c][row] if c == "category" else fmt(train[c][row]) for c in cols]
                       + [fmt(scores[i])])
    summary = {"model": "ctr", "version": MODEL_VERSION, "seed": SEED, "items": ITEMS,
               "users": USERS, "cleaning": cleaning, "train_rows": int(cut),
               "holdout_rows": int(n - cut), "holdout": holdout,
               "train_auc": auc(p_train, train["clicked"]), "scaler": scaler,
               "network": "19 inputs (7 scaled numeric + 12 one-hot) -> 16 tanh -> 1 sigmoid"}
    with open(os.path.join(OUT, "ctr-training-summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(json.dumps({"cleaning": cleaning, "holdout": offline}, indent=1))


if __name__ == "__main__":
    main()
