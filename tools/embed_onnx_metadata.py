#!/usr/bin/python3
"""Embed a ModelMonitor baseline and/or feature schema (and any key=value) in an ONNX model.

The values go into the model's metadata_props, which ONNX Runtime exposes as custom metadata;
monitor-onnx's MonitoredOnnxSession reads them when it opens the model:

    modelmonitor.baseline   a baseline document (docs/baseline.md), used for drift
    modelmonitor.schema     a feature-schema document (docs/feature-schema.md, shape "map"),
                            refining the schema derived from the model's inputs

Usage:

    /usr/bin/python3 tools/embed_onnx_metadata.py model.onnx \\
        --baseline ctr-v7.baseline.json --schema ctr-v7.schema.json \\
        --set training_run=2026-11-20 --out model.monitored.onnx

Without --out the model is rewritten in place. Existing keys are replaced, others kept.
--remove KEY deletes a key; --list prints the model's metadata and exits.

What is checked before anything is written (a failure exits non-zero, the model untouched): each
file parses as JSON and its top level has the shape the Java readers (Baseline.fromJson,
FeatureSchema.fromJson) require of it:

    baseline  an object with only the keys format, version, metadata, features, prediction,
              preprocessing, metrics, calibration; "format": "modelmonitor-baseline";
              "version": 1 (an integer); "features" an object whose every value is an object
              with "type" numeric, categorical or vector; "prediction", if present, such an
              object; "metadata" an object of strings; "metrics" an object of numbers;
              "preprocessing" and "calibration" objects of objects
    schema    an object with only the keys format, version, shape, record, ignored, features;
              "format": "modelmonitor-feature-schema"; "version": 1 (an integer);
              "shape": "map"; "ignored", if present, a list of distinct strings; "features" a
              list of objects, each with a string "name" (distinct) and a string "type"

The contents of profiles and features (bins, shares, bounds, vocabularies, types' options) are
not checked here; the session checks them when it opens the model, and fails naming the key.

Needs Debian's python3-onnx.
"""

import argparse
import json
import sys

import onnx

BASELINE_KEY = "modelmonitor.baseline"
SCHEMA_KEY = "modelmonitor.schema"
FORMATS = {BASELINE_KEY: "modelmonitor-baseline", SCHEMA_KEY: "modelmonitor-feature-schema"}


BASELINE_KEYS = {"format", "version", "metadata", "features", "prediction", "preprocessing",
                 "metrics", "calibration"}
SCHEMA_KEYS = {"format", "version", "shape", "record", "ignored", "features"}
PROFILE_TYPES = ("numeric", "categorical", "vector")


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_profile(where, profile):
    if not isinstance(profile, dict):
        return f"{where}: expected a profile object, got {profile!r}"
    if profile.get("type") not in PROFILE_TYPES:
        return f"{where}.type: expected one of {', '.join(PROFILE_TYPES)}, " \
               f"got {profile.get('type')!r}"
    return None


def check_objects(doc, key, check):
    """Checks that doc[key], if present, is an object and each value passes check."""
    value = doc.get(key)
    if value is None and key not in doc:
        return None
    if not isinstance(value, dict):
        return f"{key}: expected an object, got {value!r}"
    for name, item in value.items():
        problem = check(f"{key}.{name}", item)
        if problem:
            return problem
    return None


def baseline_problem(doc):
    """The first structural problem of a baseline document's top level, or None."""
    if "features" not in doc:
        return "features: missing (an object of feature profiles, possibly empty)"
    for key, check in (
            ("features", check_profile),
            ("metadata", lambda w, v: None if isinstance(v, str)
                else f"{w}: expected a string, got {v!r}"),
            ("metrics", lambda w, v: None if is_number(v)
                else f"{w}: expected a number, got {v!r}"),
            ("preprocessing", lambda w, v: None if isinstance(v, dict)
                else f"{w}: expected an object, got {v!r}"),
            ("calibration", lambda w, v: None if isinstance(v, dict)
                else f"{w}: expected an object, got {v!r}")):
        problem = check_objects(doc, key, check)
        if problem:
            return problem
    if "prediction" in doc:
        return check_profile("prediction", doc["prediction"])
    return None


