#!/usr/bin/python3
"""Writes the PyTorch reference data that tests/MiniTorch.NN.Tests compares MiniTorch's layers and losses against.

Run with the interpreter that has PyTorch (Debian's python3-torch, PyTorch 1.13):

    /usr/bin/python3 tools/golden/generate_nn_golden.py

Outputs (under tests/MiniTorch.NN.Tests/Golden/):
  layers.json      forward outputs and gradients (input, weight, bias) of Linear, Conv2d, pools, BatchNorm (train and
                   eval, running statistics), LayerNorm, GELU, Embedding and F.unfold, all in float64 with given weights
  losses.json      MSE, L1, CrossEntropy, NLL and BCEWithLogits values and input gradients, every reduction
  model.safetensors + model.json
                   a small CNN's state dict written in the safetensors format, and its eval-mode output on an input

    /usr/bin/python3 tools/golden/generate_nn_golden.py --check FILE

checks the other direction: FILE, a SmallCnn state dict saved by MiniTorch (Module.Save), is read with this script's
own parser, loaded into the PyTorch SmallCnn and must reproduce model.json's output (save the model after
Module.Load("Golden/model.safetensors") to get the same weights).

The `safetensors` Python package is not available next to this PyTorch, so model.safetensors is written by hand with
struct/json exactly as the format specifies (8-byte little-endian header length, JSON header padded with spaces to a
multiple of 8, raw little-endian data, tensors tiling the data section), including BatchNorm's int64
num_batches_tracked, as PyTorch's own safetensors export would store it. The test suite never needs PyTorch.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MiniTorch.NN.Tests", "Golden")
torch.manual_seed(1234)
torch.set_default_dtype(torch.float64)


def t(x):
    x = x.detach()
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def layer_case(name, module, x, config, extra_inputs=None):
    """Forward, then backward of a random upstream gradient: output and the gradients of x and every parameter."""
    params = {k: t(v) for k, v in module.named_parameters()}
    module.zero_grad(set_to_none=True)  # a module may serve several cases
    x = x.clone().requires_grad_(x.dtype.is_floating_point)
    y = module(x)
    g = randn(*y.shape)
    y.backward(g)
    grads = {k: t(v.grad) for k, v in module.named_parameters()}
    if x.requires_grad:
        grads["input"] = t(x.grad)
    case = {"name": name, "config": config, "input": t(x), "params": params, "output": t(y), "grad_output": t(g), "grads": grads}
    if extra_inputs:
        case.update(extra_inputs)
    return case


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(randn(*p.shape))
    return module


def conv_cases():
    cases = []
    configs = [
        dict(cin=2, cout=3, k=[3, 3], s=[1, 1], p=[1, 1], d=[1, 1], bias=True, x=[2, 2, 5, 5]),
        dict(cin=3, cout=2, k=[2, 3], s=[2, 1], p=[1, 0], d=[1, 2], bias=True, x=[1, 3, 6, 7]),
        dict(cin=1, cout=2, k=[2, 2], s=[2, 2], p=[0, 0], d=[2, 2], bias=False, x=[2, 1, 7, 6]),
        dict(cin=2, cout=2, k=[3, 2], s=[1, 3], p=[2, 1], d=[2, 1], bias=True, x=[1, 2, 4, 8]),
    ]
    for i, c in enumerate(configs):
        m = randomize(nn.Conv2d(c["cin"], c["cout"], c["k"], c["s"], c["p"], c["d"], bias=c["bias"]))
        cases.append(layer_case(f"conv2d_{i}", m, randn(*c["x"]), {k: v for k, v in c.items() if k != "x"}))
    return cases


def pool_cases():
    cases = []
    maxes = [
        dict(k=[2, 2], s=None, p=[0, 0], d=[1, 1], x=[2, 3, 4, 6]),
        dict(k=[3, 3], s=[2, 2], p=[1, 1], d=[1, 1], x=[1, 2, 7, 7]),
        dict(k=[2, 3], s=[1, 2], p=[1, 1], d=[2, 1], x=[1, 1, 6, 7]),
    ]
    for i, c in enumerate(maxes):
        m = nn.MaxPool2d(c["k"], c["s"], c["p"], c["d"])
        cases.append(layer_case(f"maxpool2d_{i}", m, randn(*c["x"]), {k: v for k, v in c.items() if k != "x"}))
    avgs = [
        dict(k=[2, 2], s=None, p=[0, 0], include=True, x=[2, 2, 4, 4]),
        dict(k=[3, 3], s=[2, 2], p=[1, 1], include=True, x=[1, 2, 5, 6]),
        dict(k=[3, 2], s=[2, 1], p=[1, 1], include=False, x=[1, 2, 5, 6]),
    ]
    for i, c in enumerate(avgs):
        m = nn.AvgPool2d(c["k"], c["s"], c["p"], count_include_pad=c["include"])
        cases.append(layer_case(f"avgpool2d_{i}", m, randn(*c["x"]), {k: v for k, v in c.items() if k != "x"}))
    return cases


def batchnorm_cases():
    """Two training steps (outputs, gradients, running statistics after each), then evaluation on a third input."""
    cases = []
    for name, cls, shape, momentum in [
        ("batchnorm1d_2d", nn.BatchNorm1d, [4, 3], 0.1),
        ("batchnorm1d_3d", nn.BatchNorm1d, [4, 3, 5], 0.3),
        ("batchnorm2d", nn.BatchNorm2d, [3, 2, 4, 4], 0.1),
        ("batchnorm2d_cumulative", nn.BatchNorm2d, [2, 3, 3, 2], None),
    ]:
        m = randomize(cls(shape[1], momentum=momentum))
        steps = []
        for _ in range(2):
            m.train()
            step = layer_case("", m, randn(*shape) * 2 + 0.5, {})
            m.zero_grad()
            step["running_mean"] = t(m.running_mean)
            step["running_var"] = t(m.running_var)
            step["num_batches_tracked"] = int(m.num_batches_tracked)
            steps.append({k: v for k, v in step.items() if k not in ("name", "config", "params")})
        params = {k: t(v) for k, v in m.named_parameters()}
        m.eval()
        x = randn(*shape)
        with torch.no_grad():
            eval_out = m(x)
        cases.append({"name": name, "config": {"momentum": momentum, "eps": m.eps}, "params": params, "steps": steps,
                      "eval_input": t(x), "eval_output": t(eval_out)})
    return cases


def misc_layer_cases():
    cases = []
    lin = randomize(nn.Linear(5, 3))
    cases.append(layer_case("linear", lin, randn(4, 5), {"in": 5, "out": 3}))
    cases.append(layer_case("linear_3d", lin, randn(2, 3, 5), {"in": 5, "out": 3}))
    ln = randomize(nn.LayerNorm([4]))
    cases.append(layer_case("layernorm_last", ln, randn(2, 3, 4) * 3, {"normalized_shape": [4], "eps": 1e-5}))
    ln2 = randomize(nn.LayerNorm([3, 4], eps=1e-3))
    cases.append(layer_case("layernorm_two", ln2, randn(2, 3, 4), {"normalized_shape": [3, 4], "eps": 1e-3}))
    x = torch.linspace(-6, 6, 25, dtype=torch.float64).reshape(5, 5)
    cases.append(layer_case("gelu_none", nn.GELU(), x, {"approximate": "none"}))
    cases.append(layer_case("gelu_tanh", nn.GELU(approximate="tanh"), x, {"approximate": "tanh"}))
    emb = randomize(nn.Embedding(6, 3, padding_idx=2))
    idx = torch.tensor([[0, 2, 5, 2], [1, 1, 4, 3]])
    e = layer_case("embedding", emb, idx, {"num": 6, "dim": 3, "padding_idx": 2})
    e["input"] = {"shape": [2, 4], "data": [float(v) for v in idx.reshape(-1).tolist()]}
    cases.append(e)
    x = randn(2, 3, 5, 6)
    cases.append({"name": "unfold", "config": {"k": [2, 3], "s": [2, 1], "p": [1, 1], "d": [1, 2]}, "input": t(x),
                  "output": t(F.unfold(x, (2, 3), dilation=(1, 2), padding=(1, 1), stride=(2, 1)))})
    return cases


def loss_case(name, fn, x, target, config, weight=None, pos_weight=None):
    x = x.clone().requires_grad_(True)
    loss = fn(x)
    g = randn(*loss.shape) if loss.dim() > 0 else torch.tensor(1.0)
    loss.backward(g)
    case = {"name": name, "config": config, "input": t(x), "target": t(target), "output": t(loss), "grad_output": t(g), "grad_input": t(x.grad)}
    if weight is not None:
        case["weight"] = t(weight)
    if pos_weight is not None:
        case["pos_weight"] = t(pos_weight)
    return case


def loss_cases():
    cases = []
    x, y = randn(3, 4), randn(3, 4)
    for r in ["mean", "sum", "none"]:
        cases.append(loss_case(f"mse_{r}", lambda i: F.mse_loss(i, y, reduction=r), x, y, {"loss": "mse", "reduction": r}))
        cases.append(loss_case(f"l1_{r}", lambda i: F.l1_loss(i, y, reduction=r), x, y, {"loss": "l1", "reduction": r}))
    logits = randn(4, 5) * 3
    labels = torch.tensor([1, 0, 4, 2])
    w = torch.rand(5, dtype=torch.float64) + 0.5
    for r in ["mean", "sum", "none"]:
        cases.append(loss_case(f"ce_{r}", lambda i: F.cross_entropy(i, labels, reduction=r), logits, labels.double(), {"loss": "ce", "reduction": r}))
        cases.append(loss_case(f"ce_weighted_{r}", lambda i: F.cross_entropy(i, labels, weight=w, reduction=r), logits, labels.double(), {"loss": "ce", "reduction": r}, weight=w))
    ignored = torch.tensor([1, -100, 4, 2])
    cases.append(loss_case("ce_ignore_default", lambda i: F.cross_entropy(i, ignored, weight=w), logits, ignored.double(), {"loss": "ce", "reduction": "mean"}, weight=w))
    cases.append(loss_case("ce_ignore_custom", lambda i: F.cross_entropy(i, labels, ignore_index=4, reduction="mean"), logits, labels.double(), {"loss": "ce", "reduction": "mean", "ignore_index": 4}))
    big = torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 800.0, 20.0]])
    big_labels = torch.tensor([1, 0])
    cases.append(loss_case("ce_extreme_logits", lambda i: F.cross_entropy(i, big_labels), big, big_labels.double(), {"loss": "ce", "reduction": "mean"}))
    kx = randn(2, 3, 2, 2)
    klabels = torch.tensor([[[0, 2], [1, 1]], [[2, 2], [0, 1]]])
    cases.append(loss_case("ce_kdim", lambda i: F.cross_entropy(i, klabels, weight=w[:3]), kx, klabels.double(), {"loss": "ce", "reduction": "mean"}, weight=w[:3]))
    probs = torch.softmax(randn(4, 5), dim=1)
    cases.append(loss_case("ce_probabilities", lambda i: F.cross_entropy(i, probs), logits, probs, {"loss": "ce", "reduction": "mean"}))
    cases.append(loss_case("ce_probabilities_weighted_sum", lambda i: F.cross_entropy(i, probs, weight=w, reduction="sum"), logits, probs, {"loss": "ce", "reduction": "sum"}, weight=w))
    single = randn(5)
    cases.append(loss_case("ce_unbatched", lambda i: F.cross_entropy(i, torch.tensor(3)), single, torch.tensor(3.0), {"loss": "ce", "reduction": "mean"}))
    logp = torch.log_softmax(randn(4, 5), dim=1)
    for r in ["mean", "sum", "none"]:
        cases.append(loss_case(f"nll_weighted_{r}", lambda i: F.nll_loss(i, labels, weight=w, reduction=r), logp, labels.double(), {"loss": "nll", "reduction": r}, weight=w))
    bx = torch.tensor([[-60.0, -2.0, 0.0], [0.5, 3.0, 45.0]])
    by = torch.tensor([[0.0, 1.0, 1.0], [0.3, 0.0, 1.0]])
    bw = torch.tensor([0.5, 2.0, 1.0])
    pw = torch.tensor([3.0, 0.5, 1.5])
    for r in ["mean", "sum", "none"]:
        cases.append(loss_case(f"bce_{r}", lambda i: F.binary_cross_entropy_with_logits(i, by, reduction=r), bx, by, {"loss": "bce", "reduction": r}))
    cases.append(loss_case("bce_weights", lambda i: F.binary_cross_entropy_with_logits(i, by, weight=bw, pos_weight=pw), bx, by, {"loss": "bce", "reduction": "mean"}, weight=bw, pos_weight=pw))
    return cases


class SmallCnn(nn.Module):
    """The architecture tests/MiniTorch.NN.Tests/Serialization builds in MiniTorch with the same names."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2))
        self.head = nn.Linear(2 * 2 * 2, 3)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


