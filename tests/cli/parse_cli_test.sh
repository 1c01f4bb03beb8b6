#!/usr/bin/env bash
# sipsim parse: canonical output, --json, exit 1 on invalid SIP, exit 2 on usage errors.
set -u
sipsim="$1"
torture="$2"
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # description, expected status, actual status
    if [[ "$2" != "$3" ]]; then
        echo "FAIL: $1: expected exit $2, got $3"
        fails=$((fails + 1))
    else
        echo "ok: $1"
    fi
}

"$sipsim" parse "$torture/wsinv.dat" >"$tmp/out" 2>"$tmp/err"
check "valid message" 0 $?
grep -q "^INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0" "$tmp/out" ||
    { echo "FAIL: canonical start line missing"; fails=$((fails + 1)); }
# The canonical form must itself parse to the same canonical form (byte-stable).
"$sipsim" parse "$tmp/out" >"$tmp/out2" 2>/dev/null
check "canonical output re-parses" 0 $?
cmp -s "$tmp/out" "$tmp/out2" || { echo "FAIL: canonical form not stable"; fails=$((fails + 1)); }

"$sipsim" parse --json "$torture/esc01.dat" >"$tmp/json" 2>/dev/null
check "--json" 0 $?
grep -q '"headers"' "$tmp/json" || { echo "FAIL: --json has no headers"; fails=$((fails + 1)); }

"$sipsim" parse "$torture/ncl.dat" >/dev/null 2>"$tmp/err"
check "invalid message" 1 $?
grep -q "ncl.dat: error: " "$tmp/err" || { echo "FAIL: no 'FILE: error:' line"; fails=$((fails + 1)); }
[[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: error is not one line"; fails=$((fails + 1)); }

"$sipsim" parse "$torture/wsinv.dat" "$torture/ncl.dat" >/dev/null 2>&1
check "valid then invalid" 1 $?

"$sipsim" parse "$tmp/does-not-exist.sip" >/dev/null 2>"$tmp/err"
check "missing file" 2 $?
[[ $(wc -l <"$tmp/err") -eq 1 ]] || { echo "FAIL: missing-file error is not one line"; fails=$((fails + 1)); }

"$sipsim" parse --no-such-flag "$torture/wsinv.dat" >/dev/null 2>"$tmp/err"
check "bad flag" 2 $?

"$sipsim" --help >"$tmp/help" 2>&1
check "--help" 0 $?
grep -q "parse" "$tmp/help" || { echo "FAIL: --help does not mention parse"; fails=$((fails + 1)); }

"$sipsim" >/dev/null 2>&1
check "no subcommand" 2 $?

exit $((fails > 0))
