#!/usr/bin/env bash
# Profile-guided optimised build (GCC): builds sipsim instrumented, trains it on every
# shipped scenario plus lossy, --parse-every-hop and --parse-ahead runs of the seed (~15 s),
# then rebuilds the given targets with the recorded profile. Outputs are the same as the
# plain build's, byte for byte; only the speed differs.
#
#   scripts/build-pgo.sh [BUILD_DIR] [TARGET...]     (default: build-pgo, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build-pgo}"
shift || true
./scripts/setup.sh

# Instrumented objects need no LTO (the profile is read before link-time inlining), which
# keeps this phase quick.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSIPSIM_PGO=generate \
    -DSIPSIM_LTO=OFF >/dev/null
find "$build_dir" -name '*.gcda' -delete
cmake --build "$build_dir" -j "$(nproc)" --target sipsim

train="$(mktemp -d)"
trap 'rm -rf "$train"' EXIT
sipsim="$build_dir/sipsim"
for scenario in scenarios/*.toml; do
    "$sipsim" run "$scenario" --out "$train/$(basename "$scenario" .toml)" --quiet
done
seed=(scenarios/two-proxy-auth.toml --set workload.arrivals=poisson)
"$sipsim" run "${seed[@]}" --set workload.calls=2000 --set workload.rate=50 \
    --set impairments.loss=0.01 --out "$train/seed-loss" --quiet
"$sipsim" run "${seed[@]}" --set workload.calls=1000 --set workload.rate=20 --parse-every-hop \
    --out "$train/seed-every-hop" --quiet
"$sipsim" run "${seed[@]}" --set workload.calls=1000 --set workload.rate=20 --parse-ahead \
    --out "$train/seed-parse-ahead" --quiet

cmake -S . -B "$build_dir" -DSIPSIM_PGO=use -DSIPSIM_LTO=ON >/dev/null
if (($#)); then
    cmake --build "$build_dir" -j "$(nproc)" --target "$@"
else
    cmake --build "$build_dir" -j "$(nproc)"
fi