def schema_problem(doc):
    """The first structural problem of a feature-schema document's top level, or None."""
    if doc.get("shape") != "map":
        return f"shape: an ONNX model's schema has shape \"map\", got {doc.get('shape')!r}"
    if "ignored" in doc:
        ignored = doc["ignored"]
        if not isinstance(ignored, list) or not all(isinstance(k, str) for k in ignored):
            return f"ignored: expected a list of strings, got {ignored!r}"
        if len(set(ignored)) != len(ignored):
            return f"ignored: expected distinct names, got {ignored!r}"
    features = doc.get("features")
    if not isinstance(features, list):
        return f"features: expected a list of features, got {features!r}"
    names = set()
    for i, feature in enumerate(features):
        if not isinstance(feature, dict):
            return f"features[{i}]: expected an object, got {feature!r}"
        for field in ("name", "type"):
            if not isinstance(feature.get(field), str):
                return f"features[{i}].{field}: expected a string, got {feature.get(field)!r}"
        if feature["name"] in names:
            return f"features[{i}].name: duplicate feature {feature['name']!r}"
        names.add(feature["name"])
    return None


def document(path, key):
    """Reads a JSON file, checks its top level as described above, returns it compacted."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SystemExit(f"{path}: not valid JSON: {e}")
    if not isinstance(doc, dict) or doc.get("format") != FORMATS[key]:
        raise SystemExit(f"{path}: expected a document with \"format\": \"{FORMATS[key]}\"")
    version = doc.get("version")
    if version != 1 or isinstance(version, bool):
        raise SystemExit(f"{path}: expected \"version\": 1, got {version!r}")
    allowed = BASELINE_KEYS if key == BASELINE_KEY else SCHEMA_KEYS
    unknown = sorted(set(doc) - allowed)
    if unknown:
        raise SystemExit(f"{path}: unknown top-level keys {unknown}; allowed: "
                         f"{', '.join(sorted(allowed))}")
    problem = baseline_problem(doc) if key == BASELINE_KEY else schema_problem(doc)
    if problem:
        raise SystemExit(f"{path}: {problem}")
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def embed(model, values, remove=()):
    """Sets (replacing) and removes metadata_props of an onnx.ModelProto in place."""
    kept = [p for p in model.metadata_props if p.key not in values and p.key not in remove]
    del model.metadata_props[:]
    for p in kept:
        model.metadata_props.add(key=p.key, value=p.value)
    for key, value in values.items():
        model.metadata_props.add(key=key, value=value)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="the .onnx file")
    parser.add_argument("--baseline", help="baseline JSON file (" + BASELINE_KEY + ")")
    parser.add_argument("--schema", help="feature-schema JSON file (" + SCHEMA_KEY + ")")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="any other metadata entry; repeatable")
    parser.add_argument("--remove", action="append", default=[], metavar="KEY",
                        help="a metadata key to delete; repeatable")
    parser.add_argument("--out", help="where to write the model (default: in place)")
    parser.add_argument("--list", action="store_true", help="print the metadata and exit")
    args = parser.parse_args(argv)

    model = onnx.load(args.model)
    if args.list:
        for p in model.metadata_props:
            print(f"{p.key}={p.value}")
        return 0
    values = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise SystemExit(f"--set expects KEY=VALUE, got {item!r}")
        values[key] = value
    if args.baseline:
        values[BASELINE_KEY] = document(args.baseline, BASELINE_KEY)
    if args.schema:
        values[SCHEMA_KEY] = document(args.schema, SCHEMA_KEY)
    if not values and not args.remove:
        raise SystemExit("nothing to embed: give --baseline, --schema, --set or --remove")
    embed(model, values, set(args.remove))
    onnx.checker.check_model(model)
    onnx.save(model, args.out or args.model)
    return 0


if __name__ == "__main__":
    sys.exit(main())
