#!/usr/bin/python3
"""Convert the Keras 2.0.5 mini-Xception FER2013 HDF5 (oarriaga/face_classification) to ONNX.

Usage: /usr/bin/python3 mini_xception.py MODEL.hdf5 OUT.onnx

Walks the functional graph in the file's `model_config` attribute; weights come from
model_weights/<layer>/<weight_names>. Supported layers (all this model uses): InputLayer, Conv2D,
SeparableConv2D (= depthwise conv, group=C, carrying stride/padding, then 1x1 pointwise, no bias),
BatchNormalization (inference form, the file's epsilon, 1e-3), Activation (relu/softmax/linear), MaxPooling2D, Add,
GlobalAveragePooling2D. TF 'same' padding becomes explicit ONNX pads with the odd pixel at the end (bottom/right).

Graph input `input` float32 [N,1,64,64] gray NCHW, preprocessed (x / 255 - 0.5) * 2 (the training code's
preprocess_input(v2=True)); outputs `probs` [N,7] softmax and `logits` [N,7] (the pre-softmax activations), FER2013
label order angry, disgust, fear, happy, sad, surprise, neutral.
"""
import json
import sys

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13
IR_VERSION = 8


def same_pads(size, k, stride):
    """TF 'same': out = ceil(size/stride); the odd padding pixel goes to the end."""
    out = -(-size // stride)
    total = max(0, (out - 1) * stride + k - size)
    return out, total // 2, total - total // 2


def spatial(size, k, stride, padding):
    if padding == "same":
        out, b, e = same_pads(size, k, stride)
        return out, [b, b, e, e]
    if padding == "valid":
        return (size - k) // stride + 1, [0, 0, 0, 0]
    raise ValueError(f"padding {padding}")


class Converter:
    def __init__(self, h5):
        self.h5 = h5
        self.nodes, self.inits = [], []

    def weights(self, layer):
        g = self.h5["model_weights"][layer]
        return [np.array(g[name], np.float32) for name in g.attrs["weight_names"]]

    def const(self, name, arr):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, np.float32), name))
        return name

    def add(self, op, inputs, out, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, name, w_oihw, bias, stride, pads, group=1):
        ins = [x, self.const(f"{name}/W", w_oihw)]
        if bias is not None:
            ins.append(self.const(f"{name}/B", bias))
        k = list(w_oihw.shape[2:])
        return self.add("Conv", ins, name, kernel_shape=k, strides=list(stride), pads=pads, group=group)

    def layer(self, cls, name, cfg, ins, size):
        """Emit nodes for one Keras layer; returns (output tensor name, spatial size (h, w), channels or None)."""
        (h, w), x = size, ins[0]
        if cls == "Conv2D":
            ws = self.weights(name)
            kernel = ws[0]  # HWIO
            kh, kw = kernel.shape[:2]
            sh, sw = cfg["strides"]
            oh, ph = spatial(h, kh, sh, cfg["padding"])
            ow, pw = spatial(w, kw, sw, cfg["padding"])
            bias = ws[1] if cfg["use_bias"] else None
            y = self.conv(x, name, kernel.transpose(3, 2, 0, 1), bias, (sh, sw), [ph[0], pw[0], ph[2], pw[2]])
            return self.activation(y, name, cfg["activation"]), (oh, ow)
        if cls == "SeparableConv2D":
            ws = self.weights(name)
            dw, pwk = ws[0], ws[1]  # [kh,kw,C,mult], [1,1,C*mult,O]
            if dw.shape[3] != 1:
                raise ValueError(f"{name}: depth_multiplier {dw.shape[3]} unsupported")
            kh, kw, c = dw.shape[:3]
            sh, sw = cfg["strides"]
            oh, ph = spatial(h, kh, sh, cfg["padding"])
            ow, pw = spatial(w, kw, sw, cfg["padding"])
            d = self.conv(x, f"{name}/depthwise", dw.transpose(2, 3, 0, 1), None, (sh, sw),
                          [ph[0], pw[0], ph[2], pw[2]], group=c)
            bias = ws[2] if cfg["use_bias"] else None
            y = self.conv(d, name, pwk.transpose(3, 2, 0, 1), bias, (1, 1), [0, 0, 0, 0])
            return self.activation(y, name, cfg["activation"]), (oh, ow)
        if cls == "BatchNormalization":
            if cfg["axis"] not in (-1, 3):
                raise ValueError(f"{name}: axis {cfg['axis']}")
            ws = dict(zip([n.decode().split("/")[-1].split(":")[0]
                           for n in self.h5["model_weights"][name].attrs["weight_names"]], self.weights(name)))
            c = ws["moving_mean"].shape[0]
            gamma = ws.get("gamma", np.ones(c, np.float32))
            beta = ws.get("beta", np.zeros(c, np.float32))
            y = self.add("BatchNormalization", [x, self.const(f"{name}/scale", gamma), self.const(f"{name}/bias", beta),
                                                self.const(f"{name}/mean", ws["moving_mean"]),
                                                self.const(f"{name}/var", ws["moving_variance"])],
                         name, epsilon=float(cfg["epsilon"]))
            return y, (h, w)
        if cls == "Activation":
            return self.activation(x, name, cfg["activation"], force_name=True), (h, w)
        if cls == "MaxPooling2D":
            kh, kw = cfg["pool_size"]
            sh, sw = cfg["strides"]
            oh, ph = spatial(h, kh, sh, cfg["padding"])
            ow, pw = spatial(w, kw, sw, cfg["padding"])
            # ONNX MaxPool ignores padded cells, as TF 'same' max pooling does.
            y = self.add("MaxPool", [x], name, kernel_shape=[kh, kw], strides=[sh, sw],
                         pads=[ph[0], pw[0], ph[2], pw[2]])
            return y, (oh, ow)
        if cls == "Add":
            y = ins[0]
            for i, other in enumerate(ins[1:]):
                y = self.add("Add", [y, other], name if i == len(ins) - 2 else f"{name}/{i}")
            return y, (h, w)
        if cls == "GlobalAveragePooling2D":
            g = self.add("GlobalAveragePool", [x], f"{name}/pool")
            return self.add("Flatten", [g], name, axis=1), (1, 1)
        raise ValueError(f"layer {name}: class {cls} unsupported")

    def activation(self, x, name, act, force_name=False):
        if act == "linear":
            return self.add("Identity", [x], name) if force_name else x
        if act == "relu":
            return self.add("Relu", [x], name if force_name else f"{name}/relu")
        if act == "softmax":
            # keep the pre-softmax tensor as `logits`
            self.add("Identity", [x], "logits")
            return self.add("Softmax", [x], name if force_name else f"{name}/softmax", axis=-1)
        raise ValueError(f"activation {act} unsupported")


