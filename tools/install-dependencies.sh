#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK on Debian/Ubuntu: Open MPI, whose mpirun the distributed
# tests start (src/Distributed talks to libmpi.so.40). Does nothing when mpirun is already there. Needs root (apt).
# Used by .ci/run; run it once on a fresh machine before `dotnet test`.
set -uo pipefail
if command -v mpirun >/dev/null; then
    exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi
if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openmpi-bin libopenmpi-dev >/dev/null; }; then
    echo "warning: could not install Open MPI (openmpi-bin libopenmpi-dev); the distributed tests will fail" >&2
    exit 1
fi
