#!/usr/bin/env bash
# SIPp uac -> sipsim proxy P1 -> sipsim proxy P2 -> SIPp uas, both proxies record-routing.
# uas_check_via_rr.xml fails a call unless its INVITE carries exactly 3 Via and 2
# Record-Route headers (RFC 3261 §16.6 steps 4 and 8) and its BYE arrives with no Route left
# (§16.4); uac_rr_check.xml fails it unless the 200 carries both Record-Route values, and
# sends ACK/BYE along the route set. A control run without --record-route must make the
# UAS checks fail, showing they have teeth.
# Usage: proxy_chain.sh SIPSIM WORKDIR BASE_PORT   (uses BASE_PORT .. BASE_PORT+3)
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
BASE=$3
UAC=$BASE P1=$((BASE + 1)) P2=$((BASE + 2)) UAS=$((BASE + 3))
N=10
require_sipp

chain() { # chain NAME N [proxy flags...]
    local name=$1 calls=$2
    shift 2
    start_sipp "${name}_uas" -sf "$HERE/uas_check_via_rr.xml" -i 127.0.0.1 -p $UAS \
        -mp $((UAS + 1000)) -m "$calls"
    local uas_pid=$SIPP_PID
    start_peer "${name}_p2" --role proxy --listen 127.0.0.1:$P2 --next-hop 127.0.0.1:$UAS \
        --domain atlanta.example.com "$@" --duration 60s
    local p2=$PEER_PID
    start_peer "${name}_p1" --role proxy --listen 127.0.0.1:$P1 --next-hop 127.0.0.1:$P2 \
        --domain atlanta.example.com "$@" --duration 60s
    local p1=$PEER_PID
    run_sipp "${name}_uac" -sf "$HERE/uac_rr_check.xml" -i 127.0.0.1 -p $UAC \
        -mp $((UAC + 1000)) 127.0.0.1:$P1 -s bob -m "$calls" -r 10 -d 200 -recv_timeout 5000
    wait_sipp "${name}_uas" "$uas_pid"
    stop_peer "$p1" "${name}_p1"
    stop_peer "$p2" "${name}_p2"
}

rc=0
chain rr $N --record-route
$CHECK stat rr_uac/stat.csv SuccessfulCall=$N FailedCall=0 || rc=1
$CHECK stat rr_uas/stat.csv SuccessfulCall=$N FailedCall=0 FailedRegexpDoesntMatch=0 \
    FailedRegexpShouldntMatch=0 FailedUnexpectedMessage=0 || rc=1
for p in rr_p1 rr_p2; do
    $CHECK summary $p.json calls.attempted=$N calls.established=$N calls.completed=$N \
        calls.failed=0 messages.rx.INVITE=$N messages.tx.INVITE=$N messages.rx.BYE=$N \
        messages.tx.BYE=$N proxy.loops_detected=0 proxy.no_route=0 || rc=1
done

# Control: the same chain without Record-Route. Both scenario checks must fail every call.
# (What follows is a mess by design: P1 forwards the BYE straight to the UAS's Contact,
# while SIPp's UAS answers to the address the INVITE came from, P2, which drops the
# response as not its own -- so the UAC times out. Only the failed checks are asserted.)
chain norr 2
$CHECK stat norr_uas/stat.csv FailedCall=2 FailedRegexpDoesntMatch=2 || rc=1
$CHECK stat norr_uac/stat.csv SuccessfulCall=0 FailedCall=2 || rc=1
[ $rc -eq 0 ] || show_context
exit $rc
