#!/usr/bin/env bash
# Performance benchmarks: overhead over bare ns-3, parser vs libosip2/sofia-sip, 1M-call
# scale, sweep scaling, cost growth (PNG) and a callgrind profile of a 2k-call run.
#
#   scripts/bench.sh [--quick] [--only SECTIONS] [--out DIR]
#
# --quick: toy sizes, under a minute (CTest bench.quick). Full: 1.5-2 h on the shared 2-core
# machine, most of it the 1M-call run; --max-calls 100000 skips that.
# SIPSIM_BUILD_DIR picks the build (default build-bench: Release, profile-guided via
# scripts/build-pgo.sh; --no-pgo for the plain Release build); --no-build skips the build
# (CTest runs it on its own build tree). Results: out/bench/results.json, growth.png.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${SIPSIM_BUILD_DIR:-build-bench}"
build=1
pgo=1
args=()
while (($#)); do
    case "$1" in
    --no-build) build=0 ;;
    --no-pgo) pgo=0 ;;
    --build-dir) build_dir="$2"; shift ;;
    *) args+=("$1") ;;
    esac
    shift
done
targets=(sipsim ns3_baseline parser_bench)
if ((build && pgo)); then
    ./scripts/build-pgo.sh "$build_dir" "${targets[@]}"
elif ((build)); then
    ./scripts/setup.sh
    # Benchmarks measure the optimised build, whatever the default build type is.
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPSIM_PGO=OFF >/dev/null
    cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]}"
fi
export MPLBACKEND=Agg
# Builds with -DSIPSIM_ALLOCATOR=mimalloc: 2 MiB heap pages for sipsim and the bare ns-3
# baseline alike (mimalloc reads this at start-up; ~6% less CPU for sipsim on the seed run,
# none measurable for the baseline). tcmalloc, the default, ignores it.
export MIMALLOC_LARGE_OS_PAGES="${MIMALLOC_LARGE_OS_PAGES:-1}"
exec /usr/bin/python3 analysis/bench/bench.py --build-dir "$build_dir" "${args[@]+"${args[@]}"}"
