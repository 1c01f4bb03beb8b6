#!/usr/bin/env bash
# Builds parse_fuzzer with clang-14 (libFuzzer + ASan + UBSan, the whole tree instrumented)
# in build-fuzz/ and fuzzes for FUZZ_SECONDS (default 60) on a scratch copy of the seed
# corpus: fuzz/corpus/, the RFC 3665 seed fixtures and the RFC 4475 torture messages.
# Exits non-zero when the fuzzer finds a crash, leak, timeout or violated invariant; the
# reproducer is left in build-fuzz/fuzz-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

build_dir="${SIPSIM_FUZZ_BUILD_DIR:-build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
shared_dir="${SIPSIM_SHARED_DIR:-$(pwd)/../shared}"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

generator=()
if command -v ninja >/dev/null; then
    generator=(-G Ninja)
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIPSIM_FUZZ=ON -DSIPSIM_BENCH=OFF -DSIPSIM_NS3=OFF \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" >/dev/null
cmake --build "$build_dir" --target parse_fuzzer -j "$(nproc)"

# Scratch corpus: libFuzzer adds the inputs it finds interesting, which must not touch the
# committed seeds.
run_dir=fuzz/corpus-run
rm -rf "$run_dir"
mkdir -p "$run_dir" "$build_dir/fuzz-artifacts"
cp fuzz/corpus/* tests/data/seed/F*.sip "$run_dir"/
if [[ -d "$shared_dir/data/rfc4475" ]]; then
    cp "$shared_dir"/data/rfc4475/*.dat "$run_dir"/
else
    echo "run.sh: no RFC 4475 corpus at $shared_dir/data/rfc4475; fuzzing without it" >&2
fi

echo "fuzzing for ${seconds}s from $(find "$run_dir" -type f | wc -l) seed inputs"
# UBSan reports abort (not just print) so they count as crashes.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
"$build_dir/fuzz/parse_fuzzer" "$run_dir" \
    -dict=fuzz/sip.dict \
    -max_total_time="$seconds" \
    -max_len=16384 \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -print_final_stats=1 \
    -artifact_prefix="$build_dir/fuzz-artifacts/" || status=$?
if ((status != 0)); then
    echo "run.sh: parse_fuzzer failed (exit $status); reproducers:" >&2
    ls -l "$build_dir/fuzz-artifacts/" >&2
    echo "reproduce with: $build_dir/fuzz/parse_fuzzer <file>" >&2
    exit "$status"
fi
echo "run.sh: no crash in ${seconds}s"