def build(path):
    h5 = h5py.File(path, "r")
    cfg = json.loads(h5.attrs["model_config"])["config"]
    conv = Converter(h5)
    tensors, sizes = {}, {}
    input_name = None
    for layer in cfg["layers"]:
        cls, name, lcfg = layer["class_name"], layer["name"], layer["config"]
        if cls == "InputLayer":
            _, hh, ww, cc = lcfg["batch_input_shape"]
            if cc != 1:
                raise ValueError("expected a single-channel input")
            tensors[name], sizes[name], input_name, in_hw = "input", (hh, ww), name, (hh, ww)
            continue
        ins = [tensors[i[0]] for i in layer["inbound_nodes"][0]]
        size = sizes[layer["inbound_nodes"][0][0][0]]
        tensors[name], sizes[name] = conv.layer(cls, name, lcfg, ins, size)
    out_layer = cfg["output_layers"][0][0]
    conv.add("Identity", [tensors[out_layer]], "probs")
    graph = helper.make_graph(
        conv.nodes, "mini_xception_fer2013",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, in_hw[0], in_hw[1]])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 7]),
         helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 7])],
        conv.inits)
    model = helper.make_model(graph, producer_name="faceaspire models/convert/mini_xception.py", producer_version="1",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = ("mini-Xception FER2013 (oarriaga/face_classification, MIT). Input gray 64x64 NCHW, "
                        "(x/255 - 0.5)*2. Labels: angry,disgust,fear,happy,sad,surprise,neutral")
    onnx.checker.check_model(model)
    return model


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    model = build(argv[1])
    with open(argv[2], "wb") as f:
        f.write(model.SerializeToString())


if __name__ == "__main__":
    main(sys.argv)
