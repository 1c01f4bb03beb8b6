#!/usr/bin/env bash
# SIPp uac (uac_auth.xml, -au/-ap) -> sipsim proxy with digest authentication (407,
# RFC 3261 §22.3) -> sipsim callee. With the right password every call succeeds after one
# challenge; with a wrong one the proxy challenges again (or refuses with 403) and every
# call fails in SIPp's statistics without reaching the callee.
# Usage: proxy_auth.sh SIPSIM WORKDIR BASE_PORT   (uses BASE_PORT .. BASE_PORT+2)
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
BASE=$3
UAC=$BASE PROXY=$((BASE + 1)) CALLEE=$((BASE + 2))
N=10
require_sipp

run() { # run NAME PASSWORD
    local name=$1 password=$2
    start_peer "${name}_callee" --role ua --listen 127.0.0.1:$CALLEE --user bob --duration 60s
    local callee=$PEER_PID
    start_peer "${name}_proxy" --role proxy --listen 127.0.0.1:$PROXY \
        --next-hop 127.0.0.1:$CALLEE --domain atlanta.example.com --auth \
        --realm atlanta.example.com --users alice=secret,carol=other --duration 60s
    local proxy=$PEER_PID
    run_sipp "${name}_uac" -sf "$HERE/uac_auth.xml" -i 127.0.0.1 -p $UAC -mp $((UAC + 1000)) \
        127.0.0.1:$PROXY -s bob -au alice -ap "$password" -m $N -r 10 -d 200 -recv_timeout 5000
    stop_peer "$proxy" "${name}_proxy"
    stop_peer "$callee" "${name}_callee"
}

rc=0
run good secret
$CHECK stat good_uac/stat.csv SuccessfulCall=$N FailedCall=0 FailedUnexpectedMessage=0 || rc=1
$CHECK summary good_proxy.json calls.attempted=$N calls.completed=$N calls.failed=0 \
    proxy.challenges_sent=$N proxy.auth_successes=$N proxy.auth_failures=0 \
    "messages.tx.407 (INVITE)=$N" || rc=1
$CHECK summary good_callee.json calls.completed=$N calls.failed=0 || rc=1

run bad wrong
$CHECK stat bad_uac/stat.csv SuccessfulCall=0 FailedCall=$N FailedUnexpectedMessage=0 || rc=1
# Each call: challenge, wrong answer, challenge again -> 2 challenges and 1 failure per call.
$CHECK summary bad_proxy.json calls.attempted=$N calls.established=0 calls.failed=$N \
    proxy.auth_successes=0 proxy.auth_failures=$N proxy.challenges_sent=$((2 * N)) \
    messages.tx.INVITE=0 || rc=1
$CHECK summary bad_callee.json calls.attempted=0 || rc=1
[ $rc -eq 0 ] || show_context
exit $rc
