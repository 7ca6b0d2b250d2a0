#!/usr/bin/python3
"""Golden reference data for MiniTorch, computed by real PyTorch.

How to run (from the repository root):

    /usr/bin/python3 tools/golden/generate_golden.py

It needs PyTorch (Debian's python3-torch, PyTorch 1.13 on CPU: `apt-get install -y python3-torch`;
use /usr/bin/python3, the interpreter that package installs into). It rewrites

    tests/MiniTorch.Autograd.Tests/Golden/ops.json     op cases: inputs, forward, gradients, second order
    tests/MiniTorch.Autograd.Tests/Golden/format.json  str() of tensors, for MiniTorch's ToString

The cases are the golden samples of the C# op table (tests/MiniTorch.OpDatabase): its manifest
tests/MiniTorch.OpDatabase/op-table.json gives each case's name, op key, input descriptions (distribution and shape),
arguments, differentiable inputs and tolerance. This script keeps only TORCH_CALLS, the PyTorch call of each op key.
To add a case, add a golden sample to the table, regenerate the manifest (see ManifestJson.RegenerateHint), then run
this script.

The files are committed. The C# test suite only reads them and never needs PyTorch or Python.
The script is deterministic (each case seeds the generator from its name; one thread), so re-running it
reproduces the same files with the same PyTorch version, and adding a case leaves the others unchanged.
The cases are written in the manifest's (the table's) order. Review the diff.

Every op case records, in float64:
  - op, params (dim, keepdim, p, slope, min/max, exponent, index tensors, ...) and the inputs (values, shapes,
    whether each is differentiable);
  - the forward outputs (the first is the differentiable one; e.g. max along a dim also records indices);
  - grad_output, a fixed random tensor, and the first-order gradients: the vector-Jacobian product
    grad_output^T J for each differentiable input (torch.autograd.grad);
  - v, one fixed random tensor per differentiable input, and the second-order values: the gradient with
    respect to the inputs of sum_i sum(grad_i * v_i), with the first-order graph built by create_graph=True
    (Hessian-vector-like products). Where no first-order gradient depends on the inputs (linear ops), the
    second-order values are zeros.

Inputs, grad_output and v are rounded to 4 decimals so the JSON stays small; both sides parse the same
decimal text, so they compute from the same doubles. Results are written with 15 significant digits.
"""

import json
import math
import os
import sys
import zlib

import torch

SEED = 20240613
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT_DIR = os.path.join(ROOT, "tests", "MiniTorch.Autograd.Tests", "Golden")
# The golden samples of the C# op table (tests/MiniTorch.OpDatabase), written by its manifest test.
MANIFEST = os.path.join(ROOT, "tests", "MiniTorch.OpDatabase", "op-table.json")
F64 = torch.float64

torch.set_num_threads(1)
GEN = torch.Generator().manual_seed(SEED)


# ---------------------------------------------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------------------------------------------

def rounded(t):
    """Rounds to 4 decimals: the value both sides parse from the JSON text."""
    return torch.round(t * 10000) / 10000


def randn(*shape, scale=1.0, shift=0.0):
    return rounded(torch.randn(tuple(shape), generator=GEN, dtype=F64) * scale + shift)


def uniform(lo, hi, *shape):
    return rounded(torch.rand(tuple(shape), generator=GEN, dtype=F64) * (hi - lo) + lo)


def distinct(*shape, scale=1.0, shift=0.0, gap=1e-3):
    """Random values no two of which are closer than `gap` (no ties for max/min/maximum/norm-inf),
    and none closer than `gap` to 0 (no kinks of abs/relu)."""
    while True:
        t = randn(*shape, scale=scale, shift=shift)
        flat = sorted(t.reshape(-1).tolist())
        if all(b - a >= gap for a, b in zip(flat, flat[1:])) and all(abs(v) >= gap for v in flat):
            return t


def away_from(points, *shape, scale=1.0, gap=1e-2):
    """Random values at least `gap` from each of `points` (kinks of clamp, relu, ...)."""
    while True:
        t = randn(*shape, scale=scale)
        if all(abs(v - p) >= gap for v in t.reshape(-1).tolist() for p in points):
            return t


