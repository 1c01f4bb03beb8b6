#!/usr/bin/env bash
# SIPp -sn uac -> `sipsim peer --role ua` answering (UDP, or TCP with "tcp"): N of N calls
# succeed in SIPp's statistics, SIPp saw no unexpected message, and our summary agrees.
# Usage: sipp_uac_to_callee.sh SIPSIM WORKDIR PEER_PORT SIPP_PORT [udp|tcp]
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
PEER_PORT=$3
SIPP_PORT=$4
TRANSPORT=${5:-udp}
N=20
require_sipp

SIPP_T=u1
[ "$TRANSPORT" = tcp ] && SIPP_T=t1
start_peer callee --role ua --listen 127.0.0.1:"$PEER_PORT" --transport "$TRANSPORT" --user bob \
    --duration 60s
CALLEE=$PEER_PID
run_sipp uac -sn uac -t "$SIPP_T" -i 127.0.0.1 -p "$SIPP_PORT" -mp $((SIPP_PORT + 1000)) \
    127.0.0.1:"$PEER_PORT" -s bob -m $N -r 10 -l 10 -d 300
stop_peer "$CALLEE" callee

rc=0
$CHECK stat uac/stat.csv SuccessfulCall=$N FailedCall=0 FailedUnexpectedMessage=0 \
    OutOfCallMsgs=0 DeadCallMsgs=0 || rc=1
[ ! -s uac/errors.log ] || { echo "FAIL: SIPp logged unexpected messages"; rc=1; }
[ "$SIPP_RC" -eq 0 ] || { echo "FAIL: sipp exited with $SIPP_RC"; rc=1; }
$CHECK summary callee.json calls.attempted=$N calls.established=$N calls.completed=$N \
    calls.failed=0 setup_delay_s.n=$N ua.bad_requests_sent=0 \
    "transport=$(echo "$TRANSPORT" | tr a-z A-Z)" || rc=1
if [ "$TRANSPORT" = tcp ]; then
    $CHECK summary callee.json io.connections_accepted=1 io.datagrams_in=0 \
        io.stream_messages_in=$((3 * N)) io.framing_errors=0 || rc=1
fi
[ $rc -eq 0 ] || show_context
exit $rc
