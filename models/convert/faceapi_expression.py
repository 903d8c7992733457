#!/usr/bin/python3
"""Convert the face-api.js expression net (tfjs weights manifest + uint8-quantised .bin) to ONNX.

Usage: /usr/bin/python3 faceapi_expression.py WEIGHTS_MANIFEST.json WEIGHTS.bin OUT.onnx

Architecture as in @vladmandic/face-api 1.7.15 src/ (FaceExpressionNet -> FaceProcessor.runNet ->
FaceFeatureExtractor.forwardInput): four denseBlock4 (dense0 starts with a plain 3x3 conv, the others with a
depthwise-separable conv, all stride 2, TF 'same' padding), 7x7/2 'valid' average pool, fc 256->7, softmax.

Graph input  `input`  float32 [N,3,112,112], RGB, NCHW, already normalised as (x - [122.782,117.001,104.298]) / 255
(face-api's normalize() + div(255); kept OUT of the graph, the manifest states it).
Graph outputs `probs` [N,7] softmax probabilities, `logits` [N,7]; label order neutral, happy, sad, angry,
fearful, disgusted, surprised (FACE_EXPRESSION_LABELS).
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SIZE = 112
OPSET = 13
IR_VERSION = 8  # ONNX 1.10+ readers, ORT 1.30 accepts it


def load_weights(manifest_path, bin_path):
    """Decode tfjs weights exactly like tf.io.decodeWeights: uint8 q -> q * scale + min (double), stored as float32."""
    with open(manifest_path) as f:
        groups = json.load(f)
    with open(bin_path, "rb") as f:
        data = f.read()
    weights, offset = {}, 0
    for group in groups:
        for w in group["weights"]:
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            q = w.get("quantization")
            if q is None:
                if w["dtype"] != "float32":
                    raise ValueError(f"{w['name']}: unsupported dtype {w['dtype']}")
                arr = np.frombuffer(data, "<f4", n, offset).copy()
                offset += 4 * n
            elif q["dtype"] == "uint8":
                raw = np.frombuffer(data, np.uint8, n, offset)
                arr = (raw.astype(np.float64) * q["scale"] + q["min"]).astype(np.float32)
                offset += n
            else:
                raise ValueError(f"{w['name']}: unsupported quantisation {q['dtype']}")
            weights[w["name"]] = arr.reshape(w["shape"])
    if offset != len(data):
        raise ValueError(f"weights file has {len(data) - offset} unread bytes")
    return weights


def same_pads(size, k, stride):
    """TF 'same' padding as [begin, end]; the odd pixel goes to the end (bottom/right)."""
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + k - size)
    return out, [total // 2, total - total // 2]


class Builder:
    def __init__(self, weights):
        self.w = weights
        self.nodes, self.inits, self.n = [], [], 0

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, np.float32), name))
        return name

    def node(self, op, inputs, **attrs):
        self.n += 1
        out = f"{op.lower()}_{self.n}"
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, w_oihw, bias, size, stride, group=1):
        k = w_oihw.shape[2]
        out, (b, e) = same_pads(size, k, stride)
        ins = [x, self.const(f"w{self.n + 1}", w_oihw)]
        if bias is not None:
            ins.append(self.const(f"b{self.n + 1}", bias))
        y = self.node("Conv", ins, kernel_shape=[k, k], strides=[stride, stride], pads=[b, b, e, e], group=group)
        return y, out

    def plain_conv(self, x, prefix, size, stride):
        f = self.w[f"{prefix}/filters"]  # HWIO
        return self.conv(x, f.transpose(3, 2, 0, 1), self.w[f"{prefix}/bias"], size, stride)

    def sep_conv(self, x, prefix, size, stride):
        # tf.separableConv2d: depthwise (carries stride + 'same' pads) then 1x1 pointwise, then + bias
        dw = self.w[f"{prefix}/depthwise_filter"]  # [3,3,C,1]
        pw = self.w[f"{prefix}/pointwise_filter"]  # [1,1,C,O]
        c = dw.shape[2]
        y, out = self.conv(x, dw.transpose(2, 3, 0, 1), None, size, stride, group=c)
        y, _ = self.conv(y, pw.transpose(3, 2, 0, 1), self.w[f"{prefix}/bias"], out, 1)
        return y, out

    def dense_block4(self, x, prefix, size, first):
        if first:
            out1, size = self.plain_conv(x, f"{prefix}/conv0", size, 2)
        else:
            out1, size = self.sep_conv(x, f"{prefix}/conv0", size, 2)
        out1 = self.node("Relu", [out1])
        out2, _ = self.sep_conv(out1, f"{prefix}/conv1", size, 1)
        in3 = self.node("Relu", [self.node("Add", [out1, out2])])
        out3, _ = self.sep_conv(in3, f"{prefix}/conv2", size, 1)
        s23 = self.node("Add", [out2, out3])
        in4 = self.node("Relu", [self.node("Add", [out1, s23])])
        out4, _ = self.sep_conv(in4, f"{prefix}/conv3", size, 1)
        total = self.node("Add", [out1, self.node("Add", [out2, self.node("Add", [out3, out4])])])
        return self.node("Relu", [total]), size


def build(weights):
    b = Builder(weights)
    x, size = "input", SIZE
    for i in range(4):
        x, size = b.dense_block4(x, f"dense{i}", size, i == 0)
    if size != 7:
        raise ValueError(f"unexpected feature map size {size}")
    x = b.node("AveragePool", [x], kernel_shape=[7, 7], strides=[2, 2])  # 'valid' -> [N,256,1,1]
    x = b.node("Flatten", [x], axis=1)
    fc_w, fc_b = weights["fc/weights"], weights["fc/bias"]
    logits = b.node("Gemm", [x, b.const("fc_w", fc_w), b.const("fc_b", fc_b)])
    b.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits_out"))
    b.nodes.append(helper.make_node("Softmax", [logits], ["probs"], name="softmax", axis=1))
    graph = helper.make_graph(
        b.nodes, "faceapi_expression",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 7]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 7])],
        b.inits)
    model = helper.make_model(graph, producer_name="faceaspire models/convert/faceapi_expression.py",
                              producer_version="1", opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = ("face-api.js FaceExpressionNet (npm @vladmandic/face-api@1.7.15, MIT). Input RGB NCHW "
                        "(x - [122.782,117.001,104.298]) / 255. Labels: neutral,happy,sad,angry,fearful,disgusted,surprised")
    onnx.checker.check_model(model)
    return model


def main(argv):
    if len(argv) != 4:
        sys.exit(__doc__)
    model = build(load_weights(argv[1], argv[2]))
    with open(argv[3], "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main(sys.argv)
