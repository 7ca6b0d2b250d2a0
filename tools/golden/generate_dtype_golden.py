#!/usr/bin/python3
"""Golden data for MiniTorch's integer, bool and half dtypes (issue #13), computed by real PyTorch.

How to run (from the repository root), with Debian's python3-torch (PyTorch 1.13, CPU):

    /usr/bin/python3 tools/golden/generate_dtype_golden.py

It rewrites tests/MiniTorch.Autograd.Tests/Golden/dtypes.json: one test table, read from one file, with sections

  result_type    torch.result_type for every ordered pair of operands: each dtype as a tensor with dimensions
                 (shape [2]) and as a 0-dim tensor, plus the Python scalars int, float, bool (C# long, double, bool);
                 under the default dtype float32 ("result") and float64 ("result_default_float64")
  arithmetic     integer/bool elementwise ops: inputs, output (values and dtype) or the error torch raises,
                 including overflow wrap of int64/int32/uint8 and integer division by zero
  reductions     sum, prod, max/min (values and indices), argmax/argmin, any/all, cumsum, mean (error), sort and
                 topk (stable=True), unique, bincount, nonzero
  indexing       gather, scatter, scatter_add, index_select, masked_fill, where, x[mask], x[idx], cat/stack of mixed
                 dtypes, cross_entropy / nll_loss with int64 targets, ignore_index and probability targets
  op_dtypes      for a table of ops called on int64 / int32 / bool / uint8 inputs: the output dtype and values, or the
                 error message (so MiniTorch can match "promotes to float32" versus "raises")
  inplace        in-place ops (add_, sub_, mul_, div_, ...) over (self dtype, other kind): allowed with the result,
                 or PyTorch's "result type Float can't be cast to the desired output type Long" error
  conversions    .to(dtype) between every pair of dtypes on edge values; cells PyTorch leaves undefined (float out
                 of an integer type's range, NaN/Inf to an integer type, negative float to uint8) are listed in
                 "implementation_defined" with what this CPU gave
  half_rounding  float32/float64 values rounded to float16 and bfloat16 (ties, overflow, subnormals), with bits
  autograd       ops mixing dtypes with floating inputs requiring grad: whether outputs require grad / have a
                 grad_fn, and each input's gradient of sum(out * (1, 2, 3, ...)) with its dtype (a float32 input of a
                 float64 op gets a float32 gradient); index ops with int64 indices; int/bool outputs carry no grad

Every case is a JSON object. A tensor is {"dtype": "int64", "shape": [...], "data": [...]} with data flattened in
row-major order; integers and bools are JSON integers and booleans (exact), floats are JSON numbers written with
Python's repr (the shortest text that round-trips the double exactly; float32/float16/bfloat16 values are exact
doubles), NaN and infinities are the strings "nan", "inf", "-inf". float16/bfloat16 tensors also carry "bits"
(the raw 16-bit patterns, as unsigned integers). A Python scalar operand is {"scalar": value, "kind": "long" |
"double" | "bool"}. An error is {"error": "ExceptionType", "message": first line of torch's message}.

The script is deterministic (fixed values, no randomness), so re-running it reproduces the file.
The rules found are summarised in tools/golden/dtype-rules.md. The test suite never needs PyTorch.
"""

import json
import math
import os
import signal
import subprocess
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "MiniTorch.Autograd.Tests", "Golden", "dtypes.json")

DTYPES = [torch.float32, torch.float64, torch.int64, torch.int32, torch.bool, torch.uint8, torch.float16,
          torch.bfloat16]
NAMES = {d: str(d).replace("torch.", "") for d in DTYPES}
INT64_MAX, INT64_MIN = 2**63 - 1, -2**63
INT32_MAX, INT32_MIN = 2**31 - 1, -2**31


# ---------------------------------------------------------------------------------------------------------------
# Encoding
# ---------------------------------------------------------------------------------------------------------------

