#!/usr/bin/env bash
# A/B of the float32 exp/tanh kernels in one process: ./run.sh [old-ref] [rounds] [filter]
# ("bits" as rounds: count the results that differ from old-ref's over all 2^32 inputs.)
# (AB_CPU=1: the single-thread cases are timed in thread CPU time, which a loaded machine disturbs far less;
#  "ulp" as rounds: worst ulp of the kernels and variants over every float of the range instead.)
# Copies src/Autograd/Kernels/Float32{Math,Simd}.cs from old-ref (default main) into obj/old/ under namespace
# MiniTorch.Kernels.Old, builds Release and runs both versions alternately on the same data. Prefix with
# DOTNET_EnableAVX512=0 to compare the AVX2 paths on an AVX-512 machine.
set -euo pipefail
cd "$(dirname "$0")"
ref="${1:-main}"
rm -rf obj/old && mkdir -p obj/old
for f in Float32Math.cs Float32Simd.cs; do
  git show "$ref:src/Autograd/Kernels/$f" \
    | sed 's/^namespace MiniTorch\.Kernels;/namespace MiniTorch.Kernels.Old;/' > "obj/old/$f"
done
dotnet build -c Release -v q -nologo
dotnet bin/Release/net10.0/MiniTorch.Autograd.Tests.dll "${2:-50}" "${3:-}"
