#!/usr/bin/env bash
# A/B of the GEMM in one process: ./run.sh [old-ref] [rounds] [threads] [shape filter]
# Environment: AB_CLOCK=cpu times by thread CPU time (1-thread runs on a loaded machine); AB_OLD_THREADS=n runs the
# old version on n threads (with old-ref = HEAD and no change, new/old is then the split's speedup).
# Copies src/Autograd/Kernels/Gemm*.cs from old-ref (default main) into obj/old/ under namespace
# MiniTorch.Kernels.Old, builds Release and runs both versions alternately on the same matrices. Prefix with
# DOTNET_EnableAVX512=0 to compare the AVX2 paths on an AVX-512 machine.
set -euo pipefail
cd "$(dirname "$0")"
ref="${1:-main}"
rm -rf obj/old && mkdir -p obj/old
for f in $(git ls-tree --name-only "$ref" ../../src/Autograd/Kernels/ | grep '/Gemm[^/]*\.cs$'); do
  git show "$ref:src/Autograd/Kernels/$(basename "$f")" \
    | sed 's/^namespace MiniTorch\.Kernels;/namespace MiniTorch.Kernels.Old;/' > "obj/old/$(basename "$f")"
done
dotnet build -c Release -v q -nologo
dotnet bin/Release/net10.0/MiniTorch.Autograd.Tests.dll "${2:-100}" "${3:-1}" "${4:-}"
