#!/usr/bin/python3
"""Loads the safetensors file MiniTorch writes for every dtype with PyTorch, and records what torch read.

Input:  tests/MiniTorch.NN.Tests/Golden/dtypes/minitorch.safetensors (written by the C# test
        SafetensorsDTypeInteropTests with MINITORCH_WRITE_DTYPE_SAFETENSORS=1).
Output: tests/MiniTorch.NN.Tests/Golden/dtypes/torch_read_minitorch.json: the torch version, the SHA-256 of the file
        read (so the C# test notices a stale verdict), and per tensor torch's dtype, shape and values. The C# test
        compares them with the values it defines, so a wrong dtype code, byte order or offset fails there.

The file is read as safetensors.torch reads it (the package is not installed here): the header's dtype codes are
mapped with safetensors' own table (_TYPES in safetensors/torch.py) and each tensor is torch.frombuffer of its byte
range, after the same layout checks the reference implementation makes. Re-runnable: python3 is /usr/bin/python3
with torch 1.13.
"""
import hashlib
import json
import math
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "..", "..", "tests", "MiniTorch.NN.Tests", "Golden", "dtypes")

# safetensors/torch.py _TYPES (the codes safetensors 0.3-0.4 read and write for these torch dtypes).
TYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
         "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
         "BOOL": torch.bool}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert (8 + n) % 8 == 0, "the data section is not 8-byte aligned"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    body = bytearray(data[8 + n:])
    end = 0
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        begin, stop = info["data_offsets"]
        assert begin == end, f"hole or overlap before {name}"
        end = stop
    assert end == len(body), "trailing bytes"
    tensors = {}
    for name, info in header.items():  # header order, as safe_open's keys() after sorting is not wanted here
        dtype = TYPES[info["dtype"]]
        begin, stop = info["data_offsets"]
        numel = math.prod(info["shape"])
        size = torch.empty((), dtype=dtype).element_size()
        assert stop - begin == numel * size, f"{name}: {stop - begin} bytes for {numel} x {size}"
        if numel == 0:
            t = torch.empty(info["shape"], dtype=dtype)
        else:
            t = torch.frombuffer(body, dtype=dtype, count=numel, offset=begin).reshape(info["shape"]).clone()
        if dtype == torch.bool:
            raw = body[begin:stop]
            assert all(b in (0, 1) for b in raw), f"{name}: a BOOL byte other than 0/1"
        tensors[name] = t
    return tensors, hashlib.sha256(data).hexdigest()


def value(x):
    if isinstance(x, bool) or isinstance(x, int):
        return x
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def main():
    tensors, digest = load(os.path.join(DIR, "minitorch.safetensors"))
    out = {"torch": torch.__version__, "file_sha256": digest, "tensors": {}}
    for name, t in tensors.items():
        flat = t.reshape(-1)
        if t.dtype in (torch.float16, torch.bfloat16):
            flat = flat.float()  # exact: every half and bfloat16 value is a float32 value
        out["tensors"][name] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": [value(v) for v in flat.tolist()]}
    # A model-level check too: torch's BatchNorm takes MiniTorch's I64 count through load_state_dict unchanged.
    bn = torch.nn.BatchNorm1d(1)
    state = bn.state_dict()
    state["num_batches_tracked"] = tensors["num_batches_tracked"]
    bn.load_state_dict(state)
    assert bn.num_batches_tracked.dtype == torch.int64 and int(bn.num_batches_tracked) == 7
    with open(os.path.join(DIR, "torch_read_minitorch.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("torch read", len(tensors), "tensors from", digest[:12])


if __name__ == "__main__":
    main()
