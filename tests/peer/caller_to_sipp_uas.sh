#!/usr/bin/env bash
# `sipsim peer --role ua --call` -> SIPp -sn uas: N of N calls complete in our summary and
# in SIPp's statistics. Usage: caller_to_sipp_uas.sh SIPSIM WORKDIR PEER_PORT SIPP_PORT [udp|tcp]
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
PEER_PORT=$3
SIPP_PORT=$4
TRANSPORT=${5:-udp}
N=20
require_sipp

SIPP_T=u1
[ "$TRANSPORT" = tcp ] && SIPP_T=t1
start_sipp uas -sn uas -t "$SIPP_T" -i 127.0.0.1 -p "$SIPP_PORT" -mp $((SIPP_PORT + 1000)) -m $N
UAS=$SIPP_PID
# The caller ends on its own once its N calls are over ("calls done"). Over TCP it lingers:
# SIPp's uas scenario ends each call with a 4 s pause and fails a call whose connection
# closes during it.
LINGER=0s
[ "$TRANSPORT" = tcp ] && LINGER=4500ms
rc=0
timeout 90 "$SIPSIM" peer --role ua --listen 127.0.0.1:"$PEER_PORT" --transport "$TRANSPORT" \
    --call sip:service@127.0.0.1:"$SIPP_PORT" --calls $N --rate 10 --hold 300ms \
    --linger "$LINGER" --json \
    --summary caller.json --log caller.log 2>caller.err || rc=$?
[ $rc -eq 0 ] || { cat caller.err; fail "caller exited with $rc"; }
wait_sipp uas "$UAS"

$CHECK summary caller.json "stop_reason=calls done" calls.attempted=$N calls.established=$N \
    calls.completed=$N calls.failed=0 setup_delay_s.n=$N messages.tx.INVITE=$N \
    messages.tx.BYE=$N || rc=1
$CHECK stat uas/stat.csv SuccessfulCall=$N FailedCall=0 FailedUnexpectedMessage=0 || rc=1
[ $rc -eq 0 ] || show_context
exit $rc
