# Shared helpers for the real-socket peer tests (sourced). Loopback only; every process is
# bounded with `timeout`, started peers are stopped by pid on exit.
#
# Usage from a test script:  source peer_lib.sh "$SIPSIM" "$WORK"
set -u

SIPSIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # absolute: we cd below
WORK=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECK="python3 $HERE/check.py"
PEER_PIDS=()

rm -rf "$WORK"
mkdir -p "$WORK"
cd "$WORK" || exit 1

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

cleanup() {
    local pid
    for pid in "${PEER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${PEER_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
}
trap cleanup EXIT

# SIPp is a hard requirement: a missing tool must fail the test, never skip it.
require_sipp() {
    if ! command -v sipp >/dev/null 2>&1; then
        fail "sipp not found: install the Debian package sip-tester (scripts/setup.sh does)"
    fi
}

# start_peer NAME ARGS...: runs `sipsim peer ARGS` in the background with a JSON summary in
# NAME.json, a message log in NAME.log and stderr in NAME.err, and waits until it listens.
# The pid is left in PEER_PID (and remembered for cleanup).
start_peer() {
    local name=$1
    shift
    timeout 120 "$SIPSIM" peer "$@" --json --summary "$name.json" --log "$name.log" \
        >"$name.out" 2>"$name.err" &
    PEER_PID=$!
    PEER_PIDS+=("$PEER_PID")
    local i
    for i in $(seq 1 100); do
        if grep -q "listening on" "$name.err" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$PEER_PID" 2>/dev/null; then
            cat "$name.err" >&2
            fail "peer $name exited before listening"
        fi
        sleep 0.05
    done
    fail "peer $name did not start listening"
}

# stop_peer PID NAME: SIGTERM, wait, and require a clean exit and a written summary.
stop_peer() {
    local pid=$1 name=$2 rc=0
    kill -TERM "$pid" 2>/dev/null
    wait "$pid" || rc=$?
    [ "$rc" -eq 0 ] || { cat "$name.err" >&2; fail "peer $name exited with status $rc"; }
    [ -s "$name.json" ] || fail "peer $name wrote no summary"
}

# SIPp runs in its own directory NAME/ (files named after its scenario and pid cannot
# collide): NAME/stat.csv (-trace_stat), NAME/counts.csv (-trace_counts, per message),
# NAME/errors.log (unexpected messages), NAME/out. Scenario files need absolute paths.
sipp_cmd() {
    local name=$1
    shift
    mkdir -p "$name"
    cd "$name" || exit 1
    timeout 90 sipp "$@" -nostdin -trace_stat -stf stat.csv -fd 1 -trace_counts \
        -trace_err -error_file errors.log >out 2>&1
}

finish_sipp() {
    local name=$1 rc=$2
    if [ "$rc" -eq 124 ]; then
        tail -20 "$name/out" >&2
        fail "sipp $name timed out"
    fi
    local counts
    counts=$(ls "$name"/*_counts.csv 2>/dev/null | head -1)
    [ -n "$counts" ] && mv "$counts" "$name/counts.csv"
    [ -s "$name/stat.csv" ] || { tail -20 "$name/out" >&2; fail "sipp $name wrote no statistics"; }
}

# run_sipp NAME ARGS...: SIPp in the foreground. Its exit status is left in SIPP_RC (the
# checks read its statistics instead); a timeout is a failure.
run_sipp() {
    local name=$1 rc=0
    (sipp_cmd "$@") || rc=$?
    finish_sipp "$name" "$rc"
    SIPP_RC=$rc
}

# start_sipp NAME ARGS...: SIPp in the background (a UAS); SIPP_PID is its pid.
start_sipp() {
    (sipp_cmd "$@") &
    SIPP_PID=$!
    sleep 0.3 # let it bind before traffic starts
}

# wait_sipp NAME PID: waits for a background SIPp to finish its -m calls.
wait_sipp() {
    local name=$1 pid=$2 rc=0
    wait "$pid" || rc=$?
    finish_sipp "$name" "$rc"
}

# Prints what a failed check needs: the SIPp errors and the peers' summaries.
show_context() {
    local f
    for f in ./*/errors.log; do
        [ -s "$f" ] && { echo "--- $f"; head -40 "$f"; }
    done
    for f in ./*.json; do
        [ -s "$f" ] && { echo "--- $f"; cat "$f"; }
    done
}
