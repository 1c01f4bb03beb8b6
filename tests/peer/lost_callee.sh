#!/usr/bin/env bash
# SIPp uac with -lost 10 (SIPp drops 10% of what it sends and of what it receives) against
# a sipsim callee: every call still completes on both sides, and the retransmission
# counts on both sides obey the relations R1-R5 documented in check.py (check_lost).
# Usage: lost_callee.sh SIPSIM WORKDIR PEER_PORT SIPP_PORT
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
PEER_PORT=$3
SIPP_PORT=$4
N=50
require_sipp

start_peer callee --role ua --listen 127.0.0.1:"$PEER_PORT" --user bob --duration 120s
CALLEE=$PEER_PID
# A 1 s hold gives the 2xx/ACK exchange time to recover before the BYE.
run_sipp uac -sf "$HERE/uac_txn.xml" -i 127.0.0.1 -p "$SIPP_PORT" -mp $((SIPP_PORT + 1000)) \
    127.0.0.1:"$PEER_PORT" -s bob -m $N -r 20 -l 50 -d 1000 -lost 10
stop_peer "$CALLEE" callee

rc=0
$CHECK stat uac/stat.csv SuccessfulCall=$N FailedCall=0 || rc=1
$CHECK summary callee.json calls.attempted=$N calls.established=$N calls.completed=$N \
    calls.failed=0 || rc=1
$CHECK lost callee.json uac/counts.csv uac/stat.csv $N || rc=1
[ $rc -eq 0 ] || show_context
exit $rc
