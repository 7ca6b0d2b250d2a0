#!/usr/bin/python3
"""Golden reference data for MiniTorch, computed by real PyTorch.

How to run (from the repository root):

    /usr/bin/python3 tools/golden/generate_golden.py

It needs PyTorch (Debian's python3-torch, PyTorch 1.13 on CPU: `apt-get install -y python3-torch`;
use /usr/bin/python3, the interpreter that package installs into). It rewrites

    tests/MiniTorch.Autograd.Tests/Golden/ops.json     op cases: inputs, forward, gradients, second order
    tests/MiniTorch.Autograd.Tests/Golden/format.json  str() of tensors, for MiniTorch's ToString

The files are committed. The C# test suite only reads them and never needs PyTorch or Python.
The script is deterministic (each case seeds the generator from its name; one thread), so re-running it
reproduces the same files with the same PyTorch version, and adding a case leaves the others unchanged.
Re-run it to add cases, and review the diff.

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
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MiniTorch.Autograd.Tests", "Golden")
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
# The op table: each op name maps to the PyTorch call. The C# tests map the same names to MiniTorch calls.
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


OPS = {
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
# The cases
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
    outputs = OPS[op](xs, params)
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
        "params": {k: (encode(v) if isinstance(v, torch.Tensor) else v) for k, v in params.items()},
        "inputs": [dict(encode(x), requires_grad=rg) for x, rg in zip(inputs, requires_grad)],
        "outputs": [encode(o) for o in outputs],
        "grad_output": encode(grad_output),
        "grads": [encode(g) for g in grads],
        "v": [encode(v) for v in vs],
        "grad_grads": [encode(s) for s in second],
    }


def build_cases():
    # --- arithmetic, broadcasting -------------------------------------------------------------------------------
    case("add_same_shape", "add", lambda: [randn(3, 4), randn(3, 4)])
    case("add_broadcast_3x1_4", "add", lambda: [randn(3, 1), randn(4)])
    case("add_broadcast_scalar_tensor", "add", lambda: [randn(), randn(2, 3)])
    case("sub_broadcast_2x1x4_3x1", "sub", lambda: [randn(2, 1, 4), randn(3, 1)])
    case("mul_same_shape", "mul", lambda: [randn(3, 4), randn(3, 4)])
    case("mul_broadcast_2x3x4_3x1", "mul", lambda: [randn(2, 3, 4), randn(3, 1)])
    case("mul_broadcast_4_3x1", "mul", lambda: [randn(4), randn(3, 1)])
    case("mul_second_input_constant", "mul", lambda: [randn(3, 4), randn(4)], requires_grad=[True, False])
    case("div_same_shape", "div", lambda: [randn(3, 4), uniform(0.5, 2.0, 3, 4)])
    case("div_broadcast_1x4_3x1", "div", lambda: [randn(1, 4), uniform(-2.0, -0.5, 3, 1)])
    case("add_scalar", "add_scalar", lambda: [randn(2, 3)], {"scalar": 2.5})
    case("sub_scalar", "sub_scalar", lambda: [randn(2, 3)], {"scalar": 1.25})
    case("rsub_scalar", "rsub_scalar", lambda: [randn(2, 3)], {"scalar": 3.0})
    case("mul_scalar", "mul_scalar", lambda: [randn(2, 3)], {"scalar": -1.5})
    case("div_scalar", "div_scalar", lambda: [randn(2, 3)], {"scalar": 4.0})
    case("rdiv_scalar", "rdiv_scalar", lambda: [uniform(0.5, 2.0, 2, 3)], {"scalar": 3.0})
    case("neg", "neg", lambda: [randn(2, 3)])

    # --- unary math -----------------------------------------------------------------------------------------------
    case("exp", "exp", lambda: [randn(3, 4)])
    case("exp_0d", "exp", lambda: [randn()])
    case("log", "log", lambda: [uniform(0.2, 3.0, 3, 4)])
    case("sqrt", "sqrt", lambda: [uniform(0.2, 3.0, 3, 4)])
    case("abs", "abs", lambda: [distinct(3, 4)])
    case("abs_at_zero", "abs", lambda: [tensor([-1.5, 0.0, 2.0, 0.0])])
    case("sin", "sin", lambda: [randn(3, 4, scale=2.0)])
    case("cos", "cos", lambda: [randn(3, 4, scale=2.0)])
    case("tanh", "tanh", lambda: [randn(3, 4)])
    # Tiny magnitudes, compared relatively: tanh(x) = x(1 - x²/3 + ...), so every digit of x must survive.
    case("tanh_small_values", "tanh",
         lambda: [tensor([1e-9, -1e-7, 1e-5, -1e-3, 0.01, -0.1, 0.3, -0.5, 0.0, 2e-12, -3e-4, 0.05], [3, 4])], atol=0.0)
    case("sigmoid", "sigmoid", lambda: [randn(3, 4, scale=2.0)])
    case("relu", "relu", lambda: [distinct(3, 4)])
    case("relu_at_zero", "relu", lambda: [tensor([-1.0, 0.0, 2.0])])
    case("leaky_relu_default_slope", "leaky_relu", lambda: [distinct(3, 4)], {"slope": None})
    case("leaky_relu_slope_0_2", "leaky_relu", lambda: [distinct(3, 4)], {"slope": 0.2})
    case("leaky_relu_at_zero", "leaky_relu", lambda: [tensor([-1.0, 0.0, 2.0])], {"slope": 0.1})
    case("clamp_min_max", "clamp", lambda: [away_from([-0.5, 0.7], 3, 4)], {"min": -0.5, "max": 0.7})
    case("clamp_min_only", "clamp", lambda: [away_from([0.1], 3, 4)], {"min": 0.1, "max": None})
    case("clamp_max_only", "clamp", lambda: [away_from([-0.2], 3, 4)], {"min": None, "max": -0.2})
    case("clamp_at_bounds", "clamp", lambda: [tensor([-1.0, -0.5, 0.0, 0.7, 1.0])], {"min": -0.5, "max": 0.7})
    case("pow_scalar_2", "pow_scalar", lambda: [randn(3, 4)], {"exponent": 2.0})
    case("pow_scalar_3", "pow_scalar", lambda: [randn(3, 4)], {"exponent": 3.0})
    case("pow_scalar_0_5", "pow_scalar", lambda: [uniform(0.2, 3.0, 3, 4)], {"exponent": 0.5})
    case("pow_scalar_negative_1_5", "pow_scalar", lambda: [uniform(0.2, 3.0, 3, 4)], {"exponent": -1.5})
    case("pow_scalar_0", "pow_scalar", lambda: [randn(3, 4)], {"exponent": 0.0})
    case("pow_tensor_exponent", "pow_tensor", lambda: [uniform(0.3, 2.5, 3, 4), randn(3, 4)])
    case("pow_tensor_broadcast_exponent", "pow_tensor", lambda: [uniform(0.3, 2.5, 3, 4), randn(4)])
    case("pow_tensor_constant_base", "pow_tensor", lambda: [uniform(0.3, 2.5, 2, 3), randn(2, 3)], requires_grad=[False, True])

    # --- binary extrema, where --------------------------------------------------------------------------------------
    case("maximum_same_shape", "maximum", lambda: split(distinct(6), [3], [3]))
    case("maximum_broadcast_3x1_4", "maximum", lambda: split(distinct(7), [3, 1], [4]))
    case("minimum_broadcast_2x3_3", "minimum", lambda: split(distinct(9), [2, 3], [3]))
    # Ties are defined by PyTorch (the gradient is split evenly) and documented by MiniTorch as matching.
    case("maximum_ties", "maximum", lambda: [tensor([1.0, 3.0, 2.0, -1.0]), tensor([1.0, 2.0, 2.0, 0.5])])
    case("minimum_ties", "minimum", lambda: [tensor([1.0, 3.0, 2.0, -1.0]), tensor([1.0, 2.0, 2.0, 0.5])])
    case("where_broadcast_condition", "where", lambda: [randn(3, 4), randn(3, 4)],
         {"condition": tensor([1.0, 0.0, 1.0, 1.0], [4])})
    case("where_broadcast_all", "where", lambda: [randn(3, 1), randn(1, 4)],
         {"condition": tensor([1.0, 0.0, 0.0, 1.0, 0.0, 1.0], [2, 3, 1])})

    # --- reductions --------------------------------------------------------------------------------------------------
    case("sum_all", "sum", lambda: [randn(3, 4)], {"dims": None, "keepdim": False})
    case("sum_all_keepdim", "sum", lambda: [randn(3, 4)], {"dims": None, "keepdim": True})
    case("sum_dim_1", "sum", lambda: [randn(3, 4)], {"dims": [1], "keepdim": False})
    case("sum_dim_negative_keepdim", "sum", lambda: [randn(2, 3, 4)], {"dims": [-2], "keepdim": True})
    case("sum_dims_0_2", "sum", lambda: [randn(2, 3, 4)], {"dims": [0, 2], "keepdim": False})
    case("mean_all", "mean", lambda: [randn(3, 4)], {"dims": None, "keepdim": False})
    case("mean_dim_0_keepdim", "mean", lambda: [randn(3, 4)], {"dims": [0], "keepdim": True})
    case("mean_dims_negative", "mean", lambda: [randn(2, 3, 4)], {"dims": [-1, -3], "keepdim": False})
    case("max_all", "max_all", lambda: [distinct(3, 4)])
    case("min_all", "min_all", lambda: [distinct(2, 3, 4)])
    # On ties PyTorch 1.13 spreads the gradient evenly over the tied elements (MiniTorch documents the same).
    case("max_all_ties", "max_all", lambda: [tensor([1.0, 3.0, -2.0, 3.0, 0.5, 3.0], [2, 3])])
    case("min_all_ties", "min_all", lambda: [tensor([-1.0, 3.0, -2.0, -2.0])])
    case("max_dim_1", "max_dim", lambda: [distinct(3, 4)], {"dim": 1, "keepdim": False})
    case("max_dim_0_keepdim", "max_dim", lambda: [distinct(3, 4)], {"dim": 0, "keepdim": True})
    case("max_dim_negative_3d", "max_dim", lambda: [distinct(2, 3, 4)], {"dim": -2, "keepdim": False})
    case("max_dim_1d", "max_dim", lambda: [distinct(5)], {"dim": 0, "keepdim": False})
    case("max_dim_0d", "max_dim", lambda: [randn()], {"dim": 0, "keepdim": False})
    case("sum_0d", "sum", lambda: [randn()], {"dims": None, "keepdim": False})
    case("min_dim_1", "min_dim", lambda: [distinct(3, 4)], {"dim": 1, "keepdim": False})
    case("min_dim_negative_keepdim", "min_dim", lambda: [distinct(2, 3, 4)], {"dim": -1, "keepdim": True})
    for correction in (0, 1):
        case(f"var_all_correction_{correction}", "var", lambda: [randn(3, 4)], {"dims": None, "correction": correction, "keepdim": False})
        case(f"var_dim_1_correction_{correction}", "var", lambda: [randn(3, 4)], {"dims": [1], "correction": correction, "keepdim": False})
        case(f"var_dims_0_2_keepdim_correction_{correction}", "var", lambda: [randn(2, 3, 4)], {"dims": [0, 2], "correction": correction, "keepdim": True})
        case(f"std_all_correction_{correction}", "std", lambda: [randn(3, 4)], {"dims": None, "correction": correction, "keepdim": False})
        case(f"std_dim_negative_keepdim_correction_{correction}", "std", lambda: [randn(2, 3, 4)], {"dims": [-1], "correction": correction, "keepdim": True})
    case("var_all_keepdim", "var", lambda: [randn(3, 4)], {"dims": None, "correction": 1, "keepdim": True})
    for p in (1, 2, 3, "inf"):
        name = f"norm_p_{p}"
        case(name + "_all", "norm", lambda: [distinct(3, 4)], {"p": p, "dims": None, "keepdim": False})
        case(name + "_all_keepdim", "norm", lambda: [distinct(3, 4)], {"p": p, "dims": None, "keepdim": True})
        case(name + "_dim_negative", "norm", lambda: [distinct(2, 3, 4)], {"p": p, "dims": [-1], "keepdim": False})
        case(name + "_dims_0_2_keepdim", "norm", lambda: [distinct(2, 3, 4)], {"p": p, "dims": [0, 2], "keepdim": True})
    # PyTorch spreads the inf-norm's gradient evenly over tied maxima of |x| (here 3 and -3 in one row).
    case("norm_p_inf_dim_ties", "norm", lambda: [tensor([1.0, -3.0, 3.0, 2.0, 0.5, -1.5], [2, 3])], {"p": "inf", "dims": [-1], "keepdim": False})
    case("norm_p_inf_all_ties", "norm", lambda: [tensor([1.0, -3.0, 3.0, 2.0, 0.5, -1.5], [2, 3])], {"p": "inf", "dims": None, "keepdim": False})
    case("softmax_dim_0", "softmax", lambda: [randn(3, 4)], {"dim": 0})
    case("softmax_1d", "softmax", lambda: [randn(5)], {"dim": 0})
    case("softmax_dim_negative_1", "softmax", lambda: [randn(3, 4)], {"dim": -1})
    case("softmax_3d_dim_1", "softmax", lambda: [randn(2, 3, 4)], {"dim": 1})
    case("softmax_large_values", "softmax", lambda: [randn(2, 4, scale=50.0, shift=1000.0)], {"dim": -1})
    case("log_softmax_dim_0", "log_softmax", lambda: [randn(3, 4)], {"dim": 0})
    case("log_softmax_dim_negative_1", "log_softmax", lambda: [randn(3, 4)], {"dim": -1})
    case("log_softmax_3d_dim_negative_2", "log_softmax", lambda: [randn(2, 3, 4)], {"dim": -2})
    case("log_softmax_large_values", "log_softmax", lambda: [randn(2, 4, scale=50.0, shift=-1000.0)], {"dim": 1})
    case("logsumexp_dim_1", "logsumexp", lambda: [randn(3, 4)], {"dims": [1], "keepdim": False})
    case("logsumexp_dim_0_keepdim", "logsumexp", lambda: [randn(3, 4)], {"dims": [0], "keepdim": True})
    case("logsumexp_dims_0_2", "logsumexp", lambda: [randn(2, 3, 4)], {"dims": [0, 2], "keepdim": False})
    case("logsumexp_large_values", "logsumexp", lambda: [randn(3, 4, scale=30.0, shift=1000.0)], {"dims": [-1], "keepdim": False})
    case("logsumexp_large_negative_values", "logsumexp", lambda: [randn(3, 4, scale=30.0, shift=-1000.0)], {"dims": [0], "keepdim": True})

    # --- index tensors -----------------------------------------------------------------------------------------------
    case("gather_dim_1", "gather", lambda: [randn(3, 4)], {"dim": 1, "index": index_tensor([0, 3, 3, 1, 2, 0], [3, 2])})
    case("gather_dim_0_repeated", "gather", lambda: [randn(3, 4)], {"dim": 0, "index": index_tensor([2, 0, 1, 2, 2, 2, 0, 1], [2, 4])})
    case("gather_dim_negative_3d", "gather", lambda: [randn(2, 3, 4)], {"dim": -1, "index": index_tensor([3, 0, 1, 1, 2, 0, 0, 3, 2, 1, 1, 3], [2, 3, 2])})
    case("index_select_dim_0", "index_select", lambda: [randn(4, 3)], {"dim": 0, "index": index_tensor([3, 0, 3])})
    case("index_select_dim_negative_3d", "index_select", lambda: [randn(2, 3, 4)], {"dim": -1, "index": index_tensor([1, 1, 0, 3, 2])})
    case("scatter_add_dim_0", "scatter_add", lambda: [randn(3, 4), randn(2, 4)], {"dim": 0, "index": index_tensor([0, 2, 1, 0, 2, 2, 0, 1], [2, 4])})
    case("scatter_add_dim_1", "scatter_add", lambda: [randn(3, 5), randn(3, 3)], {"dim": 1, "index": index_tensor([4, 0, 4, 1, 1, 2, 3, 0, 2], [3, 3])})

    # --- views and shape ops -----------------------------------------------------------------------------------------
    case("reshape_infer", "reshape", lambda: [randn(2, 3, 4)], {"shape": [4, -1]})
    case("transpose_negative", "transpose", lambda: [randn(2, 3, 4)], {"dim0": 0, "dim1": -1})
    case("permute", "permute", lambda: [randn(2, 3, 4)], {"dims": [2, 0, 1]})
    case("expand_new_leading_dims", "expand", lambda: [randn(3, 1)], {"sizes": [2, 3, 4]})
    case("expand_keep_size", "expand", lambda: [randn(1, 4)], {"sizes": [3, -1]})
    case("narrow_dim_1", "narrow", lambda: [randn(3, 5)], {"dim": 1, "start": 1, "length": 3})
    case("narrow_negative_dim", "narrow", lambda: [randn(2, 4, 3)], {"dim": -2, "start": 2, "length": 2})
    case("squeeze_all", "squeeze", lambda: [randn(1, 3, 1, 4)], {"dim": None})
    case("squeeze_dim_negative", "squeeze", lambda: [randn(3, 1, 4)], {"dim": -2})
    case("squeeze_dim_not_one", "squeeze", lambda: [randn(3, 4)], {"dim": 0})
    case("unsqueeze_negative", "unsqueeze", lambda: [randn(3, 4)], {"dim": -1})
    case("unsqueeze_middle", "unsqueeze", lambda: [randn(3, 4)], {"dim": 1})
    case("index_range_from_1_last", "index", lambda: [randn(3, 4)],
         {"items": [{"kind": "slice", "start": 1, "end": None}, {"kind": "int", "value": -1}]})
    case("index_int_then_range", "index", lambda: [randn(3, 4, 5)],
         {"items": [{"kind": "int", "value": 1}, {"kind": "slice", "start": 1, "end": -1}]})
    case("index_ellipsis_newaxis", "index", lambda: [randn(2, 3, 4)],
         {"items": [{"kind": "ellipsis"}, {"kind": "newaxis"}, {"kind": "slice", "start": None, "end": 2}]})
    case("cat_dim_0", "cat", lambda: [randn(2, 3), randn(1, 3), randn(3, 3)], {"dim": 0})
    case("cat_dim_negative", "cat", lambda: [randn(2, 3, 2), randn(2, 3, 1)], {"dim": -1})
    case("stack_dim_0", "stack", lambda: [randn(2, 3), randn(2, 3)], {"dim": 0})
    case("stack_dim_negative", "stack", lambda: [randn(2, 3), randn(2, 3), randn(2, 3)], {"dim": -1})

    # --- products ----------------------------------------------------------------------------------------------------
    case("dot", "dot", lambda: [randn(5), randn(5)])
    case("mm", "mm", lambda: [randn(3, 4), randn(4, 2)])
    case("bmm", "bmm", lambda: [randn(2, 3, 4), randn(2, 4, 5)])
    case("matmul_1d_1d", "matmul", lambda: [randn(4), randn(4)])
    case("matmul_1d_2d", "matmul", lambda: [randn(4), randn(4, 3)])
    case("matmul_2d_1d", "matmul", lambda: [randn(3, 4), randn(4)])
    case("matmul_2d_2d", "matmul", lambda: [randn(3, 4), randn(4, 2)])
    case("matmul_3d_2d", "matmul", lambda: [randn(2, 3, 4), randn(4, 5)])
    case("matmul_2d_3d", "matmul", lambda: [randn(3, 4), randn(2, 4, 5)])
    case("matmul_3d_1d", "matmul", lambda: [randn(2, 3, 4), randn(4)])
    case("matmul_1d_3d", "matmul", lambda: [randn(4), randn(2, 4, 5)])
    case("matmul_3d_3d", "matmul", lambda: [randn(2, 3, 4), randn(2, 4, 2)])
    case("matmul_batch_broadcast_2x1x3x4_5x4x2", "matmul", lambda: [randn(2, 1, 3, 4), randn(5, 4, 2)])
    case("matmul_batch_broadcast_1x3x4_2x4x2", "matmul", lambda: [randn(1, 3, 4), randn(2, 4, 2)])
    # --- convolution: odd sizes, stride 2, padding, dilation 2, groups 1 / 2 / C (depthwise), batch 1 and 7 ------------
    def conv(name, x, w, bias, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
        params = {"stride": list(stride), "padding": list(padding), "dilation": list(dilation), "groups": groups}
        case(name, "conv2d", lambda: [randn(*x), randn(*w)] + ([randn(w[0])] if bias else []), params)

    conv("conv2d_basic_3x3", [1, 2, 5, 7], [3, 2, 3, 3], True)
    conv("conv2d_stride2_pad1_batch7", [7, 3, 7, 5], [4, 3, 3, 3], True, stride=(2, 2), padding=(1, 1))
    conv("conv2d_dilation2_pad2", [2, 2, 9, 7], [3, 2, 3, 2], True, padding=(2, 1), dilation=(2, 2))
    conv("conv2d_groups2_stride_2x1", [7, 4, 6, 5], [6, 2, 3, 3], True, stride=(2, 1), padding=(1, 0), groups=2)
    conv("conv2d_depthwise_groups_c", [3, 3, 7, 7], [3, 1, 3, 3], True, stride=(2, 2), padding=(1, 1), groups=3)
    conv("conv2d_depthwise_multiplier2_dilation2", [1, 2, 7, 6], [4, 1, 2, 3], False, padding=(1, 2), dilation=(2, 2), groups=2)
    conv("conv2d_1x1_no_bias", [2, 3, 3, 5], [4, 3, 1, 1], False)
    conv("conv2d_1x1_stride2", [1, 4, 5, 5], [2, 4, 1, 1], True, stride=(2, 2))

    # --- pooling: ties (the first maximum of a window gets the gradient), padding, ceil_mode, count_include_pad ------
    def pool(name, op, shape, make=None, **params):
        case(name, op, lambda: [make() if make else randn(*shape)], params)

    ties = lambda: tensor([1, 3, 3, 0, 2, 2, 3, 3, 1, 1, 0, 0, 2, 2, 2, 2, 5, 1, 5, 1, 0, 0, 0, 4, 4, 4, 4, 4, 1, 2, 2, 0, 2, 2, 0, 1],
                          [1, 1, 6, 6])
    pool("max_pool2d_ties_2x2", "max_pool2d", None, ties, kernel=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=False)
    pool("max_pool2d_ties_overlapping_3x3", "max_pool2d", None, ties, kernel=[3, 3], stride=[1, 2], padding=[1, 1], dilation=[1, 1],
         ceil_mode=False)
    pool("max_pool2d_pad_stride2_batch7", "max_pool2d", [7, 2, 7, 5], kernel=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1],
         ceil_mode=False)
    pool("max_pool2d_dilation2_ceil", "max_pool2d", [2, 3, 9, 8], kernel=[2, 3], stride=[2, 2], padding=[1, 1], dilation=[2, 2],
         ceil_mode=True)
    pool("avg_pool2d_include_pad", "avg_pool2d", [2, 3, 7, 5], kernel=[3, 3], stride=[2, 2], padding=[1, 1], ceil_mode=False,
         count_include_pad=True)
    pool("avg_pool2d_exclude_pad", "avg_pool2d", [2, 3, 7, 5], kernel=[3, 2], stride=[2, 1], padding=[1, 1], ceil_mode=False,
         count_include_pad=False)
    pool("avg_pool2d_ceil_include_pad", "avg_pool2d", [1, 2, 7, 8], kernel=[3, 3], stride=[2, 3], padding=[1, 1], ceil_mode=True,
         count_include_pad=True)
    pool("avg_pool2d_ceil_exclude_pad", "avg_pool2d", [7, 1, 6, 7], kernel=[2, 3], stride=[2, 2], padding=[0, 1], ceil_mode=True,
         count_include_pad=False)
    pool("adaptive_avg_pool2d_global", "adaptive_avg_pool2d", [3, 4, 5, 7], output_size=[1, 1])
    pool("adaptive_avg_pool2d_uneven", "adaptive_avg_pool2d", [2, 3, 7, 5], output_size=[3, 4])
    pool("adaptive_avg_pool2d_upsample", "adaptive_avg_pool2d", [1, 2, 3, 2], output_size=[5, 3])

    case("mlp_log_softmax", "mlp_log_softmax", lambda: [randn(4, 3), randn(3, 5), randn(5), randn(5, 2)])
    case("swish_plus_square_mean", "swish_plus_square_mean", lambda: [randn(3, 4)])
    case("matmul_second_input_constant", "matmul", lambda: [randn(2, 3, 4), randn(4, 2)], requires_grad=[True, False])


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
