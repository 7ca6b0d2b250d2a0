#!/usr/bin/python3
"""Double backward of MiniTorch's piecewise-linear ops, as real PyTorch (libtorch) computes it.

How to run (from the repository root):

    /usr/bin/python3 tools/golden/piecewise_double_backward.py

It needs PyTorch 1.13 (Debian's python3-torch; /usr/bin/python3 is the interpreter it installs into) and rewrites

    tests/MiniTorch.Autograd.Tests/Golden/piecewise_double_backward.json

The file is committed; the C# test (PyTorchParity/PiecewiseDoubleBackwardTests.cs) only reads it.

Why: a piecewise-linear op's second derivative is zero almost everywhere, but whether its first-order gradient,
built with create_graph=True, *requires grad* differs op by op in libtorch. relu's backward is
threshold_backward(grad, result, 0), itself differentiable (w.r.t. result: zeros), so the first-order gradient
requires grad and a second backward gives zeros; clamp's backward is a masked copy of grad, so the first-order
gradient does not require grad and a second backward raises "element 0 of tensors does not require grad".
MiniTorch matches libtorch op by op; this file is the reference.

Every case records, in float64, for inputs that all require grad:
  - first_order: torch.autograd.grad(y, inputs, grad_output, create_graph=True), one gradient per input;
  - first_order_requires_grad: whether each of those gradients requires grad (grad_output a constant);
  - second_order: when any of them does, the gradient w.r.t. the inputs of sum_i sum(first_order_i * v_i) over
    the gradients that require grad (a None gradient, an input the graph does not reach, is written as zeros);
    null when none does (a second backward then raises);
  - second_order_grad_output: with grad_output itself requiring grad, the gradient of sum_i sum(first_order_i * v_i)
    w.r.t. grad_output (the backward of the backward w.r.t. the incoming gradient: the op's Jacobian applied to v);
    null when no first-order gradient depends on grad_output (sign: zeros_like(grad)), so that backward raises.
Inputs hold ties and exact zeros, where the piecewise ops switch. Values are short decimals, so both sides parse the
same doubles; the script is deterministic.
"""

import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "MiniTorch.Autograd.Tests", "Golden", "piecewise_double_backward.json")
F64 = torch.float64

X = [-1.5, 0.0, 0.5, 2.0, -0.25, 2.0]  # a zero and a tie (2.0 twice) for the selections
B = [0.5, 0.0, 0.5, -1.0, 1.0, 3.0]  # Maximum/Minimum's other operand: ties with X at 0 and 0.5
POOL = [0.5, -1.0, 2.0, 2.0, 0.0, 1.5, -0.5, 1.0, 3.0, -2.0, 0.25, 0.25, 1.0, 1.0, -1.5, 0.75]

# name -> (MiniTorch call, described for the reader; inputs as (values, shape); the torch function of the inputs)
CASES = [
    ("relu", "x.Relu()", [(X, [6])], lambda x: torch.relu(x)),
    ("leaky_relu_default", "x.LeakyRelu()", [(X, [6])], lambda x: F.leaky_relu(x)),
    ("leaky_relu_0.2", "x.LeakyRelu(0.2)", [(X, [6])], lambda x: F.leaky_relu(x, 0.2)),
    ("abs", "x.Abs()", [(X, [6])], lambda x: torch.abs(x)),
    ("clamp_both", "x.Clamp(-1, 1)", [(X, [6])], lambda x: torch.clamp(x, -1.0, 1.0)),
    ("clamp_min", "x.Clamp(min: -1)", [(X, [6])], lambda x: torch.clamp(x, min=-1.0)),
    ("clamp_max", "x.Clamp(max: 1)", [(X, [6])], lambda x: torch.clamp(x, max=1.0)),
    ("neg", "x.Neg()", [(X, [6])], lambda x: torch.neg(x)),
    ("sign", "x.Sign()", [(X, [6])], lambda x: torch.sign(x)),
    ("maximum", "Tensor.Maximum(x, b)", [(X, [6]), (B, [6])], lambda x, b: torch.maximum(x, b)),
    ("minimum", "Tensor.Minimum(x, b)", [(X, [6]), (B, [6])], lambda x, b: torch.minimum(x, b)),
    ("max_all", "x.Max()", [(X, [6])], lambda x: x.max()),
    ("min_all", "x.Min()", [(X, [6])], lambda x: x.min()),
    ("max_dim", "x.Max(1).Values", [(X, [2, 3])], lambda x: x.max(1)[0]),
    ("min_dim", "x.Min(1).Values", [(X, [2, 3])], lambda x: x.min(1)[0]),
    ("max_dim_keepdim", "x.Max(0, keepDim: true).Values", [(X, [2, 3])], lambda x: x.max(0, keepdim=True)[0]),
    ("norm_inf", "x.Norm(double.PositiveInfinity)", [(X, [6])], lambda x: torch.linalg.vector_norm(x, float("inf"))),
    ("max_pool2d", "x.MaxPool2d((2, 2))", [(POOL, [1, 1, 4, 4])], lambda x: F.max_pool2d(x, 2)),
]


def tensor(values, shape, requires_grad=False):
    return torch.tensor(values, dtype=F64).reshape(shape).requires_grad_(requires_grad)


def record(t):
    if t._is_zerotensor():  # libtorch's efficient zeros (leaky_relu's double backward) have no storage to list
        t = torch.zeros(t.shape, dtype=t.dtype)
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().reshape(-1).tolist()]}


def pattern(n, offset):
    """Deterministic short decimals for grad_output and v: no zeros, both signs."""
    return [round(0.25 * ((i * 7 + offset) % 9) - 1.125, 3) for i in range(n)]


def run(fn, specs):
    inputs = [tensor(v, s, True) for v, s in specs]
    y = fn(*inputs)
    grad_output = tensor(pattern(y.numel(), 3), list(y.shape))
    vs = [tensor(pattern(x.numel(), 5 + k), list(x.shape)) for k, x in enumerate(inputs)]

    firsts = torch.autograd.grad(y, inputs, grad_output, create_graph=True)
    requires = [g.requires_grad for g in firsts]
    second = None
    if any(requires):
        s = sum((g * v).sum() for g, v, r in zip(firsts, vs, requires) if r)
        grads = torch.autograd.grad(s, inputs, allow_unused=True)
        second = [record(torch.zeros_like(x) if g is None else g) for g, x in zip(grads, inputs)]

    # The same with grad_output requiring grad: every first-order gradient then depends on it.
    inputs2 = [tensor(v, s, True) for v, s in specs]
    go = grad_output.clone().requires_grad_(True)
    firsts2 = torch.autograd.grad(fn(*inputs2), inputs2, go, create_graph=True)
    s2 = sum((g * v).sum() for g, v in zip(firsts2, vs))
    # null where no first-order gradient depends on grad_output (sign's is zeros_like(grad)): a backward raises.
    second_go = torch.autograd.grad(s2, go)[0] if s2.requires_grad else None

    return {
        "inputs": [record(x) for x in inputs],
        "grad_output": record(grad_output),
        "v": [record(v) for v in vs],
        "first_order": [record(g) for g in firsts],
        "first_order_requires_grad": requires,
        "second_order": second,
        "second_order_grad_output": None if second_go is None else record(second_go),
    }


def main():
    torch.set_num_threads(1)
    cases = []
    for name, call, specs, fn in CASES:
        case = {"name": name, "minitorch": call}
        case.update(run(fn, specs))
        cases.append(case)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT, ROOT)}")
    for c in cases:
        print(f"  {c['name']:20} first-order requires grad: {c['first_order_requires_grad']}")


if __name__ == "__main__":
    main()
