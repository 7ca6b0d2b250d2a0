#!/usr/bin/env bash
# In-process A/B of the softmax and sum kernels, and a placement probe: ./run.sh [old-ref] mode [args…]
# Modes: softmax|sum [rounds] [threads] (old against new, interleaved; threads=1 times thread CPU time),
#        placement [rounds] [1|2].
# Copies SoftmaxKernel.cs and RowCascadeSum.cs from old-ref (default main) into obj/old/ under namespace
# MiniTorch.Kernels.Old (what they call resolves to the current kernels), builds Release and runs.
set -euo pipefail
cd "$(dirname "$0")"
ref="${1:-main}"
shift || true
rm -rf obj/old && mkdir -p obj/old
for f in SoftmaxKernel.cs RowCascadeSum.cs; do
  git show "$ref:src/Autograd/Kernels/$f" \
    | sed 's/^namespace MiniTorch\.Kernels;/namespace MiniTorch.Kernels.Old;/' > "obj/old/$f"
done
dotnet build -c Release -v q -nologo
dotnet bin/Release/net10.0/MiniTorch.Autograd.Tests.dll "$@"