def num(v):
    """One element, exactly: ints and bools as themselves, floats by repr, NaN/Inf as strings."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return float(v)


def enc(x):
    """A tensor, a Python scalar, a tuple/list of them, or None."""
    if x is None:
        return None
    if isinstance(x, torch.Tensor):
        out = {"dtype": NAMES[x.dtype], "shape": list(x.shape),
               "data": [num(v) for v in x.detach().contiguous().reshape(-1).tolist()]}
        if x.dtype in (torch.float16, torch.bfloat16):
            out["bits"] = [b & 0xFFFF for b in x.detach().contiguous().view(torch.int16).reshape(-1).tolist()]
        return out
    if isinstance(x, (tuple, list)):
        return [enc(v) for v in x]
    if isinstance(x, bool):
        return {"scalar": x, "kind": "bool"}
    if isinstance(x, int):
        return {"scalar": x, "kind": "long"}
    if isinstance(x, float):
        return {"scalar": num(x), "kind": "double"}
    raise TypeError(type(x))


def err(e):
    return {"error": type(e).__name__, "message": str(e).strip().split("\n")[0]}


def run(fn):
    """fn() as an encoded result, or the error it raises."""
    try:
        return {"output": enc(fn())}
    except Exception as e:  # noqa: BLE001 - the error is the golden value
        return err(e)


def T(values, dtype):
    return torch.tensor(values, dtype=dtype)


# ---------------------------------------------------------------------------------------------------------------
# 1. torch.result_type
# ---------------------------------------------------------------------------------------------------------------

def operands():
    ops = []
    for d in DTYPES:
        ops.append(({"kind": "tensor", "dtype": NAMES[d]}, lambda d=d: torch.zeros(2, dtype=d)))
    for d in DTYPES:
        ops.append(({"kind": "zerodim", "dtype": NAMES[d]}, lambda d=d: torch.zeros((), dtype=d)))
    ops.append(({"kind": "scalar", "dtype": "long"}, lambda: 2))
    ops.append(({"kind": "scalar", "dtype": "double"}, lambda: 2.5))
    ops.append(({"kind": "scalar", "dtype": "bool"}, lambda: True))
    return ops


def result_type_section():
    rows = []
    for a_desc, a in operands():
        for b_desc, b in operands():
            row = {"a": a_desc, "b": b_desc}
            for key, default in (("result", torch.float32), ("result_default_float64", torch.float64)):
                torch.set_default_dtype(default)
                try:
                    row[key] = NAMES[torch.result_type(a(), b())]
                except Exception as e:  # noqa: BLE001
                    row[key] = err(e)
            torch.set_default_dtype(torch.float32)
            rows.append(row)
    return rows


def documented_result_type(a_desc, b_desc, default):
    """The promotion algorithm written down in dtype-rules.md; main() checks it against every row torch gave."""
    classes = {"tensor": None, "zerodim": None, "scalar": None}
    for o in (a_desc, b_desc):
        if o["kind"] == "scalar":
            t = {"long": torch.int64, "double": default, "bool": torch.bool}[o["dtype"]]
        else:
            t = getattr(torch, o["dtype"])
        c = classes[o["kind"]]
        classes[o["kind"]] = t if c is None else torch.promote_types(c, t)

    def combine(higher, lower):
        if higher is None:
            return lower
        if lower is None or higher.is_floating_point:
            return higher
        if higher == torch.bool or lower.is_floating_point:
            return torch.promote_types(higher, lower)
        return higher

    return NAMES[combine(classes["tensor"], combine(classes["zerodim"], classes["scalar"]))]


def check_documented_rule(rows):
    for row in rows:
        for key, default in (("result", torch.float32), ("result_default_float64", torch.float64)):
            got = documented_result_type(row["a"], row["b"], default)
            assert got == row[key], "dtype-rules.md's promotion rule gives %s for %s, torch %s" % (got, row, row[key])


# ---------------------------------------------------------------------------------------------------------------
# 2. Integer and bool arithmetic
# ---------------------------------------------------------------------------------------------------------------

# Both signs of dividend and divisor, exact multiples, zero dividend.
DIVIDEND = [7, -7, 7, -7, 0, 6, -6, 1, -1, 5]
DIVISOR = [2, 2, -2, -2, 3, -3, 3, -4, 4, 5]

BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul,
    "floor_divide": torch.floor_divide, "remainder": torch.remainder, "fmod": torch.fmod,
    "div": torch.div,
    "div_trunc": lambda a, b: torch.div(a, b, rounding_mode="trunc"),
    "div_floor": lambda a, b: torch.div(a, b, rounding_mode="floor"),
    "maximum": torch.maximum, "minimum": torch.minimum,
    "bitwise_and": torch.bitwise_and, "bitwise_or": torch.bitwise_or, "bitwise_xor": torch.bitwise_xor,
    "logical_and": torch.logical_and, "logical_or": torch.logical_or, "logical_xor": torch.logical_xor,
    "eq": torch.eq, "ne": torch.ne, "lt": torch.lt, "le": torch.le, "gt": torch.gt, "ge": torch.ge,
}
UNARY = {
    "neg": torch.neg, "abs": torch.abs, "sign": torch.sign,
    "bitwise_not": torch.bitwise_not, "logical_not": torch.logical_not,
}


def case(op, inputs, fn, **params):
    c = {"op": op, "inputs": enc(list(inputs))}
    if params:
        c["params"] = {k: enc(v) if isinstance(v, torch.Tensor) else num(v) if isinstance(v, (int, float)) else v
                       for k, v in params.items()}
    c.update(run(fn))
    return c


def crash_case(op, a, b):
    """An int64 op on [a] and [b] run in a child interpreter, for inputs that crash the process (SIGFPE)."""
    call = {"floor_divide": "torch.floor_divide(a, b)", "remainder": "torch.remainder(a, b)",
            "div_trunc": "torch.div(a, b, rounding_mode='trunc')"}[op]
    code = ("import torch; a = torch.tensor([%d]); b = torch.tensor([%d]); print(%s.tolist())" % (a, b, call))
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    c = {"op": op, "inputs": enc([T([a], torch.int64), T([b], torch.int64)])}
    if p.returncode == 0:
        c["output"] = {"dtype": "int64", "shape": [1], "data": json.loads(p.stdout)}
    elif p.returncode < 0:
        c.update({"error": "Signal", "message": "the process is killed by signal %s" % signal.Signals(-p.returncode).name})
    else:
        c.update({"error": "RuntimeError", "message": p.stderr.strip().split("\n")[-1]})
    return c


def arithmetic_section():
    cases = []
    for d in (torch.int64, torch.int32):
        a, b = T(DIVIDEND, d), T(DIVISOR, d)
        for name, f in BINARY.items():
            cases.append(case(name, [a, b], lambda f=f: f(a, b)))
        for s in (3, -3, 2.5, True):  # tensor op scalar
            for name in ("add", "sub", "mul", "floor_divide", "remainder", "div", "eq", "lt", "bitwise_and",
                         "logical_and"):
                f = BINARY[name]
                if name == "sub" and isinstance(s, bool):
                    continue
                cases.append(case(name, [a, s], lambda f=f, s=s: f(a, s)))
        cases.append(case("rsub_scalar", [a, 10], lambda: 10 - a))
        cases.append(case("rfloordiv_scalar", [a, -13], lambda: torch.floor_divide(torch.tensor(-13, dtype=d), b)))
        for name, f in UNARY.items():
            cases.append(case(name, [a], lambda f=f: f(a)))
        # pow with non-negative integer exponents, tensor ** tensor and tensor ** scalar; negative exponents raise
        base = T([-3, -2, -1, 0, 1, 2, 3, 5], d)
        expo = T([0, 1, 2, 3, 3, 4, 0, 2], d)
        cases.append(case("pow", [base, expo], lambda: torch.pow(base, expo)))
        for e in (0, 1, 2, 3, 2.0, 0.5):
            cases.append(case("pow", [base, e], lambda e=e: torch.pow(base, e)))
        cases.append(case("pow", [base, -1], lambda: torch.pow(base, -1)))
        cases.append(case("pow", [base, T([1, -1, 2, 0, 1, 1, 1, 1], d)],
                          lambda: torch.pow(base, T([1, -1, 2, 0, 1, 1, 1, 1], d))))
        cases.append(case("pow", [2, expo], lambda: torch.pow(2, expo)))
        # clamp with integer and with floating bounds
        x = T([-5, -1, 0, 3, 9], d)
        cases.append(case("clamp", [x], lambda: torch.clamp(x, -2, 4), min=-2, max=4))
        cases.append(case("clamp", [x], lambda: torch.clamp(x, min=0), min=0))
        cases.append(case("clamp", [x], lambda: torch.clamp(x, max=2), max=2))
        cases.append(case("clamp", [x], lambda: torch.clamp(x, -1.5, 2.5), min=-1.5, max=2.5))
        cases.append(case("clamp", [x], lambda: torch.clamp(x, T([0, 0, 0, 0, 0], d), T([1, 1, 1, 1, 1], d)),
                          min=T([0, 0, 0, 0, 0], d), max=T([1, 1, 1, 1, 1], d)))
        # division by zero in integer division
        z = T([1, 0, -1], d)
        zero = T([0, 0, 0], d)
        for name in ("floor_divide", "remainder", "div_trunc", "div_floor", "div", "fmod"):
            cases.append(case(name, [z, zero], lambda f=BINARY[name]: f(z, zero)))
        cases.append(case("floor_divide", [z, 0], lambda: torch.floor_divide(z, 0)))
        cases.append(case("remainder", [z, 0], lambda: torch.remainder(z, 0)))
    # mixed integer/bool/float operands of binary ops (dtype promotion in the op itself)
    i64, i32 = T([3, -4], torch.int64), T([2, 5], torch.int32)
    bl, u8 = T([True, False], torch.bool), T([200, 7], torch.uint8)
    f32, f64 = T([0.5, -1.5], torch.float32), T([0.25, 2.0], torch.float64)
    f32_0 = torch.tensor(1.5, dtype=torch.float32)
    f64_0 = torch.tensor(2.5, dtype=torch.float64)
    i64_0 = torch.tensor(3, dtype=torch.int64)
    pairs = [(i64, i32), (i32, i64), (i64, bl), (bl, i32), (u8, i64), (u8, bl), (bl, bl), (i64, f32), (i32, f64),
             (bl, f32), (i64, f32_0), (f32, i64_0), (i32, f64_0), (u8, T([1, 2], torch.int32)), (bl, 2), (bl, 2.5),
             (u8, -1), (i32, 3), (i32, 1e10)]
    for a, b in pairs:
        for name in ("add", "mul", "sub", "div", "floor_divide", "remainder", "maximum", "eq", "bitwise_and",
                     "logical_or"):
            if name == "maximum" and not isinstance(b, torch.Tensor):
                continue
            cases.append(case(name, [a, b], lambda f=BINARY[name], a=a, b=b: f(a, b)))
    for x in (bl, u8, f32, T([0.0, -0.0, float("nan"), 2.0], torch.float64)):
        cases.append(case("logical_not", [x], lambda x=x: torch.logical_not(x)))
        cases.append(case("bitwise_not", [x], lambda x=x: torch.bitwise_not(x)))
        cases.append(case("neg", [x], lambda x=x: torch.neg(x)))
        cases.append(case("abs", [x], lambda x=x: torch.abs(x)))
    fa, fb = T([0.0, 1.5, -2.0, float("nan")], torch.float32), T([0.0, 0.0, 3.0, 0.0], torch.float32)
    ia = T([0, 2, -1, 0], torch.int64)
    for name in ("logical_and", "logical_or", "logical_xor"):
        cases.append(case(name, [fa, fb], lambda f=BINARY[name]: f(fa, fb)))
        cases.append(case(name, [fa, ia], lambda f=BINARY[name]: f(fa, ia)))
        cases.append(case(name, [ia, T([True, False, True, True], torch.bool)],
                          lambda f=BINARY[name]: f(ia, T([True, False, True, True], torch.bool))))
    for name in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        cases.append(case(name, [bl, T([True, True], torch.bool)], lambda f=BINARY[name]: f(bl, T([True, True],
                                                                                                  torch.bool))))
        cases.append(case(name, [f32, f32], lambda f=BINARY[name]: f(f32, f32)))
    # overflow wraps
    big = T([2**62, INT64_MAX, INT64_MIN, -2**62], torch.int64)
    cases.append(case("mul", [big, 4], lambda: big * 4))
    cases.append(case("add", [big, 1], lambda: big + 1))
    cases.append(case("sub", [big, 1], lambda: big - 1))
    cases.append(case("neg", [big], lambda: -big))
    cases.append(case("abs", [big], lambda: big.abs()))
    cases.append(case("mul", [big, big], lambda: big * big))
    # INT64_MIN // -1 (and % -1) kills torch 1.13's process with SIGFPE: recorded from a child process
    for op in ("floor_divide", "remainder", "div_trunc"):
        cases.append(crash_case(op, INT64_MIN, -1))
    fd = T([INT64_MAX, -6], torch.int64)
    cases.append(case("floor_divide", [fd, -1], lambda: torch.floor_divide(fd, -1)))
    cases.append(case("floor_divide", [fd, T([-1, -1], torch.int64)], lambda: torch.floor_divide(fd, T([-1, -1], torch.int64))))
    cases.append(case("remainder", [fd, -1], lambda: torch.remainder(fd, -1)))
    i32big = T([INT32_MAX, INT32_MIN, 2**30], torch.int32)
    cases.append(case("add", [i32big, 1], lambda: i32big + 1))
    cases.append(case("mul", [i32big, 4], lambda: i32big * 4))
    cases.append(case("neg", [i32big], lambda: -i32big))
    cases.append(case("add", [i32big, 2**40], lambda: i32big + 2**40))
    ub = T([255, 0, 128, 3], torch.uint8)
    cases.append(case("add", [ub, 1], lambda: ub + 1))
    cases.append(case("sub", [ub, 1], lambda: ub - 1))
    cases.append(case("mul", [ub, 2], lambda: ub * 2))
    cases.append(case("neg", [ub], lambda: -ub))
    cases.append(case("add", [ub, T([1, 255, 128, 253], torch.uint8)], lambda: ub + T([1, 255, 128, 253], torch.uint8)))
    cases.append(case("sub", [T([0], torch.uint8), T([1], torch.uint8)],
                      lambda: T([0], torch.uint8) - T([1], torch.uint8)))
    cases.append(case("sum", [T([INT64_MAX, 1], torch.int64)], lambda: T([INT64_MAX, 1], torch.int64).sum()))
    # bool arithmetic
    b1, b2 = T([True, True, False, False], torch.bool), T([True, False, True, False], torch.bool)
    for name in ("add", "mul", "sub", "div", "maximum", "minimum", "eq", "lt"):
        cases.append(case(name, [b1, b2], lambda f=BINARY[name]: f(b1, b2)))
    cases.append(case("add", [b1, True], lambda: b1 + True))
    cases.append(case("mul", [b1, True], lambda: b1 * True))
    # comparisons across dtypes
    for a, b in ((i64, 2.5), (i64, f32), (bl, 1), (bl, 0.5), (u8, -1), (u8, 256), (i32, i64), (bl, i64)):
        for name in ("eq", "lt", "ge"):
            cases.append(case(name, [a, b], lambda f=BINARY[name], a=a, b=b: f(a, b)))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# 3. Reductions
# ---------------------------------------------------------------------------------------------------------------

def reductions_section():
    cases = []
    sources = {
        torch.int64: [[3, -1, 3, 0], [-2, 7, 7, -2]],
        torch.int32: [[3, -1, 3, 0], [-2, 7, 7, -2]],
        torch.uint8: [[3, 1, 3, 0], [2, 7, 7, 250]],
        torch.bool: [[True, False, True, False], [False, False, True, False]],
    }
    for d, values in sources.items():
        x = T(values, d)
        cases.append(case("sum", [x], lambda: x.sum()))
        cases.append(case("sum", [x], lambda: x.sum(1), dim=1))
        cases.append(case("sum", [x], lambda: x.sum(0, keepdim=True), dim=0, keepdim=True))
        cases.append(case("sum", [x], lambda: x.sum(dtype=torch.int32), dtype="int32"))
        cases.append(case("sum", [x], lambda: x.sum(dtype=torch.float32), dtype="float32"))
        cases.append(case("prod", [x], lambda: x.prod()))
        cases.append(case("prod", [x], lambda: x.prod(1), dim=1))
        cases.append(case("max", [x], lambda: x.max()))
        cases.append(case("min", [x], lambda: x.min()))
        cases.append(case("max", [x], lambda: tuple(x.max(1)), dim=1))
        cases.append(case("min", [x], lambda: tuple(x.min(0)), dim=0))
        cases.append(case("max", [x], lambda: tuple(x.max(1, keepdim=True)), dim=1, keepdim=True))
        cases.append(case("argmax", [x], lambda: x.argmax()))
        cases.append(case("argmin", [x], lambda: x.argmin()))
        cases.append(case("argmax", [x], lambda: x.argmax(1), dim=1))
        cases.append(case("argmin", [x], lambda: x.argmin(0), dim=0))
        cases.append(case("amax", [x], lambda: x.amax(1), dim=1))
        cases.append(case("any", [x], lambda: x.any()))
        cases.append(case("all", [x], lambda: x.all()))
        cases.append(case("any", [x], lambda: x.any(1), dim=1))
        cases.append(case("all", [x], lambda: x.all(0), dim=0))
        cases.append(case("cumsum", [x], lambda: x.cumsum(1), dim=1))
        cases.append(case("cumsum", [x], lambda: x.cumsum(0, dtype=torch.int32), dim=0, dtype="int32"))
        cases.append(case("cumsum", [x], lambda: x.cumsum(1, dtype=torch.float64), dim=1, dtype="float64"))
        cases.append(case("cumprod", [x], lambda: x.cumprod(1), dim=1))
        cases.append(case("mean", [x], lambda: x.mean()))
        cases.append(case("mean", [x], lambda: x.mean(1), dim=1))
        cases.append(case("mean", [x], lambda: x.mean(dtype=torch.float64), dtype="float64"))
        cases.append(case("sort", [x], lambda: tuple(torch.sort(x, dim=1, stable=True)), dim=1, stable=True))
        cases.append(case("sort", [x], lambda: tuple(torch.sort(x, dim=1, descending=True, stable=True)), dim=1,
                          descending=True, stable=True))
        cases.append(case("sort", [x], lambda: tuple(torch.sort(x, dim=0, stable=True)), dim=0, stable=True))
        cases.append(case("argsort", [x], lambda: torch.argsort(x, dim=1), dim=1))
        cases.append(case("topk", [x], lambda: tuple(torch.topk(x, 2, dim=1)), k=2, dim=1))
        cases.append(case("topk", [x], lambda: tuple(torch.topk(x, 2, dim=1, largest=False)), k=2, dim=1,
                          largest=False))
        cases.append(case("unique", [x], lambda: torch.unique(x, sorted=True), sorted=True))
        cases.append(case("unique", [x], lambda: tuple(torch.unique(x, sorted=True, return_inverse=True,
                                                                    return_counts=True)),
                          sorted=True, return_inverse=True, return_counts=True))
        cases.append(case("nonzero", [x], lambda: torch.nonzero(x)))
        cases.append(case("nonzero", [x], lambda: tuple(torch.nonzero(x, as_tuple=True)), as_tuple=True))
        cases.append(case("count_nonzero", [x], lambda: torch.count_nonzero(x, dim=1), dim=1))
    ties = T([5, 1, 5, 3, 1, 5, 0], torch.int64)
    cases.append(case("sort", [ties], lambda: tuple(torch.sort(ties, stable=True)), stable=True))
    cases.append(case("sort", [ties], lambda: tuple(torch.sort(ties, descending=True, stable=True)), descending=True,
                      stable=True))
    cases.append(case("topk", [ties], lambda: tuple(torch.topk(ties, 3)), k=3))
    cases.append(case("topk", [ties], lambda: tuple(torch.topk(ties, 3, largest=False)), k=3, largest=False))
    cases.append(case("argmax", [ties], lambda: ties.argmax()))
    cases.append(case("argmin", [ties], lambda: ties.argmin()))
    cases.append(case("max", [ties], lambda: tuple(ties.max(0)), dim=0))
    cases.append(case("min", [ties], lambda: tuple(ties.min(0)), dim=0))
    cases.append(case("unique", [ties], lambda: tuple(torch.unique(ties, return_inverse=True, return_counts=True)),
                      sorted=True, return_inverse=True, return_counts=True))
    cases.append(case("unique", [T([[1, 2], [1, 2], [0, 5]], torch.int64)],
                      lambda: tuple(torch.unique(T([[1, 2], [1, 2], [0, 5]], torch.int64), dim=0,
                                                 return_inverse=True, return_counts=True)),
                      dim=0, return_inverse=True, return_counts=True))
    fties = T([2.0, float("nan"), -1.0, 2.0], torch.float32)
    cases.append(case("unique", [fties], lambda: tuple(torch.unique(fties, return_inverse=True, return_counts=True)),
                      sorted=True, return_inverse=True, return_counts=True))
    cases.append(case("argmax", [fties], lambda: fties.argmax()))
    # bincount
    bins = T([1, 3, 1, 0, 3, 3], torch.int64)
    w32, w64 = T([0.5, 1.0, 2.0, -1.0, 0.25, 4.0], torch.float32), T([0.5, 1.0, 2.0, -1.0, 0.25, 4.0], torch.float64)
    cases.append(case("bincount", [bins], lambda: torch.bincount(bins)))
    cases.append(case("bincount", [bins], lambda: torch.bincount(bins, minlength=6), minlength=6))
    cases.append(case("bincount", [bins], lambda: torch.bincount(bins, minlength=2), minlength=2))
    cases.append(case("bincount", [bins, w32], lambda: torch.bincount(bins, weights=w32)))
    cases.append(case("bincount", [bins, w64], lambda: torch.bincount(bins, weights=w64, minlength=5), minlength=5))
    cases.append(case("bincount", [bins, T([1, 2, 3, 4, 5, 6], torch.int64)],
                      lambda: torch.bincount(bins, weights=T([1, 2, 3, 4, 5, 6], torch.int64))))
    cases.append(case("bincount", [T([], torch.int64)], lambda: torch.bincount(T([], torch.int64))))
    cases.append(case("bincount", [T([], torch.int64)], lambda: torch.bincount(T([], torch.int64), minlength=3),
                      minlength=3))
    cases.append(case("bincount", [T([1, -1], torch.int64)], lambda: torch.bincount(T([1, -1], torch.int64))))
    cases.append(case("bincount", [T([1, 2], torch.int32)], lambda: torch.bincount(T([1, 2], torch.int32))))
    cases.append(case("bincount", [T([True, False, True], torch.bool)],
                      lambda: torch.bincount(T([True, False, True], torch.bool))))
    cases.append(case("bincount", [T([1.0, 2.0], torch.float32)], lambda: torch.bincount(T([1.0, 2.0], torch.float32))))
    cases.append(case("bincount", [T([[1, 2]], torch.int64)], lambda: torch.bincount(T([[1, 2]], torch.int64))))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# 4. Index ops
# ---------------------------------------------------------------------------------------------------------------

def indexing_section():
    cases = []
    x = T([[1.5, -2.0, 3.25], [4.0, 5.5, -6.0]], torch.float32)
    xi = T([[10, 20, 30], [40, 50, 60]], torch.int64)
    idx = T([[2, 0], [1, 1]], torch.int64)
    for src in (x, xi):
        cases.append(case("gather", [src, idx], lambda src=src: torch.gather(src, 1, idx), dim=1))
        cases.append(case("gather", [src, idx.to(torch.int32)], lambda src=src: torch.gather(src, 1, idx.to(torch.int32)),
                          dim=1))
        cases.append(case("gather", [src, T([[0, 1, 1]], torch.int64)],
                          lambda src=src: torch.gather(src, 0, T([[0, 1, 1]], torch.int64)), dim=0))
        cases.append(case("index_select", [src, T([2, 0, 2], torch.int64)],
                          lambda src=src: torch.index_select(src, 1, T([2, 0, 2], torch.int64)), dim=1))
        cases.append(case("index_select", [src, T([1], torch.int32)],
                          lambda src=src: torch.index_select(src, 0, T([1], torch.int32)), dim=0))
        cases.append(case("scatter", [src, idx, T([[7, 8], [9, 11]], src.dtype)],
                          lambda src=src: torch.scatter(src, 1, idx, T([[7, 8], [9, 11]], src.dtype)), dim=1))
        cases.append(case("scatter", [src, idx], lambda src=src: torch.scatter(src, 1, idx, -1), dim=1, value=-1))
        cases.append(case("scatter_add", [src, idx, T([[7, 8], [9, 11]], src.dtype)],
                          lambda src=src: torch.scatter_add(src, 1, idx, T([[7, 8], [9, 11]], src.dtype)), dim=1))
        mask = T([[True, False, True], [False, False, True]], torch.bool)
        cases.append(case("masked_fill", [src, mask], lambda src=src: src.masked_fill(mask, -7), value=-7))
        cases.append(case("masked_fill", [src, mask], lambda src=src: src.masked_fill(mask, 2.75), value=2.75))
        cases.append(case("masked_fill", [src, mask], lambda src=src: src.masked_fill(mask, True), value=True))
        cases.append(case("masked_fill", [src, mask, torch.tensor(9.5, dtype=torch.float64)],
                          lambda src=src: src.masked_fill(mask, torch.tensor(9.5, dtype=torch.float64))))
        cases.append(case("masked_fill", [src, mask.to(torch.uint8)],
                          lambda src=src: src.masked_fill(mask.to(torch.uint8), 0), value=0))
        cases.append(case("masked_fill", [src, mask.to(torch.int64)],
                          lambda src=src: src.masked_fill(mask.to(torch.int64), 0), value=0))
        cases.append(case("mask_index", [src, mask], lambda src=src: src[mask]))
        cases.append(case("mask_index", [src, T([True, False], torch.bool)],
                          lambda src=src: src[T([True, False], torch.bool)]))
        cases.append(case("mask_index", [src, T([False, False], torch.bool)],
                          lambda src=src: src[T([False, False], torch.bool)]))
        cases.append(case("mask_index", [src, mask.to(torch.uint8)], lambda src=src: src[mask.to(torch.uint8)]))
        cases.append(case("int_index", [src, T([1, -1, 0, -2], torch.int64)],
                          lambda src=src: src[T([1, -1, 0, -2], torch.int64)]))
        cases.append(case("int_index", [src, T([[1, 0], [0, 0]], torch.int64)],
                          lambda src=src: src[T([[1, 0], [0, 0]], torch.int64)]))
        cases.append(case("int_index", [src, T([1, 0], torch.int32)], lambda src=src: src[T([1, 0], torch.int32)]))
        cases.append(case("int_index", [src, T([2], torch.int64)], lambda src=src: src[T([2], torch.int64)]))
        cases.append(case("int_index", [src, T([-3], torch.int64)], lambda src=src: src[T([-3], torch.int64)]))
        cases.append(case("int_index", [src, T([1.0], torch.float32)], lambda src=src: src[T([1.0], torch.float32)]))
        cases.append(case("int_index_2d", [src, T([0, 1, -1], torch.int64), T([2, -3, 1], torch.int64)],
                          lambda src=src: src[T([0, 1, -1], torch.int64), T([2, -3, 1], torch.int64)]))
    cases.append(case("gather", [x, T([[0.0]], torch.float32)], lambda: torch.gather(x, 1, T([[0.0]], torch.float32)),
                      dim=1))
    cases.append(case("gather", [x, T([[3]], torch.int64)], lambda: torch.gather(x, 1, T([[3]], torch.int64)), dim=1))
    cases.append(case("index_select", [x, T([0.0], torch.float32)],
                      lambda: torch.index_select(x, 0, T([0.0], torch.float32)), dim=0))
    cases.append(case("scatter", [xi, idx, T([[0.5, 1.5], [2.5, 3.5]], torch.float32)],
                      lambda: torch.scatter(xi, 1, idx, T([[0.5, 1.5], [2.5, 3.5]], torch.float32)), dim=1))
    cases.append(case("scatter", [xi, idx], lambda: torch.scatter(xi, 1, idx, 2.5), dim=1, value=2.5))
    cases.append(case("masked_fill", [x, T([[1.0, 0, 0], [0, 0, 0]], torch.float32)],
                      lambda: x.masked_fill(T([[1.0, 0, 0], [0, 0, 0]], torch.float32), 0), value=0))
    # where with mixed dtypes and scalars
    cond = T([True, False, True], torch.bool)
    a_i64, a_i32 = T([1, 2, 3], torch.int64), T([1, 2, 3], torch.int32)
    b_f32, b_f64, b_bl = T([0.5, 1.5, 2.5], torch.float32), T([0.5, 1.5, 2.5], torch.float64), T([True, False, False],
                                                                                                 torch.bool)
    for a, b in ((a_i64, b_f32), (a_i64, b_f64), (a_i32, a_i64), (a_i64, b_bl), (b_bl, b_bl), (a_i64, 7), (a_i64, 7.5),
                 (b_f32, 7), (b_f32, 7.5), (7, 7.5), (7, 8), (True, 0), (a_i32, torch.tensor(9, dtype=torch.int64)),
                 (a_i64, torch.tensor(9.5, dtype=torch.float64)), (b_f32, torch.tensor(9.5, dtype=torch.float64))):
        cases.append(case("where", [cond, a, b], lambda a=a, b=b: torch.where(cond, a, b)))
    cases.append(case("where", [a_i64.to(torch.uint8), a_i64, b_f32],
                      lambda: torch.where(a_i64.to(torch.uint8), a_i64, b_f32)))
    cases.append(case("where", [T([1.0, 0.0, 1.0], torch.float32), a_i64, b_f32],
                      lambda: torch.where(T([1.0, 0.0, 1.0], torch.float32), a_i64, b_f32)))
    cases.append(case("where", [cond], lambda: tuple(torch.where(cond))))
    # cat / stack of mixed dtypes
    groups = [
        [T([1, 2], torch.int64), T([0.5], torch.float32)],
        [T([1, 2], torch.int32), T([3], torch.int64)],
        [T([True], torch.bool), T([3], torch.int32)],
        [T([True], torch.bool), T([200], torch.uint8)],
        [T([1.5], torch.float32), T([2.5], torch.float64)],
        [T([1.5], torch.float16), T([2.5], torch.bfloat16)],
        [T([1.5], torch.float16), T([2], torch.int64)],
        [T([1], torch.int64), torch.tensor([], dtype=torch.float32)],
    ]
    for g in groups:
        cases.append(case("cat", g, lambda g=g: torch.cat(g)))
    for g in ([T([1, 2], torch.int64), T([0.5, 1.5], torch.float32)], [T([1, 2], torch.int32), T([3, 4], torch.bool)],
              [T([1, 2], torch.uint8), T([3, 4], torch.int64)], [T([1.0], torch.bfloat16), T([2.0], torch.float32)]):
        cases.append(case("stack", g, lambda g=g: torch.stack(g)))
    # losses
    logits = T([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0], [0.0, 0.0, 0.0], [2.0, 1.0, -1.0]], torch.float64)
    target = T([1, 2, 0, 2], torch.int64)
    ign = T([1, -100, 0, 2], torch.int64)
    ign2 = T([1, 2, 0, 2], torch.int64)
    logp = F.log_softmax(logits, 1)
    for red in ("mean", "sum", "none"):
        cases.append(case("cross_entropy", [logits, target], lambda red=red: F.cross_entropy(logits, target, reduction=red),
                          reduction=red))
        cases.append(case("cross_entropy", [logits, ign], lambda red=red: F.cross_entropy(logits, ign, reduction=red),
                          reduction=red, ignore_index=-100))
        cases.append(case("cross_entropy", [logits, ign2],
                          lambda red=red: F.cross_entropy(logits, ign2, ignore_index=2, reduction=red),
                          reduction=red, ignore_index=2))
        cases.append(case("nll_loss", [logp, target], lambda red=red: F.nll_loss(logp, target, reduction=red),
                          reduction=red))
        cases.append(case("nll_loss", [logp, ign], lambda red=red: F.nll_loss(logp, ign, reduction=red),
                          reduction=red, ignore_index=-100))
    cases.append(case("cross_entropy", [logits, T([-100, -100, -100, -100], torch.int64)],
                      lambda: F.cross_entropy(logits, T([-100, -100, -100, -100], torch.int64)),
                      reduction="mean", ignore_index=-100))
    cases.append(case("cross_entropy", [logits, target], lambda: F.cross_entropy(logits, target, label_smoothing=0.1),
                      reduction="mean", label_smoothing=0.1))
    cases.append(case("cross_entropy", [logits, ign],
                      lambda: F.cross_entropy(logits, ign, label_smoothing=0.1), reduction="mean", label_smoothing=0.1,
                      ignore_index=-100))
    w = T([1.0, 2.0, 0.5], torch.float64)
    cases.append(case("cross_entropy", [logits, ign, w], lambda: F.cross_entropy(logits, ign, weight=w),
                      reduction="mean", ignore_index=-100))
    cases.append(case("nll_loss", [logp, ign, w], lambda: F.nll_loss(logp, ign, weight=w), reduction="mean",
                      ignore_index=-100))
    probs = T([[0.2, 0.7, 0.1], [0.0, 0.0, 1.0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.25, 0.25]], torch.float64)
    for red in ("mean", "sum", "none"):
        cases.append(case("cross_entropy", [logits, probs], lambda red=red: F.cross_entropy(logits, probs, reduction=red),
                          reduction=red))
    cases.append(case("cross_entropy", [logits, probs], lambda: F.cross_entropy(logits, probs, label_smoothing=0.1),
                      reduction="mean", label_smoothing=0.1))
    cases.append(case("cross_entropy", [logits, probs, w], lambda: F.cross_entropy(logits, probs, weight=w),
                      reduction="mean"))
    # refused target dtypes and ranges
    cases.append(case("cross_entropy", [logits, target.to(torch.int32)],
                      lambda: F.cross_entropy(logits, target.to(torch.int32))))
    cases.append(case("nll_loss", [logp, target.to(torch.int32)], lambda: F.nll_loss(logp, target.to(torch.int32))))
    cases.append(case("cross_entropy", [logits, target.to(torch.float64)],
                      lambda: F.cross_entropy(logits, target.to(torch.float64))))
    cases.append(case("cross_entropy", [logits, T([1, 3, 0, 2], torch.int64)],
                      lambda: F.cross_entropy(logits, T([1, 3, 0, 2], torch.int64))))
    cases.append(case("cross_entropy", [logits, T([1, -1, 0, 2], torch.int64)],
                      lambda: F.cross_entropy(logits, T([1, -1, 0, 2], torch.int64))))
    # embedding
    table = T([[0.5, 1.0], [2.0, -1.0], [3.0, 4.0]], torch.float32)
    cases.append(case("embedding", [T([2, 0, 2], torch.int64), table],
                      lambda: F.embedding(T([2, 0, 2], torch.int64), table)))
    cases.append(case("embedding", [T([2, 0], torch.int32), table], lambda: F.embedding(T([2, 0], torch.int32), table)))
    cases.append(case("embedding", [T([2.0], torch.float32), table], lambda: F.embedding(T([2.0], torch.float32), table)))
    cases.append(case("one_hot", [T([2, 0, 1], torch.int64)], lambda: F.one_hot(T([2, 0, 1], torch.int64), 4),
                      num_classes=4))
    return cases


# ---------------------------------------------------------------------------------------------------------------
# 5. Output dtype of ops called on integer / bool inputs
# ---------------------------------------------------------------------------------------------------------------

UNARY_TABLE = {
    "exp": torch.exp, "exp2": torch.exp2, "expm1": torch.expm1, "log": torch.log, "log2": torch.log2,
    "log10": torch.log10, "log1p": torch.log1p, "sqrt": torch.sqrt, "rsqrt": torch.rsqrt, "sin": torch.sin,
    "cos": torch.cos, "tan": torch.tan, "asin": torch.asin, "acos": torch.acos, "atan": torch.atan,
    "sinh": torch.sinh, "cosh": torch.cosh, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "erf": torch.erf,
    "erfc": torch.erfc, "reciprocal": torch.reciprocal, "square": torch.square,
    "floor": torch.floor, "ceil": torch.ceil, "round": torch.round, "trunc": torch.trunc, "frac": torch.frac,
    "sign": torch.sign, "abs": torch.abs, "neg": torch.neg,
    "relu": torch.relu, "relu6": F.relu6, "leaky_relu": F.leaky_relu, "gelu": F.gelu, "silu": F.silu,
    "elu": F.elu, "selu": F.selu, "softplus": F.softplus, "hardtanh": F.hardtanh, "hardsigmoid": F.hardsigmoid,
    "hardswish": F.hardswish, "mish": F.mish, "logsigmoid": F.logsigmoid, "softsign": F.softsign,
    "tanhshrink": F.tanhshrink,
    "softmax": lambda x: F.softmax(x, dim=-1), "log_softmax": lambda x: F.log_softmax(x, dim=-1),
    "sum": torch.sum, "prod": torch.prod, "mean": torch.mean, "var": torch.var, "std": torch.std,
    "max": torch.max, "min": torch.min, "amax": lambda x: torch.amax(x, 0), "argmax": torch.argmax,
    "argmin": torch.argmin, "cumsum": lambda x: torch.cumsum(x, 0), "cumprod": lambda x: torch.cumprod(x, 0),
    "logsumexp": lambda x: torch.logsumexp(x, 0), "norm": torch.norm,
    "median": torch.median, "clamp": lambda x: torch.clamp(x, 0, 1), "clamp_float": lambda x: torch.clamp(x, 0.5, 1.5),
    "pow2": lambda x: torch.pow(x, 2), "pow_half": lambda x: torch.pow(x, 0.5), "sqrt_via_pow": lambda x: x ** 0.5,
    "isnan": torch.isnan, "isinf": torch.isinf, "isfinite": torch.isfinite, "nan_to_num": torch.nan_to_num,
    "matmul": lambda x: torch.matmul(x.reshape(2, 2), x.reshape(2, 2)),
    "mm": lambda x: torch.mm(x.reshape(2, 2), x.reshape(2, 2)),
    "dot": lambda x: torch.dot(x, x),
    "outer": lambda x: torch.outer(x, x),
    "linear": lambda x: F.linear(x.reshape(2, 2), x.reshape(2, 2)),
    "conv1d": lambda x: F.conv1d(x.reshape(1, 1, 4), x[:2].reshape(1, 1, 2)),
    "max_pool1d": lambda x: F.max_pool1d(x.reshape(1, 1, 4), 2),
    "avg_pool1d": lambda x: F.avg_pool1d(x.reshape(1, 1, 4), 2),
    "layer_norm": lambda x: F.layer_norm(x, (4,)),
    "dropout_eval": lambda x: F.dropout(x, 0.5, training=False),
    "dropout_train": lambda x: F.dropout(x, 0.5, training=True),
    "mse_loss": lambda x: F.mse_loss(x, x),
    "mul_float_scalar": lambda x: x * 0.5, "add_int_scalar": lambda x: x + 1, "div_int_scalar": lambda x: x / 2,
    "true_divide": lambda x: torch.true_divide(x, x), "gt0": lambda x: x > 0,
    "flip": lambda x: torch.flip(x, [0]), "roll": lambda x: torch.roll(x, 1), "diff": torch.diff,
    "lerp": lambda x: torch.lerp(x, x, 0.5), "where_self": lambda x: torch.where(x > 0, x, 0),
    "rsub": lambda x: 1 - x,
    "requires_grad": lambda x: x.clone().requires_grad_(True),
}


def op_dtypes_section():
    rows = []
    inputs = {
        "int64": T([0, 1, 2, 3], torch.int64),
        "int32": T([0, 1, 2, 3], torch.int32),
        "bool": T([True, False, True, True], torch.bool),
        "uint8": T([0, 1, 2, 3], torch.uint8),
    }
    for name, f in UNARY_TABLE.items():
        row = {"op": name}
        for dname, x in inputs.items():
            torch.manual_seed(0)
            r = run(lambda f=f, x=x: f(x))
            if "output" in r:
                out = r["output"]
                if isinstance(out, list):
                    out = out[0]
                r = {"dtype": out["dtype"], "output": r["output"]}
            row[dname] = r
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------------------------
# 6. In-place promotion
# ---------------------------------------------------------------------------------------------------------------

def inplace_section():
    cases = []
    selves = {
        "int64": [4, -3], "int32": [4, -3], "uint8": [4, 3], "bool": [True, False],
        "float32": [4.0, -3.0], "float64": [4.0, -3.0],
    }
    others = [
        ("tensor", torch.int64, [2, 2]), ("tensor", torch.int32, [2, 2]), ("tensor", torch.bool, [True, False]),
        ("tensor", torch.float32, [2.0, 0.5]), ("tensor", torch.float64, [2.0, 0.5]),
        ("zerodim", torch.int64, 2), ("zerodim", torch.float64, 1.5), ("zerodim", torch.float32, 1.5),
        ("scalar", "long", 2), ("scalar", "double", 1.5), ("scalar", "double", 2.0), ("scalar", "bool", True),
    ]
    ops = {"add_": "add_", "sub_": "sub_", "mul_": "mul_", "div_": "div_", "floor_divide_": "floor_divide_",
           "remainder_": "remainder_", "clamp_": None, "bitwise_and_": "bitwise_and_", "logical_and_": "logical_and_",
           "copy_": "copy_", "masked_fill_": None}
    for sname, svals in selves.items():
        sd = getattr(torch, sname)
        for kind, od, ovals in others:
            for op, method in ops.items():
                if method is None:
                    continue

                def make_other(kind=kind, od=od, ovals=ovals):
                    if kind == "tensor":
                        return T(ovals, od)
                    if kind == "zerodim":
                        return torch.tensor(ovals, dtype=od)
                    return ovals

                def fn(method=method, make_other=make_other):
                    s = T(svals, sd)
                    r = getattr(s, method)(make_other())
                    assert r.dtype == s.dtype
                    return s

                cases.append({"op": op, "self": enc(T(svals, sd)), "other": enc(make_other()), **run(fn)})
        # clamp_ and masked_fill_ with a float scalar on every self dtype
        cases.append({"op": "clamp_", "self": enc(T(svals, sd)), "params": {"min": 0.5, "max": 2.5},
                      **run(lambda: T(svals, sd).clamp_(0.5, 2.5))})
        cases.append({"op": "masked_fill_", "self": enc(T(svals, sd)), "mask": enc(T([True, False], torch.bool)),
                      "other": enc(2.75), **run(lambda: T(svals, sd).masked_fill_(T([True, False], torch.bool), 2.75))})
    # the result tensor given by out=
    cases.append({"op": "add_out", "inputs": enc([T([1.5], torch.float32), T([1], torch.int64)]), "out_dtype": "int64",
                  **run(lambda: torch.add(T([1.5], torch.float32), T([1], torch.int64), out=torch.empty(1, dtype=torch.int64)))})
    cases.append({"op": "add_out", "inputs": enc([T([1], torch.int64), T([2], torch.int64)]), "out_dtype": "float32",
                  **run(lambda: torch.add(T([1], torch.int64), T([2], torch.int64), out=torch.empty(1)))})
    return cases


# ---------------------------------------------------------------------------------------------------------------
# 7. Conversions
# ---------------------------------------------------------------------------------------------------------------

FLOAT_EDGES = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.7, 0.9999, 127.5, 128.0, 255.0, 255.9, 256.0, 300.0, -1.0,
               -129.0, 65504.0, 65519.0, 65520.0, 16777217.0, 2.0**31 - 1, 2.0**31, -2.0**31, 3e9, 1e10, -1e10,
               2.0**53 + 1, 2.0**63, -2.0**63, 1e20, 1e-8, 1e-40, 3.4e38, 1e300, float("nan"), float("inf"),
               float("-inf")]
INT_EDGES = [0, 1, -1, 2, 127, 128, 255, 256, 257, -128, -129, 65504, 65520, 16777217, 2**24 + 3, INT32_MAX,
             INT32_MIN, 2**31, -2**31 - 1, 2**32 + 5, 2**53 + 1, INT64_MAX, INT64_MIN]


def source_values(d):
    if d.is_floating_point:
        return torch.tensor(FLOAT_EDGES, dtype=torch.float64).to(d)
    if d == torch.bool:
        return T([False, True], torch.bool)
    info = torch.iinfo(d)
    return T([v for v in INT_EDGES if info.min <= v <= info.max], d)


def undefined_cells(src, target):
    """Indices whose conversion is undefined behaviour in C++ (PyTorch documents float → int casts of values out of
    range, NaN and Inf as undefined): a floating source to an integral target where the value, truncated, does not fit."""
    if not src.dtype.is_floating_point or target.is_floating_point or target == torch.bool:
        return []
    info = torch.iinfo(target)
    out = []
    for i, v in enumerate(src.to(torch.float64).tolist()):
        if math.isnan(v) or math.isinf(v) or not (info.min - 1 < v < info.max + 1):
            out.append(i)
    return out


def conversions_section():
    cases = []
    for sd in DTYPES:
        src = source_values(sd)
        for td in DTYPES:
            c = {"from": NAMES[sd], "to": NAMES[td], "input": enc(src)}
            c.update(run(lambda src=src, td=td: src.to(td)))
            c["implementation_defined"] = undefined_cells(src, td)
            cases.append(c)
    # bool conversion of floats (nan and -0.0 included) and of ints
    fb = T([0.0, -0.0, 0.1, -1e-40, float("nan"), float("inf")], torch.float64)
    cases.append({"from": "float64", "to": "bool", "input": enc(fb), **run(lambda: fb.to(torch.bool)),
                  "implementation_defined": []})
    ib = T([0, 1, -1, 256, INT64_MIN], torch.int64)
    cases.append({"from": "int64", "to": "bool", "input": enc(ib), **run(lambda: ib.to(torch.bool)),
                  "implementation_defined": []})
    return cases


def half_rounding_section():
    """float64 and float32 values to float16 and bfloat16: ties to even, overflow, subnormals, and whether a float64
    is rounded once or twice (through float32)."""
    f16_ulp1, bf16_ulp1 = 2.0**-10, 2.0**-7
    values = [
        1.0 + f16_ulp1 / 2, 1.0 + 3 * f16_ulp1 / 2, 1.0 + f16_ulp1 / 2 + 2.0**-40, 1.0 + f16_ulp1 / 2 - 2.0**-40,
        -(1.0 + f16_ulp1 / 2), 2049.0, 2051.0, 4097.0, 65504.0, 65519.0, 65519.99, 65520.0, 70000.0, -65520.0,
        2.0**-24, 2.0**-25, 3 * 2.0**-25, 2.0**-26, 2.0**-14, 2.0**-14 - 2.0**-25, 6.1e-5, 1e-8,
        1.0 + bf16_ulp1 / 2, 1.0 + 3 * bf16_ulp1 / 2, 1.0 + bf16_ulp1 / 2 + 2.0**-40, 257.0, 259.0,
        3.3895313892515355e38, 3.39e38, 3.4028234663852886e38, 1e39, 1e-39, 9.2e-41, 2.0**-133, 2.0**-134,
        0.1, 1.0 / 3, -2.5, 0.0, -0.0, float("nan"), float("inf"), float("-inf"),
    ]
    cases = []
    for sd in (torch.float64, torch.float32):
        src = torch.tensor(values, dtype=torch.float64).to(sd)
        for td in (torch.float16, torch.bfloat16):
            cases.append({"from": NAMES[sd], "to": NAMES[td], "input": enc(src), **run(lambda src=src, td=td: src.to(td)),
                          "back_to_float64": enc(src.to(td).to(torch.float64))})
    return cases


# ---------------------------------------------------------------------------------------------------------------
# 8. Autograd across dtypes
# ---------------------------------------------------------------------------------------------------------------

def grad_case(op, fn, make_inputs):
    """fn(*inputs) with the floating inputs requiring grad, then backward of sum(out * w) with w = 1, 2, 3, ...:
    the output (dtype, requires_grad) and each differentiable input's gradient (its dtype and values)."""
    inputs = make_inputs()
    for t in inputs:
        if isinstance(t, torch.Tensor) and t.dtype.is_floating_point:
            t.requires_grad_(True)
    c = {"op": op, "inputs": enc([t.detach() if isinstance(t, torch.Tensor) else t for t in inputs])}
    try:
        out = fn(*inputs)
        outs = list(out) if isinstance(out, tuple) else [out]
        c["output"] = enc([o.detach() for o in outs])
        c["requires_grad"] = [o.requires_grad for o in outs]
        c["has_grad_fn"] = [o.grad_fn is not None for o in outs]
        first = outs[0]
        if first.requires_grad:
            w = torch.arange(1, first.numel() + 1, dtype=first.dtype).reshape(first.shape)
            (first * w).sum().backward()
            c["grad_weights"] = "arange(1, numel + 1) in the output's shape"
            c["grads"] = [enc(t.grad) if isinstance(t, torch.Tensor) and t.requires_grad else None for t in inputs]
    except Exception as e:  # noqa: BLE001
        c.update(err(e))
    return c


