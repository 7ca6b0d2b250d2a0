#!/usr/bin/python3
"""PyTorch's float32 reduction results on large inputs, for MiniTorch's accuracy comparison (issue: accurate
float32 reductions).

How to run (from the repository root), with Debian's python3-torch (PyTorch 1.13, CPU):

    /usr/bin/python3 tools/golden/generate_reduction_accuracy.py

It rewrites tests/MiniTorch.Autograd.Tests/Golden/reduction_accuracy.json. Every input is a formula that C# can
reproduce bit for bit (constants, and a 32-bit linear congruential sequence scaled by powers of two, rounded to
float32), so the file holds only PyTorch's results and the exact value (computed in float64 with math.fsum on the
same float32 inputs). The C# test recomputes the inputs, checks that MiniTorch is at least as accurate as PyTorch
(or within 1e-6 relative), and docs/design.md quotes the table.
"""

import json
import math
import os

import numpy as np
import torch

torch.set_num_threads(1)


def lcg_uniform(n):
    """u_i = ((1664525·i + 1013904223) mod 2^32) / 2^32 − 0.5, exactly, in float64."""
    i = np.arange(n, dtype=np.uint64)
    return ((i * np.uint64(1664525) + np.uint64(1013904223)) % np.uint64(2**32)).astype(np.float64) / 2.0**32 - 0.5


def offset_data(n):
    # variance of sqrt(12)·u is 1; offset 10^4 as in the issue
    return (10000.0 + 3.4641016151377544 * lcg_uniform(n)).astype(np.float32)


def exact_sum(a):
    return math.fsum(np.asarray(a, dtype=np.float64).tolist())


def exact_var(a):
    x = np.asarray(a, dtype=np.float64)
    mean = exact_sum(x) / x.size
    return math.fsum(((x - mean) ** 2).tolist()) / (x.size - 1)


cases = []
tenths = np.full(10_000_000, 0.1, dtype=np.float32)
t = torch.from_numpy(tenths)
cases.append({"name": "Full([1e7], 0.1).Sum()", "pytorch": float(t.sum()), "exact": exact_sum(tenths)})
t2 = torch.from_numpy(np.full((10_000_000, 2), 0.1, dtype=np.float32))
cases.append({"name": "Full([1e7, 2], 0.1).Sum(0)", "pytorch": float(t2.sum(0)[0]), "exact": exact_sum(tenths)})
cases.append({"name": "Full([1e7], 0.1).Mean()", "pytorch": float(t.mean()), "exact": exact_sum(tenths) / 1e7})
off = offset_data(1_000_000)
cases.append({"name": "(10000 + √12·u).Var(), n = 1e6", "pytorch": float(torch.from_numpy(off).var()), "exact": exact_var(off)})
off2 = np.stack([off, offset_data(1_000_000)[::-1].copy()], axis=1)
cases.append({"name": "[1e6, 2] of 10000 + √12·u, Var(0)", "pytorch": float(torch.from_numpy(off2).var(0)[0]), "exact": exact_var(off)})
ones = torch.ones(10_000_000)
cases.append({"name": "Dot(Full([1e7], 0.1), Ones([1e7]))", "pytorch": float(torch.dot(t, ones)), "exact": exact_sum(tenths)})
sq = tenths.astype(np.float64) ** 2
cases.append({"name": "Full([1e7], 0.1).Norm()", "pytorch": float(t.norm()), "exact": math.sqrt(math.fsum(sq.tolist()))})

out = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "MiniTorch.Autograd.Tests", "Golden", "reduction_accuracy.json")
with open(out, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(json.dumps(cases, indent=1))
