#!/usr/bin/env bash
# A/B of the float32 GELU forward and erf in one process: ./run.sh [old-ref] [rounds] [filter]
# "ulp" as rounds: every float (sign alternating in runs of 64) through ErfFloat32 against (float)ErfOp.Erf, with
# each polynomial's float64 error in ulps and how many lanes fell back to the exact path.
# Copies GeluKernel.cs, ErfVector.cs, ErfFloat32.cs, ErfOp.cs and LayerNormKernel.cs from old-ref (default main) into obj/old/ under namespace
# MiniTorch.Kernels.Old. Prefix with DOTNET_EnableAVX512=0 to compare the AVX2 paths on an AVX-512 machine.
set -euo pipefail
cd "$(dirname "$0")"
ref="${1:-main}"
rm -rf obj/old && mkdir -p obj/old
for f in GeluKernel.cs ErfVector.cs ErfFloat32.cs ErfOp.cs LayerNormKernel.cs; do
  # (ErfFloat32.cs is absent from refs before it: their GeluKernel does not use it.)
  git cat-file -e "$ref:src/Autograd/Kernels/$f" 2>/dev/null || continue
  git show "$ref:src/Autograd/Kernels/$f" \
    | sed 's/^namespace MiniTorch\.Kernels;/namespace MiniTorch.Kernels.Old;/' > "obj/old/$f"
done
dotnet build -c Release -v q -nologo
dotnet bin/Release/net10.0/MiniTorch.Autograd.Tests.dll "${2:-40}" "${3:-}"
