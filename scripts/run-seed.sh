#!/usr/bin/env bash
# Quick start, command 1: set up, build, and run the main job -- the seed scenario
# (RFC 3665 §3.2: A -> Proxy 1 -> Proxy 2 -> B with a 407 challenge) -- into out/seed.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target sipsim
if ./build/sipsim run --help >/dev/null 2>&1; then
    ./build/sipsim run scenarios/two-proxy-auth.toml --out out/seed "$@"
    cat out/seed/ladder.txt
else
    # The simulation is not built in this configuration: demonstrate the message layer on
    # the seed flow's messages instead.
    for f in tests/data/seed/F*.sip; do
        echo "=== $f"
        ./build/sipsim parse "$f"
    done
fi
