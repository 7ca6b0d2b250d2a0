#!/usr/bin/python3
"""safetensors files of every dtype MiniTorch stores (issue #13), written from PyTorch tensors, and the check of files
MiniTorch writes.

Run with the interpreter that has PyTorch (Debian's python3-torch, PyTorch 1.13):

    /usr/bin/python3 tools/golden/generate_dtype_safetensors.py

Outputs (under tests/MiniTorch.NN.Tests/Golden/dtypes/):
  f32.safetensors f64.safetensors i64.safetensors i32.safetensors bool.safetensors u8.safetensors f16.safetensors
  bf16.safetensors   one tensor "x" each (shape [2, 3]), metadata {"format": "pt"}
  all.safetensors    every dtype in one file ("f32", "f64", ..., "bf16", each [2, 3]), plus "num_batches_tracked"
                     (I64, shape [] as BatchNorm writes it) and "empty" (F32, shape [0])
  expected.json      for every file: each tensor's dtype code, torch dtype, shape, values (exact: integers and bools as
                     JSON integers/booleans; floats by repr; "nan"/"inf"/"-inf" as strings) and, for F16/BF16, the raw
                     16-bit patterns in "bits"

    /usr/bin/python3 tools/golden/generate_dtype_safetensors.py --check FILE [FILE ...]

checks the other direction: each FILE, written by MiniTorch after loading the golden file of the same name (or any
file holding tensors named as in expected.json), is parsed with the checks a reader must make (header length, the
data ranges tiling the data section without holes or overlaps, byte length = numel * element size, known dtype
codes, header padded with spaces to a multiple of 8) and every tensor named in expected.json that the file holds must
have the same dtype, shape and bits. It exits non-zero on the first mismatch.

The safetensors Python package is not available next to this PyTorch (Debian has no python3-safetensors, and pip is
not used here), so the files are written by hand exactly as safetensors' serializer lays them out: an 8-byte
little-endian header length, the header JSON (compact, "__metadata__" first, then the tensors in data order), padded
with spaces to a multiple of 8, then the raw little-endian data, tensors sorted by dtype (descending in safetensors'
Dtype order, i.e. by alignment: I64, F64, F32, I32, BF16, F16, U8, BOOL) then by name. The bytes of every tensor
are the bytes of the torch tensor itself (numpy view of its storage; BF16 through its int16 view), not re-encoded
values. The test suite never needs PyTorch.
"""
import json
import math
import os
import struct
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MiniTorch.NN.Tests", "Golden",
                   "dtypes")

# safetensors code, element size, rank in safetensors' Dtype enum (BOOL < U8 < ... < F16 < BF16 < I32 < F32 < F64 <
# I64), whose descending order is the order of the data section
CODES = {
    torch.float32: ("F32", 4, 11), torch.float64: ("F64", 8, 12), torch.int64: ("I64", 8, 13),
    torch.int32: ("I32", 4, 9), torch.bool: ("BOOL", 1, 0), torch.uint8: ("U8", 1, 1),
    torch.float16: ("F16", 2, 7), torch.bfloat16: ("BF16", 2, 8),
}
BY_CODE = {code: dtype for dtype, (code, _, _) in CODES.items()}

NAN, INF = float("nan"), float("inf")
VALUES = {
    "f32": torch.tensor([[0.1, -2.5, 3.4028234663852886e38], [1e-45, INF, NAN]], dtype=torch.float32),
    "f64": torch.tensor([[0.1, -2.5, 1.7976931348623157e308], [5e-324, -INF, -0.0]], dtype=torch.float64),
    "i64": torch.tensor([[0, -1, 2**63 - 1], [-2**63, 16777217, 2**53 + 1]], dtype=torch.int64),
    "i32": torch.tensor([[0, -1, 2**31 - 1], [-2**31, 16777217, 7]], dtype=torch.int32),
    "bool": torch.tensor([[True, False, True], [False, False, True]], dtype=torch.bool),
    "u8": torch.tensor([[0, 1, 127], [128, 200, 255]], dtype=torch.uint8),
    "f16": torch.tensor([[0.1, -2.5, 65504.0], [6e-8, INF, NAN]], dtype=torch.float32).to(torch.float16),
    "bf16": torch.tensor([[0.1, -2.5, 3.3895313892515355e38], [9.2e-41, -INF, 1.00390625]],
                         dtype=torch.float32).to(torch.bfloat16),
}


