#!/usr/bin/python3
"""Writes a sharded PyTorch checkpoint in the Hugging Face layout, which tests/MiniTorch.NN.Tests loads.

Run with the interpreter that has PyTorch (Debian's python3-torch, PyTorch 1.13):

    /usr/bin/python3 tools/golden/generate_sharded_golden.py

Outputs (under tests/MiniTorch.NN.Tests/Golden/sharded/):
  model-0000k-of-00004.safetensors   the shards of a small model's state dict (float32 weights, BatchNorm's int64
                                     num_batches_tracked)
  model.safetensors.index.json       {"metadata": {"total_size": ...}, "weight_map": {name: shard}}
  expected.json                      the state dict's keys, an input and the model's eval-mode output on it

    /usr/bin/python3 tools/golden/generate_sharded_golden.py --check DIR

checks the other direction: DIR, a TinyModel checkpoint saved by MiniTorch with Module.Save(DIR, maxShardSize: ...)
after Module.Load of the golden directory, is read through its index with this script's own parser (the checks a
reader must make), loaded strictly into the PyTorch TinyModel and must reproduce expected.json's output.

The conventions are those of transformers' save_pretrained(max_shard_size=...) with huggingface_hub's
split_torch_state_dict_into_shards: tensors are taken in state-dict order into shards of at most max_shard_size bytes,
a tensor larger than that gets a shard of its own (placed before the shard being filled), files are named
model-{k:05d}-of-{n:05d}.safetensors, each shard's metadata is {"format": "pt"}, and the index is
json.dumps(index, indent=2, sort_keys=True) + "\\n". transformers, huggingface_hub and the safetensors package are not
available next to this PyTorch, so the shards are written by hand exactly as safetensors' serializer lays them out:
tensors sorted by dtype (descending: I64, F64, F32) and then name, header JSON compact with __metadata__ first, padded
with spaces to a multiple of 8. The test suite never needs PyTorch.
"""
import json
import os
import struct

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "MiniTorch.NN.Tests", "Golden", "sharded")
MAX_SHARD_SIZE = 500  # bytes: small, so that a 2 KB state dict needs four shards, one of them for an oversized tensor

DTYPES = {torch.int64: ("I64", "q", 2), torch.float64: ("F64", "d", 1), torch.float32: ("F32", "f", 0)}


class TinyModel(nn.Module):
    """MiniTorch's ShardedCheckpointTests.TinyModel has the same modules under the same names."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(6, 16), nn.LayerNorm(16), nn.GELU(), nn.Linear(16, 16))
        self.norm = nn.BatchNorm1d(16)
        self.head = nn.Linear(16, 3)

    def forward(self, x):
        return self.head(self.norm(self.encoder(x)))


def split(state, max_shard_size):
    """huggingface_hub's split_state_dict_into_shards_factory, for tensors that share no storage."""
    shards, current, current_size, total = [], {}, 0, 0
    for name, tensor in state.items():
        size = tensor.numel() * tensor.element_size()
        total += size
        if size > max_shard_size:
            shards.append({name: tensor})
            continue
        if current_size + size > max_shard_size:
            shards.append(current)
            current, current_size = {}, 0
        current[name] = tensor
        current_size += size
    if current:
        shards.append(current)
    return shards, total


def write_safetensors(path, tensors, metadata):
    """One shard as safetensors' serializer writes it: data sorted by dtype (descending) then name."""
    ordered = sorted(tensors.items(), key=lambda kv: (-DTYPES[kv[1].dtype][2], kv[0]))
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, tensor in ordered:
        code, fmt, _ = DTYPES[tensor.dtype]
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


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.reshape(-1).tolist()]}


def main():
    torch.manual_seed(2026)
    model = TinyModel()
    model.train()
    with torch.no_grad():
        for _ in range(3):  # move BatchNorm's running statistics (and num_batches_tracked) away from their initial values
            model(torch.randn(8, 6) * 2 + 1)
    model.eval()
    x = torch.randn(5, 6)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    shards, total = split(state, MAX_SHARD_SIZE)
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    weight_map = {}
    for k, shard in enumerate(shards):
        name = "model-%05d-of-%05d.safetensors" % (k + 1, len(shards))
        write_safetensors(os.path.join(OUT, name), shard, {"format": "pt"})
        for key in shard:
            weight_map[key] = name
    with open(os.path.join(OUT, "model.safetensors.index.json"), "w") as f:
        f.write(json.dumps({"metadata": {"total_size": total}, "weight_map": weight_map}, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"torch": torch.__version__, "keys": list(state.keys()), "max_shard_size": MAX_SHARD_SIZE,
                   "num_batches_tracked": int(model.norm.num_batches_tracked), "input": t(x), "output": t(y)}, f)
    print("wrote", len(shards), "shards to", OUT)


def read_safetensors(path):
    """The format by hand, with the checks a reader must make: header length, ranges that tile the data section."""
    codes = {"F32": ("f", 4, torch.float32), "F64": ("d", 8, torch.float64), "I64": ("q", 8, torch.int64)}
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), "header length past the end of " + path
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body, position, tensors = data[8 + n:], 0, {}
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"]):
        fmt, size, dtype = codes[info["dtype"]]
        begin, stop = info["data_offsets"]
        assert begin == position, "hole or overlap before " + name
        numel = 1
        for d in info["shape"]:
            numel *= d
        assert stop - begin == numel * size, "wrong byte length for " + name
        values = struct.unpack("<%d%s" % (numel, fmt), body[begin:stop])
        tensors[name] = torch.tensor(values, dtype=dtype).reshape(info["shape"])
        position = stop
    assert position == len(body), "trailing bytes in " + path
    return tensors, metadata


def check_minitorch_checkpoint(directory):
    with open(os.path.join(directory, "model.safetensors.index.json")) as f:
        index = json.load(f)
    state, total = {}, 0
    for shard in sorted(set(index["weight_map"].values())):
        tensors, metadata = read_safetensors(os.path.join(directory, shard))
        assert metadata.get("format") == "pt", "transformers needs format=pt in " + shard
        for name, tensor in tensors.items():
            assert index["weight_map"][name] == shard, name + " is not where the index says"
            assert name not in state, name + " stored twice"
            state[name] = tensor
            total += tensor.numel() * tensor.element_size()
    assert set(state) == set(index["weight_map"]), "the index and the shards disagree"
    assert index["metadata"]["total_size"] == total, "total_size %d, tensors %d" % (index["metadata"]["total_size"], total)
    with open(os.path.join(OUT, "expected.json")) as f:
        expected = json.load(f)
    model = TinyModel()
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.tensor(expected["input"]["data"], dtype=torch.float32).reshape(expected["input"]["shape"])
    with torch.no_grad():
        y = model(x)
    want = torch.tensor(expected["output"]["data"], dtype=torch.float32).reshape(expected["output"]["shape"])
    assert torch.allclose(y, want, rtol=1e-5, atol=1e-5), "output differs by %g" % (y - want).abs().max()
    print("ok:", len(state), "tensors in", len(set(index["weight_map"].values())), "shards load into PyTorch and give its output")


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check_minitorch_checkpoint(sys.argv[2])
    else:
        main()