def write_safetensors(path, state, metadata):
    """The safetensors format by hand: header length (u64 LE), JSON header padded to 8 bytes, then the tensors' bytes."""
    dtypes = {torch.float32: ("F32", "f"), torch.float64: ("F64", "d"), torch.int64: ("I64", "q")}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in state.items():
        code, fmt = dtypes[tensor.dtype]
        values = tensor.contiguous().reshape(-1).tolist()
        blob = struct.pack("<%d%s" % (len(values), fmt), *values)
        header[name] = {"dtype": code, "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def read_safetensors(path):
    """The format by hand: the inverse of write_safetensors, with the checks a reader must make."""
    codes = {"F32": ("f", 4, torch.float32), "F64": ("d", 8, torch.float64), "I64": ("q", 8, torch.int64)}
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    body = data[8 + n:]
    header.pop("__metadata__", None)
    state, end = {}, 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        fmt, size, dtype = codes[info["dtype"]]
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert begin == end and stop - begin == numel * size, f"bad offsets for {name}"
        values = struct.unpack("<%d%s" % (numel, fmt), body[begin:stop])
        state[name] = torch.tensor(values, dtype=dtype).reshape(info["shape"])
        end = stop
    assert end == len(body), "trailing bytes"
    return state


def check_minitorch_file(path):
    torch.set_default_dtype(torch.float32)
    model = SmallCnn()
    model.load_state_dict(read_safetensors(path))  # copy_ converts MiniTorch's float num_batches_tracked to int64
    model.eval()
    with open(os.path.join(OUT, "model.json")) as f:
        expected = json.load(f)
    x = torch.tensor(expected["input"]["data"]).reshape(expected["input"]["shape"])
    with torch.no_grad():
        y = model(x)
    want = torch.tensor(expected["output"]["data"]).reshape(expected["output"]["shape"])
    assert torch.allclose(y, want, atol=1e-6), f"PyTorch output {y} differs from {want}"
    print("PyTorch loaded", path, "and reproduced model.json's output")


def model_files():
    torch.set_default_dtype(torch.float32)
    model = SmallCnn()
    model.train()
    with torch.no_grad():
        for _ in range(3):  # move BatchNorm's running statistics away from their initial values
            model(torch.randn(4, 1, 4, 4) + 1)
    model.eval()
    x = torch.randn(2, 1, 4, 4)
    with torch.no_grad():
        y = model(x)
    write_safetensors(os.path.join(OUT, "model.safetensors"), model.state_dict(), {"format": "pt", "source": "generate_nn_golden.py"})
    with open(os.path.join(OUT, "model.json"), "w") as f:
        json.dump({"keys": list(model.state_dict().keys()), "input": t(x), "output": t(y),
                   "num_batches_tracked": int(model.features[1].num_batches_tracked)}, f)
    torch.set_default_dtype(torch.float64)


def main():
    os.makedirs(OUT, exist_ok=True)
    layers = conv_cases() + pool_cases() + batchnorm_cases() + misc_layer_cases()
    with open(os.path.join(OUT, "layers.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": layers}, f)
    with open(os.path.join(OUT, "losses.json"), "w") as f:
        json.dump({"torch": torch.__version__, "cases": loss_cases()}, f)
    model_files()
    print("wrote", OUT)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check_minitorch_file(sys.argv[2])
    else:
        main()
