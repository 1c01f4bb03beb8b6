#!/usr/bin/env bash
# Builds sipsim and runs the whole test suite (CTest + GoogleTest). Does all set-up itself.
# SIPSIM_BUILD_DIR and SIPSIM_CMAKE_ARGS select an alternative build (e.g. sanitizers).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
build_dir="${SIPSIM_BUILD_DIR:-build}"
# shellcheck disable=SC2086
cmake -S . -B "$build_dir" -G Ninja ${SIPSIM_CMAKE_ARGS:-} >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 600
