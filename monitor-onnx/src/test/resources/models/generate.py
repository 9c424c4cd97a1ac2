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

# mixed_inputs: score = sigmoid(W . [float(item_count), amount, embedding[0..3]] + B)
MIXED_WEIGHTS = [0.1, 0.01, 0.5, -0.5, 0.25, -0.25]
MIXED_BIAS = -0.3


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


def save(graph, file):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
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


if __name__ == "__main__":
    ctr_logreg()
    mixed_inputs()
