#!/usr/bin/env bash
# Whole transformer-step A/B in one process: ./run.sh [old-ref] [rounds] [steps-per-round]
# Exports old-ref's sources (default main) to obj/ref-src, builds the recipe against them (A) and against this tree
# (B), then times both alternately. Prefix with DOTNET_EnableAVX512=0 for the AVX2 paths, with AB_CPU=1 for one
# thread timed in its CPU time.
set -euo pipefail
cd "$(dirname "$0")"
ref="${1:-main}"
root="$(git rev-parse --show-toplevel)"
rm -rf obj/ref-src && mkdir -p obj/ref-src
git -C "$root" archive "$ref" src Directory.Build.props Directory.Packages.props | tar -x -C obj/ref-src
mkdir -p obj/ref-src/tools/step-ab obj/ref-src/bench/MiniTorch.Benchmarks/Runner && cp -r Recipe obj/ref-src/tools/step-ab/
# Both sides run this tree's recipe (the benchmark's case), so only the library differs.
cp "$root/bench/MiniTorch.Benchmarks/Runner/TransformerBlockCase.cs" obj/ref-src/bench/MiniTorch.Benchmarks/Runner/
dotnet build obj/ref-src/tools/step-ab/Recipe -c Release -v q -nologo -o obj/out-a
dotnet build Recipe -c Release -v q -nologo -o obj/out-b
dotnet build -c Release -v q -nologo
dotnet bin/Release/net10.0/StepAb.dll obj/out-a obj/out-b "${2:-30}" "${3:-5}"
