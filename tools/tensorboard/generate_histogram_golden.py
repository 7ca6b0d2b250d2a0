#!/usr/bin/env python3
"""Golden histograms for tests/MiniTorch.TensorBoard.Tests (HistogramGoldenTests).

Computed independently of MiniTorch with numpy, over the bucket edges torch.utils.tensorboard.SummaryWriter uses
(writer.py: v = 1e-12; while v < 1e20: edges += [v]; v *= 1.1; bins = -edges[::-1] + [0] + edges) and the trimming
of torch.utils.tensorboard.summary.make_histogram (PyTorch 1.13). When PyTorch is installed (Debian's python3-torch,
run with /usr/bin/python3) the edges are taken from a real SummaryWriter and make_histogram's own numpy steps are
cross-checked against this script's.

    /usr/bin/python3 tools/tensorboard/generate_histogram_golden.py
"""
import json
import os

import numpy as np


def default_bins():
    v = 1e-12
    buckets, neg = [], []
    while v < 1e20:
        buckets.append(v)
        neg.append(-v)
        v *= 1.1
    return neg[::-1] + [0] + buckets


def torch_bins():
    try:
        import tempfile
        from torch.utils.tensorboard import SummaryWriter
    except Exception:  # no torch, or torch without the tensorboard package
        return None
    with tempfile.TemporaryDirectory() as d:
        w = SummaryWriter(d)
        bins = list(w.default_bins)
        w.close()
    return bins


def histogram(values, bins):
    """make_histogram of torch.utils.tensorboard.summary, without max_bins."""
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    # make_histogram writes np.greater(counts, 0, dtype=np.int32), which numpy >= 1.24 rejects; same values.
    cum_counts = np.cumsum(np.greater(counts, 0).astype(np.int32))
    start, end = np.searchsorted(cum_counts, [0, cum_counts[-1] - 1], side="right")
    start = int(start)
    end = int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return {
        "min": float(values.min()),
        "max": float(values.max()),
        "num": int(values.size),
        "sum": float(values.sum()),
        "sum_squares": float(values.dot(values)),
        "bucket_limit": [float(x) for x in limits],
        "bucket": [int(x) for x in counts],
    }


def main():
    bins = default_bins()
    real = torch_bins()
    if real is not None:
        assert real == bins, "SummaryWriter.default_bins differ from the formula"
        print("edges checked against torch.utils.tensorboard.SummaryWriter.default_bins")
    rng = np.random.default_rng(20261202)
    cases = {
        "normal_1000": rng.standard_normal(1000),
        "scaled_normal_float32": (rng.standard_normal(500) * 3.5 + 10).astype(np.float32).astype(np.float64),
        "uniform_positive": rng.uniform(0.001, 250.0, 777),
        "with_zeros_and_negatives": np.concatenate([np.zeros(17), -rng.exponential(2.0, 50), rng.exponential(0.01, 33)]),
        "integers": rng.integers(-5, 6, 300).astype(np.float64),
        "single_value": np.array([3.25]),
        "all_zero": np.zeros(9),
        "exact_edges": np.array([bins[0], bins[1], bins[len(bins) // 2], bins[-2], bins[-1]]),
        "tiny_and_huge": np.array([1e-13, -1e-13, 2e-12, 5e18, -7e15, 1.5]),
    }
    out = []
    for name, values in cases.items():
        entry = {"name": name, "values": [float(v) for v in values]}
        entry.update(histogram(values, bins))
        out.append(entry)
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "MiniTorch.TensorBoard.Tests", "Golden", "histograms.json")
    with open(path, "w") as f:
        json.dump({"edges_count": len(bins), "cases": out}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
