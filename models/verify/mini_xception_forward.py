#!/usr/bin/python3
"""Reference forward pass of the mini-Xception FER2013 Keras HDF5 in plain numpy (float64, NHWC, HWIO kernels),
written independently of models/convert/mini_xception.py (no ONNX, no layout transposes, its own convolution and
padding code) to verify that converter.

Usage: /usr/bin/python3 mini_xception_forward.py MODEL.hdf5 IN.u8 N OUT.json
  IN.u8    N gray 64x64 uint8 images (N*4096 bytes)
  OUT.json JSON array of N arrays of 7 softmax probabilities, FER2013 order
           angry, disgust, fear, happy, sad, surprise, neutral
Preprocessing as in the model's training code: x / 255, then (x - 0.5) * 2.
"""
import json
import sys

import h5py
import numpy as np


def tf_pad(x, k, stride, padding, value=0.0):
    """Pad NHWC x the way TensorFlow does for 'same' (odd pixel bottom/right); 'valid' pads nothing."""
    if padding == "valid":
        return x
    pads = []
    for dim, kk, ss in ((x.shape[1], k[0], stride[0]), (x.shape[2], k[1], stride[1])):
        out = -(-dim // ss)
        total = max(0, (out - 1) * ss + kk - dim)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=value)


def windows(x, k, stride):
    """All k-sized windows of NHWC x: shape [N, OH, OW, kh, kw, C] (a strided view, no copy)."""
    n, h, w, c = x.shape
    oh, ow = (h - k[0]) // stride[0] + 1, (w - k[1]) // stride[1] + 1
    s = x.strides
    return np.lib.stride_tricks.as_strided(
        x, (n, oh, ow, k[0], k[1], c), (s[0], s[1] * stride[0], s[2] * stride[1], s[1], s[2], s[3]))


def conv2d(x, kernel, stride, padding):
    """Full convolution (cross-correlation, as Keras): kernel HWIO."""
    xp = tf_pad(x, kernel.shape[:2], stride, padding)
    return np.einsum("nhwijc,ijco->nhwo", windows(xp, kernel.shape[:2], stride), kernel, optimize=True)


def depthwise(x, kernel, stride, padding):
    """Depthwise convolution, kernel [kh, kw, C, 1]."""
    xp = tf_pad(x, kernel.shape[:2], stride, padding)
    return np.einsum("nhwijc,ijc->nhwc", windows(xp, kernel.shape[:2], stride), kernel[..., 0], optimize=True)


def max_pool(x, pool, stride, padding):
    xp = tf_pad(x, pool, stride, padding, value=-np.inf)
    return windows(xp, pool, stride).max(axis=(3, 4))


def forward(h5, cfg, images):
    mw = h5["model_weights"]

    def weights(name):
        g = mw[name]
        return {n.decode().split("/")[-1].split(":")[0]: np.array(g[n], np.float64) for n in g.attrs["weight_names"]}

    acts = {"relu": lambda v: np.maximum(v, 0.0), "linear": lambda v: v,
            "softmax": lambda v: np.exp(v - v.max(-1, keepdims=True)) / np.exp(v - v.max(-1, keepdims=True)).sum(-1, keepdims=True)}
    values = {}
    for layer in cfg["layers"]:
        cls, name, c = layer["class_name"], layer["name"], layer["config"]
        ins = [values[i[0]] for i in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        if cls == "InputLayer":
            y = images
        elif cls == "Conv2D":
            w = weights(name)
            y = conv2d(ins[0], w["kernel"], c["strides"], c["padding"])
            if c["use_bias"]:
                y = y + w["bias"]
            y = acts[c["activation"]](y)
        elif cls == "SeparableConv2D":
            w = weights(name)
            y = depthwise(ins[0], w["depthwise_kernel"], c["strides"], c["padding"])
            y = np.einsum("nhwc,co->nhwo", y, w["pointwise_kernel"][0, 0])
            if c["use_bias"]:
                y = y + w["bias"]
            y = acts[c["activation"]](y)
        elif cls == "BatchNormalization":
            w = weights(name)
            y = (ins[0] - w["moving_mean"]) / np.sqrt(w["moving_variance"] + c["epsilon"]) * w["gamma"] + w["beta"]
        elif cls == "Activation":
            y = acts[c["activation"]](ins[0])
        elif cls == "MaxPooling2D":
            y = max_pool(ins[0], c["pool_size"], c["strides"], c["padding"])
        elif cls == "Add":
            y = sum(ins)
        elif cls == "GlobalAveragePooling2D":
            y = ins[0].mean(axis=(1, 2))
        else:
            raise ValueError(f"unsupported layer {cls}")
        values[name] = y
    return values[cfg["output_layers"][0][0]]


def main(argv):
    if len(argv) != 5:
        sys.exit(__doc__)
    n = int(argv[3])
    raw = np.fromfile(argv[2], np.uint8)
    if raw.size != n * 64 * 64:
        sys.exit(f"{argv[2]}: {raw.size} bytes, expected {n} * 64 * 64")
    x = (raw.reshape(n, 64, 64, 1).astype(np.float64) / 255.0 - 0.5) * 2.0
    with h5py.File(argv[1], "r") as h5:
        cfg = json.loads(h5.attrs["model_config"])["config"]
        probs = np.concatenate([forward(h5, cfg, x[i:i + 64]) for i in range(0, n, 64)])
    with open(argv[4], "w") as f:
        json.dump(probs.tolist(), f)


if __name__ == "__main__":
    main(sys.argv)