def autograd_section():
    f32 = lambda: T([0.5, -1.5, 2.0], torch.float32)  # noqa: E731
    f64 = lambda: T([0.25, 2.0, -3.0], torch.float64)  # noqa: E731
    i64 = lambda: T([2, -1, 3], torch.int64)  # noqa: E731
    cases = [
        grad_case("mul", torch.mul, lambda: [f32(), f64()]),
        grad_case("add", torch.add, lambda: [f32(), f64()]),
        grad_case("div", torch.div, lambda: [f32(), f64()]),
        grad_case("mul", torch.mul, lambda: [f32(), torch.tensor(2.5, dtype=torch.float64)]),
        grad_case("mul", torch.mul, lambda: [f64(), torch.tensor(2.5, dtype=torch.float32)]),
        grad_case("mul", torch.mul, lambda: [f32(), i64()]),
        grad_case("div", torch.div, lambda: [i64(), f32()]),
        grad_case("pow", torch.pow, lambda: [f32(), T([2, 3, 1], torch.int64)]),
        grad_case("where", lambda c, a, b: torch.where(c, a, b),
                  lambda: [T([True, False, True], torch.bool), f32(), f64()]),
        grad_case("where", lambda c, a, b: torch.where(c, a, b), lambda: [T([True, False, True], torch.bool), f32(), i64()]),
        grad_case("cat", lambda a, b: torch.cat([a, b]), lambda: [f32(), f64()]),
        grad_case("stack", lambda a, b: torch.stack([a, b]), lambda: [f32(), i64()]),
        grad_case("gather", lambda x, i: torch.gather(x, 0, i), lambda: [f64(), T([2, 0, 2, 2], torch.int64)]),
        grad_case("index_select", lambda x, i: torch.index_select(x, 0, i), lambda: [f64(), T([1, 1, 0], torch.int64)]),
        grad_case("int_index", lambda x, i: x[i], lambda: [f64(), T([-1, 0, -1], torch.int64)]),
        grad_case("mask_index", lambda x, m: x[m], lambda: [f64(), T([True, False, True], torch.bool)]),
        grad_case("masked_fill", lambda x, m: x.masked_fill(m, 7.0), lambda: [f64(), T([True, False, False], torch.bool)]),
        grad_case("scatter_add", lambda x, i, s: torch.scatter_add(x, 0, i, s),
                  lambda: [f64(), T([0, 0, 2], torch.int64), T([1.0, 2.0, 4.0], torch.float64)]),
        grad_case("max_dim", lambda x: tuple(torch.max(x.reshape(1, 3), 1)), lambda: [f64()]),
        grad_case("sort", lambda x: tuple(torch.sort(x)), lambda: [f64()]),
        grad_case("argmax", torch.argmax, lambda: [f64()]),
        grad_case("gt", lambda x: x > 0, lambda: [f64()]),
        grad_case("to_int64", lambda x: x.to(torch.int64), lambda: [f64()]),
        grad_case("to_float32", lambda x: x.to(torch.float32), lambda: [f64()]),
        grad_case("cross_entropy", lambda x, t: F.cross_entropy(x, t, reduction="none"),
                  lambda: [T([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]], torch.float64), T([1, -100], torch.int64)]),
        grad_case("cross_entropy_probs", lambda x, t: F.cross_entropy(x, t, reduction="none"),
                  lambda: [T([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]], torch.float64),
                           T([[0.2, 0.7, 0.1], [0.0, 0.5, 0.5]], torch.float64)]),
        grad_case("embedding", lambda i, w: F.embedding(i, w),
                  lambda: [T([2, 0, 2], torch.int64), T([[0.5, 1.0], [2.0, -1.0], [3.0, 4.0]], torch.float64)]),
    ]
    return cases