def split(t, *shapes):
    """Consecutive pieces of a 1-D tensor, reshaped: distinct values shared by several inputs."""
    pieces, start = [], 0
    for shape in shapes:
        n = math.prod(shape)
        pieces.append(t[start:start + n].reshape(shape))
        start += n
    return pieces


def tensor(values, shape=None):
    t = torch.tensor(values, dtype=F64)
    return t if shape is None else t.reshape(shape)


def index_tensor(values, shape=None):
    return tensor([float(v) for v in values], shape)


def number(x):
    """A JSON number with 15 significant digits; non-finite values as strings C# double.Parse reads."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    y = float("%.15g" % x)
    # Whole numbers print without ".0"; -0.0 keeps its sign (it prints differently from 0.0).
    if y.is_integer() and abs(y) < 1e15 and (y != 0 or math.copysign(1.0, y) > 0):
        return int(y)
    return y


def encode(t):
    t = t.detach().to(F64)
    if t._is_zerotensor():
        # Some backward formulas (e.g. abs's sgn) return PyTorch's storage-less "efficient zero" tensor.
        t = torch.zeros(t.shape, dtype=F64)
    return {"shape": list(t.shape), "values": [number(v) for v in t.reshape(-1).tolist()]}


# ---------------------------------------------------------------------------------------------------------------
# The torch calls: each golden op key of the C# op table (OpInfo.GoldenKey) maps to the PyTorch call; the table's
# row (OpInfo.Call) makes the MiniTorch call for the same key and arguments. Everything else about a case (inputs,
# arguments, which inputs are differentiable, tolerance) comes from the table through its manifest.
# `xs` are the input tensors in order, `p` the params (tensor-valued params are already torch tensors).
# Each function returns a tuple of outputs; the first is the one differentiated.
# ---------------------------------------------------------------------------------------------------------------

def dims_arg(p):
    return p["dims"] if p.get("dims") is not None else None


def index_item(item):
    kind = item["kind"]
    if kind == "int":
        return item["value"]
    if kind == "slice":
        return slice(item.get("start"), item.get("end"))
    if kind == "ellipsis":
        return Ellipsis
    if kind == "newaxis":
        return None
    raise ValueError(kind)


def sum_over(x, p):
    dims = dims_arg(p)
    return x.sum() if dims is None and not p["keepdim"] else x.sum(dim=dims if dims is not None else list(range(x.dim())), keepdim=p["keepdim"])


def mean_over(x, p):
    dims = dims_arg(p)
    return x.mean() if dims is None and not p["keepdim"] else x.mean(dim=dims if dims is not None else list(range(x.dim())), keepdim=p["keepdim"])


def norm_p(p):
    return float("inf") if p["p"] == "inf" else float(p["p"])


TORCH_CALLS = {
    # Elementwise arithmetic with broadcasting, and the scalar forms of the C# operators.
    "add": lambda xs, p: (torch.add(xs[0], xs[1]),),
    "sub": lambda xs, p: (torch.sub(xs[0], xs[1]),),
    "mul": lambda xs, p: (torch.mul(xs[0], xs[1]),),
    "div": lambda xs, p: (torch.div(xs[0], xs[1]),),
    "add_scalar": lambda xs, p: (xs[0] + p["scalar"],),
    "sub_scalar": lambda xs, p: (xs[0] - p["scalar"],),
    "rsub_scalar": lambda xs, p: (p["scalar"] - xs[0],),
    "mul_scalar": lambda xs, p: (xs[0] * p["scalar"],),
    "div_scalar": lambda xs, p: (xs[0] / p["scalar"],),
    "rdiv_scalar": lambda xs, p: (p["scalar"] / xs[0],),
    "neg": lambda xs, p: (-xs[0],),
    # Unary math and activations.
    "exp": lambda xs, p: (torch.exp(xs[0]),),
    "log": lambda xs, p: (torch.log(xs[0]),),
    "sqrt": lambda xs, p: (torch.sqrt(xs[0]),),
    "abs": lambda xs, p: (torch.abs(xs[0]),),
    "sin": lambda xs, p: (torch.sin(xs[0]),),
    "cos": lambda xs, p: (torch.cos(xs[0]),),
    "tanh": lambda xs, p: (torch.tanh(xs[0]),),
    "sigmoid": lambda xs, p: (torch.sigmoid(xs[0]),),
    "relu": lambda xs, p: (torch.relu(xs[0]),),
    "leaky_relu": lambda xs, p: (torch.nn.functional.leaky_relu(xs[0], p["slope"]) if p.get("slope") is not None
                                 else torch.nn.functional.leaky_relu(xs[0]),),
    "clamp": lambda xs, p: (torch.clamp(xs[0], min=p.get("min"), max=p.get("max")),),
    "pow_scalar": lambda xs, p: (torch.pow(xs[0], p["exponent"]),),
    "pow_tensor": lambda xs, p: (torch.pow(xs[0], xs[1]),),
    "maximum": lambda xs, p: (torch.maximum(xs[0], xs[1]),),
    "minimum": lambda xs, p: (torch.minimum(xs[0], xs[1]),),
    "where": lambda xs, p: (torch.where(p["condition"] != 0, xs[0], xs[1]),),
    # Reductions.
    "sum": lambda xs, p: (sum_over(xs[0], p),),
    "mean": lambda xs, p: (mean_over(xs[0], p),),
    "max_all": lambda xs, p: (xs[0].max(),),
    "min_all": lambda xs, p: (xs[0].min(),),
    "max_dim": lambda xs, p: tuple(torch.max(xs[0], dim=p["dim"], keepdim=p["keepdim"])),
    "min_dim": lambda xs, p: tuple(torch.min(xs[0], dim=p["dim"], keepdim=p["keepdim"])),
    "var": lambda xs, p: (torch.var(xs[0], dim=dims_arg(p), correction=p["correction"], keepdim=p["keepdim"]),),
    "std": lambda xs, p: (torch.std(xs[0], dim=dims_arg(p), correction=p["correction"], keepdim=p["keepdim"]),),
    "norm": lambda xs, p: (torch.linalg.vector_norm(xs[0], ord=norm_p(p), dim=dims_arg(p), keepdim=p["keepdim"]),),
    "softmax": lambda xs, p: (torch.softmax(xs[0], p["dim"]),),
    "log_softmax": lambda xs, p: (torch.log_softmax(xs[0], p["dim"]),),
    "logsumexp": lambda xs, p: (torch.logsumexp(xs[0], p["dims"], keepdim=p["keepdim"]),),
    # Indexing by index tensors.
    "gather": lambda xs, p: (torch.gather(xs[0], p["dim"], p["index"].long()),),
    "index_select": lambda xs, p: (torch.index_select(xs[0], p["dim"], p["index"].long()),),
    "scatter_add": lambda xs, p: (xs[0].scatter_add(p["dim"], p["index"].long(), xs[1]),),
    # Views and shape ops.
    "reshape": lambda xs, p: (xs[0].reshape(p["shape"]),),
    "transpose": lambda xs, p: (xs[0].transpose(p["dim0"], p["dim1"]),),
    "permute": lambda xs, p: (xs[0].permute(p["dims"]),),
    "expand": lambda xs, p: (xs[0].expand(p["sizes"]),),
    "narrow": lambda xs, p: (xs[0].narrow(p["dim"], p["start"], p["length"]),),
    "squeeze": lambda xs, p: (xs[0].squeeze() if p.get("dim") is None else xs[0].squeeze(p["dim"]),),
    "unsqueeze": lambda xs, p: (xs[0].unsqueeze(p["dim"]),),
    "index": lambda xs, p: (xs[0][tuple(index_item(i) for i in p["items"])],),
    "cat": lambda xs, p: (torch.cat(xs, p["dim"]),),
    "stack": lambda xs, p: (torch.stack(xs, p["dim"]),),
    # Products.
    "dot": lambda xs, p: (torch.dot(xs[0], xs[1]),),
    "mm": lambda xs, p: (torch.mm(xs[0], xs[1]),),
    "bmm": lambda xs, p: (torch.bmm(xs[0], xs[1]),),
    "matmul": lambda xs, p: (torch.matmul(xs[0], xs[1]),),
    # Convolution and pooling (torch.nn.functional), float64; a missing third input is a convolution without bias.
    "conv2d": lambda xs, p: (torch.nn.functional.conv2d(xs[0], xs[1], xs[2] if len(xs) > 2 else None, p["stride"], p["padding"],
                                                        p["dilation"], p["groups"]),),
    "max_pool2d": lambda xs, p: (torch.nn.functional.max_pool2d(xs[0], p["kernel"], p["stride"], p["padding"], p["dilation"],
                                                                ceil_mode=p["ceil_mode"]),),
    "avg_pool2d": lambda xs, p: (torch.nn.functional.avg_pool2d(xs[0], p["kernel"], p["stride"], p["padding"], ceil_mode=p["ceil_mode"],
                                                                count_include_pad=p["count_include_pad"]),),
    "adaptive_avg_pool2d": lambda xs, p: (torch.nn.functional.adaptive_avg_pool2d(xs[0], p["output_size"]),),
    # Compositions: shared inputs (gradients accumulate from several uses) and chains of ops, to second order.
    "mlp_log_softmax": lambda xs, p: (torch.log_softmax(torch.tanh(xs[0] @ xs[1] + xs[2]) @ xs[3], -1),),
    "swish_plus_square_mean": lambda xs, p: (xs[0] * torch.sigmoid(xs[0]) + (xs[0] ** 2).mean(0, keepdim=True),),
}


# ---------------------------------------------------------------------------------------------------------------
# The cases: the golden samples of the C# op table, read from its manifest
# ---------------------------------------------------------------------------------------------------------------

CASES = []


def case(name, op, make_inputs, params=None, requires_grad=None, atol=None):
    """make_inputs: a function giving the input tensors (all differentiable unless `requires_grad` says otherwise).
    It runs after the random generator is seeded from the case name, so each case draws its own numbers:
    adding, removing or reordering cases leaves the other cases' data unchanged.
    atol: the absolute tolerance the C# test allows, for cases whose point is accuracy at tiny magnitudes
    (0 = relative only); by default the tests use 1e-10."""
    if any(c["name"] == name for c in CASES):
        raise ValueError("duplicate case name " + name)
    GEN.manual_seed(SEED + zlib.crc32(name.encode()))
    inputs = make_inputs()
    c = run(name, op, inputs, params or {}, requires_grad or [True] * len(inputs))
    if atol is not None:
        c["atol"] = atol
    CASES.append(c)


def run(name, op, inputs, params, requires_grad):
    xs = [x.clone().requires_grad_(rg) for x, rg in zip(inputs, requires_grad)]
    outputs = TORCH_CALLS[op](xs, params)
    out = outputs[0]
    grad_output = randn(*out.shape)
    diff = [x for x in xs if x.requires_grad]
    grads = torch.autograd.grad(out, diff, grad_output, create_graph=True, allow_unused=True)
    grads = [torch.zeros_like(x) if g is None else g for x, g in zip(diff, grads)]
    vs = [randn(*x.shape) for x in diff]
    terms = [(g * v).sum() for g, v in zip(grads, vs) if g.requires_grad]
    if terms:
        second = torch.autograd.grad(sum(terms), diff, allow_unused=True)
        second = [torch.zeros_like(x) if s is None else s for x, s in zip(diff, second)]
    else:
        second = [torch.zeros_like(x) for x in diff]
    return {
        "name": name,
        "op": op,
        "params": {k: (encode_param(v) if isinstance(v, torch.Tensor) else v) for k, v in params.items()},
        "inputs": [dict(encode(x), requires_grad=rg) for x, rg in zip(inputs, requires_grad)],
        "outputs": [encode(o) for o in outputs],
        "grad_output": encode(grad_output),
        "grads": [encode(g) for g in grads],
        "v": [encode(v) for v in vs],
        "grad_grads": [encode(s) for s in second],
    }


def make_input(spec):
    """The tensors one input description of the manifest stands for (InputSpec.ToManifestJson in C#)."""
    if "randn" in spec:
        return [randn(*spec["randn"], scale=spec.get("scale", 1.0), shift=spec.get("shift", 0.0))]
    if "uniform" in spec:
        return [uniform(spec["low"], spec["high"], *spec["uniform"])]
    if "distinct" in spec:
        return [distinct(*spec["distinct"])]
    if "away_from" in spec:
        return [away_from(spec["points"], *spec["away_from"], scale=spec.get("scale", 1.0), gap=spec.get("gap", 1e-2))]
    if "tensor" in spec:
        return [tensor(spec["values"], spec["tensor"])]
    if "split_distinct" in spec:
        shapes = spec["split_distinct"]
        return split(distinct(sum(math.prod(s) for s in shapes)), *shapes)
    raise ValueError(f"unknown input description {spec}")


PARAM_DTYPES = {"int64": torch.int64, "bool": torch.bool}


def param(value):
    """A manifest argument as the torch call takes it: {"shape", "values"[, "dtype"]} objects are constant tensors
    (float64 unless the manifest names int64 indices or bool masks)."""
    if isinstance(value, dict) and set(value) <= {"shape", "values", "dtype"} and {"shape", "values"} <= set(value):
        t = tensor(value["values"], value["shape"])
        return t.to(PARAM_DTYPES[value["dtype"]]) if "dtype" in value else t
    return value


def encode_param(t):
    """A tensor param as the manifest writes it: integer and bool ones name their dtype."""
    names = {v: k for k, v in PARAM_DTYPES.items()}
    return dict(encode(t), dtype=names[t.dtype]) if t.dtype in names else encode(t)


def build_cases():
    with open(MANIFEST) as f:
        manifest = json.load(f)
    for c in manifest["cases"]:
        if c["op"] not in TORCH_CALLS:
            raise ValueError(f"case {c['name']}: op '{c['op']}' has no torch call; add it to TORCH_CALLS")
        case(c["name"], c["op"], lambda specs=c["inputs"]: [t for spec in specs for t in make_input(spec)],
             {k: param(v) for k, v in c["params"].items()}, c.get("requires_grad"), c.get("atol"))


# ---------------------------------------------------------------------------------------------------------------
# str() of tensors, for MiniTorch's ToString. Each case says how to make the tensor: `dtype`, `shape`, `values`
# (the stored values, as float64), `requires_grad`, and `make`, the op whose result is printed (a leaf if "leaf").
# ---------------------------------------------------------------------------------------------------------------

FORMAT_MAKERS = {
    "leaf": lambda x: x,
    "mul_scalar_2": lambda x: x * 2,
    "sum": lambda x: x.sum(),
    "dot_self": lambda x: torch.dot(x, x),
    "exp_mean": lambda x: x.exp().mean(),
    "tanh": lambda x: x.tanh(),
}


def format_cases():
    cases = []

    def fmt(name, t, make="leaf", requires_grad=False):
        x = t.clone().requires_grad_(requires_grad)
        cases.append({
            "name": name,
            "dtype": "float64" if t.dtype == F64 else "float32",
            "shape": list(t.shape),
            "values": [number(v) for v in t.reshape(-1).tolist()],
            "requires_grad": requires_grad,
            "make": make,
            "expected": str(FORMAT_MAKERS[make](x)),
        })

    f32 = torch.float32
    fmt("integer_valued_vector", torch.tensor([0.0, 4.0, 8.0, 12.0]))
    fmt("negative_and_zero_integers", torch.tensor([-1.0, 0.0, 1.0]))
    fmt("fractional_values", torch.tensor([0.1, -2.5, 3.14159, 10.25]))
    fmt("scientific_fractional_ratio_over_1000", torch.tensor([0.1, -2.5, 3.14159, 100.25]))
    fmt("scalar_0d", torch.tensor(3.5))
    fmt("scientific_small_value", torch.tensor([1e-5, 0.5, 2.0]))
    fmt("scientific_large_ratio", torch.tensor([0.001, 10.0, 1234.5]))
    fmt("scientific_large_integers", torch.tensor([1e9, 2.0]))
    fmt("scientific_integer_ratio_over_1000", torch.tensor([1.0, 2000.0]))
    fmt("matrix_2d", torch.tensor([[0.5, -1.25, 2.0], [3.75, 4.0, -0.125]]))
    fmt("tensor_3d", torch.arange(24.0).reshape(2, 3, 4))
    fmt("tensor_3d_fractional", (torch.arange(12.0).reshape(3, 2, 2) - 5.5) / 4)
    fmt("float64_vector", torch.tensor([1.5, 2.25, -3.0], dtype=F64))
    fmt("float64_matrix", torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=F64))
    fmt("requires_grad_leaf", torch.tensor([1.0, 2.0, 3.0]), requires_grad=True)
    fmt("requires_grad_float64", torch.tensor([0.25, -0.5], dtype=F64), requires_grad=True)
    fmt("grad_fn_mul", torch.tensor([1.0, 2.0, 3.0]), make="mul_scalar_2", requires_grad=True)
    fmt("grad_fn_sum_scalar", torch.tensor([1.0, 2.0, 3.0, 6.0]), make="sum", requires_grad=True)
    fmt("grad_fn_dot", torch.tensor([1.0, 2.0, 3.0]), make="dot_self", requires_grad=True)
    fmt("grad_fn_mean_fractional", torch.tensor([0.5, 1.0, 1.5]), make="exp_mean", requires_grad=True)
    fmt("grad_fn_tanh_float64", torch.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=F64), make="tanh", requires_grad=True)
    fmt("summarized_vector_1200", torch.arange(1200.0))
    fmt("summarized_matrix_40x50", torch.arange(2000.0).reshape(40, 50) / 7)
    fmt("summarized_integer_matrix_30x40", torch.arange(1200.0).reshape(30, 40) + 100)
    fmt("summarized_3d_11x10x10", torch.arange(1100.0).reshape(11, 10, 10) - 500)
    fmt("long_vector_wraps", torch.linspace(0, 1, 25, dtype=f32))
    fmt("float64_suffix_wraps", torch.linspace(0, 1, 8, dtype=F64))
    # Python rounds the exact binary value half-to-even: 0.03125 prints as 0.0312, 10.3125 as 1.0312e+01.
    fmt("rounding_ties_fixed", torch.tensor([0.03125, 0.09375, 1.5]))
    fmt("rounding_ties_scientific", torch.tensor([10.3125, 0.001]))
    fmt("grad_fn_tanh_float32_with_zero", torch.tensor([0.0, 0.5, -1.0, 2.0, 0.25, -0.125, 3.0, 1e-3]), make="tanh", requires_grad=True)
    fmt("non_finite_integers", torch.tensor([1.0, float("-inf"), float("nan")]))
    fmt("non_finite_fractional", torch.tensor([1.5, float("inf"), -2.25]))
    fmt("all_zero", torch.zeros(3))
    fmt("negative_zero_fractional", torch.tensor([-0.0, 1.5]))
    fmt("empty_vector", torch.zeros(0))
    fmt("empty_matrix_float64", torch.zeros(0, 3, dtype=F64))
    return cases


def write(path, meta, cases):
    """One case per line: compact, yet a regenerated file diffs case by case."""
    compact = dict(separators=(",", ":"), allow_nan=False)
    with open(path, "w") as f:
        f.write("{\n")
        for key, value in meta.items():
            f.write(f"{json.dumps(key)}:{json.dumps(value, **compact)},\n")
        f.write('"cases":[\n')
        f.write(",\n".join(json.dumps(c, **compact) for c in cases))
        f.write("\n]}\n")


def main():
    build_cases()
    meta = {
        "generator": "tools/golden/generate_golden.py",
        "torch_version": torch.__version__,
        "seed": SEED,
    }
    os.makedirs(OUT_DIR, exist_ok=True)
    write(os.path.join(OUT_DIR, "ops.json"), meta, CASES)
    write(os.path.join(OUT_DIR, "format.json"), meta, format_cases())
    print(f"wrote {len(CASES)} op cases to {os.path.normpath(OUT_DIR)}", file=sys.stderr)


if __name__ == "__main__":
    main()
