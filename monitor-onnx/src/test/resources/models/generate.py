#!/usr/bin/python3
"""Builds the ONNX test models of monitor-onnx by hand with onnx.helper (no training, no sklearn).

Run from this folder with Debian's python3 (python3-onnx, python3-numpy):
    /usr/bin/python3 generate.py
The weights below are repeated as constants in MonitoredOnnxSessionTest; change both together.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

OPSET = 13
IR_VERSION = 8  # onnx 1.12's default; read by onnxruntime 1.20

# ctr_logreg: probability = sigmoid(W . [price, ctr_7d, position] + B)
CTR_WEIGHTS = [-0.002, 3.5, -0.25]
CTR_BIAS = -1.0

# binary_outputs: logit = W . features + B; probabilities = [1 - sigmoid(logit), sigmoid(logit)];
# label = argmax(probabilities); p1_flat = probabilities[:, 1] as [N]
BINARY_WEIGHTS = [0.8, -1.2, 0.5]
BINARY_BIAS = 0.1

# multiclass: probabilities = softmax(features [N, 4] x W [4, 3] + B); label = CLASSES[argmax]
MULTI_WEIGHTS = [[1.0, -0.5, 0.2],
                 [-0.3, 0.8, 0.1],
                 [0.5, 0.5, -1.0],
                 [0.0, -0.2, 0.9]]
MULTI_BIAS = [0.1, -0.1, 0.0]
MULTI_CLASSES = ["cat", "dog", "bird"]

# mixed_inputs: score = sigmoid(W . [float(item_count), amount, embedding[0..3]] + B)
MIXED_WEIGHTS = [0.1, 0.01, 0.5, -0.5, 0.25, -0.25]
MIXED_BIAS = -0.3

# gather_lookup: score = TABLE[bucket]; a bucket outside [0, 3) fails inside ONNX Runtime
GATHER_TABLE = [0.1, 0.5, 0.9]


def column(name, elem=TensorProto.FLOAT, width=1):
    return helper.make_tensor_value_info(name, elem, ["N", width])


def linear_sigmoid(features, weights, bias, output):
    """Concat -> MatMul -> Add -> Sigmoid over [N, k] features."""
    w = helper.make_tensor("W", TensorProto.FLOAT, [len(weights), 1],
                           np.array(weights, dtype=np.float32).tolist())
    b = helper.make_tensor("B", TensorProto.FLOAT, [1], [bias])
    nodes = [
        helper.make_node("Concat", features, ["x"], axis=1),
        helper.make_node("MatMul", ["x", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], [output]),
    ]
    return nodes, [w, b]


def save(graph, file, extra_opsets=()):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)]
                              + [helper.make_opsetid(d, v) for d, v in extra_opsets],
                              producer_name="modelmonitor-generate.py")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, file)


def ctr_logreg():
    nodes, inits = linear_sigmoid(["price", "ctr_7d", "position"], CTR_WEIGHTS, CTR_BIAS,
                                  "probability")
    graph = helper.make_graph(
        nodes, "ctr_logreg",
        [column("price"), column("ctr_7d"), column("position")],
        [column("probability")], initializer=inits)
    save(graph, "ctr_logreg.onnx")


def mixed_inputs():
    nodes, inits = linear_sigmoid(["item_count_f", "amount", "embedding"], MIXED_WEIGHTS,
                                  MIXED_BIAS, "score")
    nodes.insert(0, helper.make_node("Cast", ["item_count"], ["item_count_f"],
                                     to=TensorProto.FLOAT))
    # the string input is echoed unchanged, so the graph has a reason to declare it
    nodes.append(helper.make_node("Identity", ["segment"], ["segment_echo"]))
    graph = helper.make_graph(
        nodes, "mixed_inputs",
        [column("item_count", TensorProto.INT64), column("amount"),
         column("embedding", width=4), column("segment", TensorProto.STRING)],
        [column("score"), column("segment_echo", TensorProto.STRING)], initializer=inits)
    save(graph, "mixed_inputs.onnx")


def binary_outputs():
    """Outputs as a converted binary classifier emits them (label, probabilities), the logit
    and the class-1 probability as a rank-1 tensor [N]."""
    w = helper.make_tensor("W", TensorProto.FLOAT, [3, 1],
                           np.array(BINARY_WEIGHTS, dtype=np.float32).tolist())
    b = helper.make_tensor("B", TensorProto.FLOAT, [1], [BINARY_BIAS])
    one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
    axis1 = helper.make_tensor("axis1", TensorProto.INT64, [1], [1])
    nodes = [
        helper.make_node("MatMul", ["features", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["p1"]),
        helper.make_node("Sub", ["one", "p1"], ["p0"]),
        helper.make_node("Concat", ["p0", "p1"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
        helper.make_node("Squeeze", ["p1", "axis1"], ["p1_flat"]),
    ]
    graph = helper.make_graph(
        nodes, "binary_outputs", [column("features", width=3)],
        [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
         column("probabilities", width=2), column("logit"),
         helper.make_tensor_value_info("p1_flat", TensorProto.FLOAT, ["N"])],
        initializer=[w, b, one, axis1])
    save(graph, "binary_outputs.onnx")


def multiclass():
    """Softmax over three classes; the label is the class name (a string tensor)."""
    w = helper.make_tensor("W", TensorProto.FLOAT, [4, 3],
                           np.array(MULTI_WEIGHTS, dtype=np.float32).flatten().tolist())
    b = helper.make_tensor("B", TensorProto.FLOAT, [3], MULTI_BIAS)
    classes = helper.make_tensor("classes", TensorProto.STRING, [3],
                                 [c.encode() for c in MULTI_CLASSES])
    nodes = [
        helper.make_node("MatMul", ["features", "W"], ["xw"]),
        helper.make_node("Add", ["xw", "B"], ["logits"]),
        helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["index"], axis=1, keepdims=0),
        helper.make_node("Gather", ["classes", "index"], ["label"], axis=0),
    ]
    graph = helper.make_graph(
        nodes, "multiclass", [column("features", width=4)],
        [helper.make_tensor_value_info("label", TensorProto.STRING, ["N"]),
         column("probabilities", width=3)],
        initializer=[w, b, classes])
    save(graph, "multiclass.onnx")


def zipmap_classifier():
    """binary_outputs' probabilities behind a ZipMap (a sequence of maps), as skl2onnx emits
    by default; monitor-onnx refuses to read it and says how to export a tensor instead."""
    nodes = [
        helper.make_node("Identity", ["probabilities"], ["p"]),
        helper.make_node("ArgMax", ["probabilities"], ["output_label"], axis=1, keepdims=0),
        helper.make_node("ZipMap", ["p"], ["output_probability"], domain="ai.onnx.ml",
                         classlabels_int64s=[0, 1]),
    ]
    zipped = onnx.TypeProto()
    zipped.sequence_type.elem_type.map_type.key_type = TensorProto.INT64
    zipped.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "zipmap_classifier", [column("probabilities", width=2)],
        [helper.make_tensor_value_info("output_label", TensorProto.INT64, ["N"]),
         onnx.ValueInfoProto(name="output_probability", type=zipped)])
    save(graph, "zipmap_classifier.onnx", extra_opsets=[("ai.onnx.ml", 1)])


def fixed_batch():
    """ctr_logreg with a fixed batch of 1: every input and output is [1, 1], as exporters emit
    a model traced with one example row."""
    nodes, inits = linear_sigmoid(["price", "ctr_7d", "position"], CTR_WEIGHTS, CTR_BIAS,
                                  "probability")
    def one(name):
        return helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 1])
    graph = helper.make_graph(
        nodes, "fixed_batch", [one("price"), one("ctr_7d"), one("position")],
        [one("probability")], initializer=inits)
    save(graph, "fixed_batch.onnx")


def gather_lookup():
    """A lookup table: score = GATHER_TABLE[bucket]. A bucket out of range passes every check
    before native code (the input is any int64) and fails inside ONNX Runtime's Gather kernel."""
    table = helper.make_tensor("table", TensorProto.FLOAT, [len(GATHER_TABLE)], GATHER_TABLE)
    nodes = [helper.make_node("Gather", ["table", "bucket"], ["score"], axis=0)]
    graph = helper.make_graph(
        nodes, "gather_lookup", [column("bucket", TensorProto.INT64)], [column("score")],
        initializer=[table])
    save(graph, "gather_lookup.onnx")


if __name__ == "__main__":
    ctr_logreg()
    mixed_inputs()
    binary_outputs()
    multiclass()
    zipmap_classifier()
    fixed_batch()
    gather_lookup()