# ---------------------------------------------------------------------------------------------------------------

def main():
    data = {
        "torch": torch.__version__,
        "generator": "tools/golden/generate_dtype_golden.py",
        "result_type": result_type_section(),
        "arithmetic": arithmetic_section(),
        "reductions": reductions_section(),
        "indexing": indexing_section(),
        "op_dtypes": op_dtypes_section(),
        "inplace": inplace_section(),
        "conversions": conversions_section(),
        "half_rounding": half_rounding_section(),
        "autograd": autograd_section(),
    }
    check_documented_rule(data["result_type"])
    compact = {"separators": (",", ":"), "allow_nan": False}
    with open(OUT, "w") as f:
        f.write("{\n")
        items = list(data.items())
        for k, (key, value) in enumerate(items):
            tail = ",\n" if k + 1 < len(items) else "\n"
            if isinstance(value, list):
                f.write(f"{json.dumps(key)}:[\n")
                f.write(",\n".join(json.dumps(c, **compact) for c in value))
                f.write("\n]" + tail)
            else:
                f.write(f"{json.dumps(key)}:{json.dumps(value, **compact)}{tail}")
        f.write("}\n")
    counts = ", ".join(f"{k} {len(v)}" for k, v in data.items() if isinstance(v, list))
    print("wrote", os.path.relpath(OUT, ROOT), "-", counts)


if __name__ == "__main__":
    main()
