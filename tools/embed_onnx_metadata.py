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

Without --out the model is rewritten in place. Existing keys are replaced, others kept. Each JSON
file must parse and declare the right "format" and "version" 1, so a broken file fails here, at
build time, not when the service opens the model. --remove KEY deletes a key; --list prints the
model's metadata and exits.

Needs Debian's python3-onnx.
"""

import argparse
import json
import sys

import onnx

BASELINE_KEY = "modelmonitor.baseline"
SCHEMA_KEY = "modelmonitor.schema"
FORMATS = {BASELINE_KEY: "modelmonitor-baseline", SCHEMA_KEY: "modelmonitor-feature-schema"}


def document(path, key):
    """Reads a JSON file, checks its format and version, returns it compacted."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise SystemExit(f"{path}: not valid JSON: {e}")
    if not isinstance(doc, dict) or doc.get("format") != FORMATS[key]:
        raise SystemExit(f"{path}: expected a document with \"format\": \"{FORMATS[key]}\"")
    if doc.get("version") != 1:
        raise SystemExit(f"{path}: expected \"version\": 1, got {doc.get('version')!r}")
    if key == SCHEMA_KEY and doc.get("shape", "map") != "map":
        raise SystemExit(f"{path}: an ONNX model's schema has shape \"map\", "
                         f"not {doc.get('shape')!r}")
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
