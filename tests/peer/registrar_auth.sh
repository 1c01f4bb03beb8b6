#!/usr/bin/env bash
# sipsim on both ends, no SIPp: a registrar/proxy that authenticates (401 for REGISTER, 407
# for INVITE), a callee that registers bob@atlanta.example.com with it, and a caller that
# calls that AOR through it. Proves the registrar role and the UA's digest client on real
# sockets: the call is routed to the registered Contact (RFC 3261 §10.3, §16.5).
# Usage: registrar_auth.sh SIPSIM WORKDIR BASE_PORT   (uses BASE_PORT .. BASE_PORT+2)
source "$(dirname "$0")/peer_lib.sh" "$1" "$2"
BASE=$3
REG=$BASE BOB=$((BASE + 1)) ALICE=$((BASE + 2))
N=5

start_peer registrar --role registrar --listen 127.0.0.1:$REG --domain atlanta.example.com \
    --record-route --auth --users alice=a1,bob=b2 --duration 60s
REGISTRAR=$PEER_PID
start_peer bob --role ua --listen 127.0.0.1:$BOB --user bob --password b2 \
    --domain atlanta.example.com --register sip:127.0.0.1:$REG --duration 60s
CALLEE=$PEER_PID
for i in $(seq 1 100); do # wait for the binding
    grep -q "Registered" bob.log 2>/dev/null && break
    sleep 0.05
done
rc=0
timeout 60 "$SIPSIM" peer --role ua --listen 127.0.0.1:$ALICE --user alice --password a1 \
    --domain atlanta.example.com --call sip:bob@atlanta.example.com --next-hop 127.0.0.1:$REG \
    --calls $N --rate 10 --hold 200ms --json --summary alice.json --log alice.log \
    2>alice.err || rc=$?
[ $rc -eq 0 ] || { cat alice.err; fail "caller exited with $rc"; }
stop_peer "$CALLEE" bob
stop_peer "$REGISTRAR" registrar

$CHECK summary alice.json "stop_reason=calls done" calls.attempted=$N calls.completed=$N \
    calls.failed=0 ua.challenges_received=$N "messages.rx.407 (INVITE)=$N" || rc=1
$CHECK summary bob.json ua.registrations=1 ua.challenges_received=1 calls.completed=$N \
    "messages.rx.401 (REGISTER)=1" "messages.rx.200 (REGISTER)=1" || rc=1
$CHECK summary registrar.json registrar.registrations=1 registrar.auth_successes=$((N + 1)) \
    registrar.challenges_sent=$((N + 1)) calls.completed=$N messages.tx.INVITE=$N || rc=1
[ $rc -eq 0 ] || show_context
exit $rc
