#!/usr/bin/env bash
# sipsim run: exit statuses, one-line errors naming the field, nothing written on bad input,
# the seed ladder, determinism of the files, --quiet.
set -u
sipsim="$1"
scenarios="$2"
seed="$scenarios/two-proxy-auth.toml"
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $1"
    fails=$((fails + 1))
}
check() { # description, expected status, actual status
    if [[ "$2" != "$3" ]]; then
        fail "$1: expected exit $2, got $3"
    else
        echo "ok: $1"
    fi
}

"$sipsim" run "$seed" --out "$tmp/seed" >"$tmp/stdout" 2>"$tmp/stderr"
check "seed run" 0 $?
for f in messages.csv calls.csv ladder.txt summary.json; do
    [[ -s "$tmp/seed/$f" ]] || fail "seed: $f missing or empty"
done
[[ $(grep -c '^F[0-9]* ' "$tmp/seed/ladder.txt") -eq 23 ]] || fail "seed ladder is not 23 F-lines"
grep -q '^F2 407 Proxy Authentication Required P1 -> A$' "$tmp/seed/ladder.txt" ||
    fail "seed ladder has no F2 407 line"
grep -q '^F23 200 OK P2 -> B$' "$tmp/seed/ladder.txt" || fail "seed ladder does not end with F23"
[[ ! -s "$tmp/stderr" ]] || fail "seed run wrote to stderr: $(cat "$tmp/stderr")"
grep -q "1 completed" "$tmp/stdout" || fail "no result line on stdout"

"$sipsim" run "$seed" --out "$tmp/again" --quiet >"$tmp/stdout" 2>&1
check "--quiet" 0 $?
[[ ! -s "$tmp/stdout" ]] || fail "--quiet printed: $(cat "$tmp/stdout")"
for f in messages.csv calls.csv ladder.txt summary.json; do
    cmp -s "$tmp/seed/$f" "$tmp/again/$f" || fail "$f differs between identical runs"
done

lossy=(--set 'impairments.links.A-P1.loss=0.3' --set 'impairments.links.A-P1.direction="forward"' -q)
"$sipsim" run "$seed" --out "$tmp/r2" --run 2 "${lossy[@]}"
"$sipsim" run "$seed" --out "$tmp/r2b" --run 2 "${lossy[@]}"
"$sipsim" run "$seed" --out "$tmp/r3" --run 3 "${lossy[@]}"
cmp -s "$tmp/r2/messages.csv" "$tmp/r2b/messages.csv" || fail "--run 2 twice: messages differ"
cmp -s "$tmp/r2/messages.csv" "$tmp/r3/messages.csv" && fail "--run 2 and 3 gave the same messages"

"$sipsim" run "$seed" --out "$tmp/ladder2" --set workload.calls=2 --ladder-call 2 -q
check "--ladder-call 2" 0 $?
head -1 "$tmp/ladder2/ladder.txt" | grep -q '^# Call 2' || fail "--ladder-call 2 drew another call"

"$sipsim" run "$seed" --out "$tmp/pcap" --pcap -q
check "--pcap" 0 $?
[[ $(ls "$tmp/pcap/pcap"/*.pcap 2>/dev/null | wc -l) -eq 6 ]] || fail "--pcap: expected 6 pcap files"

bad() { # description, field expected in the message, arguments...
    local what="$1" field="$2"
    shift 2
    "$sipsim" run "$seed" --out "$tmp/bad" "$@" >/dev/null 2>"$tmp/err"
    check "$what" 2 $?
    [[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "$what: error is not one line: $(cat "$tmp/err")"
    grep -qF -- "$field" "$tmp/err" || fail "$what: error does not name $field: $(cat "$tmp/err")"
    [[ ! -e "$tmp/bad" ]] && echo "ok: $what wrote nothing" || fail "$what: output dir created"
}
bad "unknown key" "workload.bogus" --set workload.bogus=1
bad "loss 1.5" "impairments.loss" --set impairments.loss=1.5
bad "negative delay" "impairments.delay" --set impairments.delay=-5ms
bad "unknown node in pairs" "workload.pairs[0]" --set 'workload.pairs=["A->Z"]'
bad "unknown --set path" "nosuch" --set nosuch.path=3
bad "ladder call beyond calls" "--ladder-call" --ladder-call 9
bad "bad --run" "--run" --run abc
bad "--verify-hand-off without the hand-off" "--verify-hand-off" --verify-hand-off --parse-every-hop

"$sipsim" run "$tmp/missing.toml" --out "$tmp/bad" >/dev/null 2>"$tmp/err"
check "missing scenario file" 2 $?
touch "$tmp/file"
"$sipsim" run "$seed" --out "$tmp/file/sub" >/dev/null 2>"$tmp/err"
check "--out under a file" 2 $?
grep -q -- "--out" "$tmp/err" || fail "--out error does not name --out"

if [[ $fails -ne 0 ]]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "all run CLI checks passed"