def raw_bytes(tensor):
    """The tensor's own little-endian bytes."""
    t = tensor.contiguous()
    if t.dtype == torch.bfloat16:
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def write_safetensors(path, tensors, metadata):
    ordered = sorted(tensors.items(), key=lambda kv: (-CODES[kv[1].dtype][2], kv[0]))
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in ordered:
        blob = raw_bytes(tensor)
        header[name] = {"dtype": CODES[tensor.dtype][0], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def num(v):
    if isinstance(v, (bool, int)):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def describe(tensor):
    code = CODES[tensor.dtype][0]
    out = {"dtype": code, "torch_dtype": str(tensor.dtype), "shape": list(tensor.shape),
           "data": [num(v) for v in tensor.reshape(-1).tolist()]}
    if tensor.dtype in (torch.float16, torch.bfloat16):
        out["bits"] = [b & 0xFFFF for b in tensor.contiguous().view(torch.int16).reshape(-1).tolist()]
    return out


def all_tensors():
    tensors = dict(VALUES)
    tensors["num_batches_tracked"] = torch.tensor(3, dtype=torch.int64)
    tensors["empty"] = torch.zeros(0, dtype=torch.float32)
    return tensors


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {"torch": torch.__version__, "generator": "tools/golden/generate_dtype_safetensors.py", "files": {}}
    for name, tensor in VALUES.items():
        write_safetensors(os.path.join(OUT, name + ".safetensors"), {"x": tensor}, {"format": "pt"})
        expected["files"][name + ".safetensors"] = {"x": describe(tensor)}
    tensors = all_tensors()
    write_safetensors(os.path.join(OUT, "all.safetensors"), tensors, {"format": "pt"})
    expected["files"]["all.safetensors"] = {k: describe(v) for k, v in tensors.items()}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    # the files must read back to the same tensors through the checking reader
    for file_name, want in expected["files"].items():
        got, _ = read_safetensors(os.path.join(OUT, file_name))
        compare(file_name, got, want, require_all=True)
    print("wrote", len(expected["files"]), "files to", os.path.relpath(OUT))


def read_safetensors(path):
    """The format by hand, with the checks a reader must make."""
    with open(path, "rb") as f:
        data = f.read()
    assert len(data) >= 8, path + ": shorter than the 8-byte header length"
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), path + ": header length past the end"
    raw = data[8:8 + n]
    assert n % 8 == 0, path + ": header not padded to a multiple of 8 (length %d)" % n
    assert raw == raw.rstrip(b" ") + b" " * (len(raw) - len(raw.rstrip(b" "))), path + ": padding is not spaces"
    header = json.loads(raw.decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body, position, tensors = data[8 + n:], 0, {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        assert info["dtype"] in BY_CODE, "%s: unknown dtype %s of %s" % (path, info["dtype"], name)
        dtype = BY_CODE[info["dtype"]]
        size = CODES[dtype][1]
        begin, stop = info["data_offsets"]
        assert begin == position, "%s: hole or overlap before %s" % (path, name)
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert stop - begin == numel * size, "%s: wrong byte length for %s" % (path, name)
        chunk = bytearray(body[begin:stop])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16) if numel else torch.zeros(0, dtype=dtype)
        else:
            t = torch.frombuffer(chunk, dtype=dtype) if numel else torch.zeros(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
        position = stop
    assert position == len(body), path + ": trailing bytes after the data"
    return tensors, metadata


def same_bits(a, b):
    if a.dtype != b.dtype or list(a.shape) != list(b.shape):
        return False
    if a.dtype in (torch.float16, torch.bfloat16):
        return torch.equal(a.view(torch.int16), b.view(torch.int16))
    if a.dtype == torch.float32:
        return torch.equal(a.view(torch.int32), b.view(torch.int32))
    if a.dtype == torch.float64:
        return torch.equal(a.view(torch.int64), b.view(torch.int64))
    return torch.equal(a, b)


def from_expected(want):
    dtype = BY_CODE[want["dtype"]]
    if "bits" in want:
        return torch.tensor([b - 65536 if b >= 32768 else b for b in want["bits"]], dtype=torch.int16).view(
            dtype).reshape(want["shape"])
    data = [float(v) if isinstance(v, str) else v for v in want["data"]]
    return torch.tensor(data, dtype=dtype).reshape(want["shape"])


def compare(label, got, want, require_all):
    names = [k for k in want if k in got]
    if require_all:
        missing = [k for k in want if k not in got]
        assert not missing, "%s: missing %s" % (label, missing)
    assert names, "%s: holds none of the expected tensors %s" % (label, list(want))
    for name in names:
        w = from_expected(want[name])
        g = got[name]
        assert g.dtype == w.dtype, "%s/%s: dtype %s, expected %s" % (label, name, g.dtype, w.dtype)
        assert list(g.shape) == list(w.shape), "%s/%s: shape %s, expected %s" % (label, name, list(g.shape),
                                                                                    list(w.shape))
        assert same_bits(g, w), "%s/%s: values %s, expected %s" % (label, name, g.reshape(-1).tolist(),
                                                                   w.reshape(-1).tolist())
    return names


def check(paths):
    with open(os.path.join(OUT, "expected.json")) as f:
        expected = json.load(f)["files"]
    for path in paths:
        got, metadata = read_safetensors(path)
        base = os.path.basename(path)
        want = expected.get(base, expected["all.safetensors"])
        names = compare(path, got, want, require_all=base in expected)
        print("ok:", path, "holds", ", ".join("%s (%s)" % (n, CODES[got[n].dtype][0]) for n in names),
              "bit for bit; metadata", metadata)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--check":
        check(sys.argv[2:])
    else:
        main()
