#!/usr/bin/env python3
"""Checks for the real-socket peer tests: SIPp statistics, sipsim peer summaries, and the
consistency of retransmission counts between the two.

  check.py stat    STAT.csv  KEY=VALUE...       SIPp -trace_stat, last row, cumulative (C)
  check.py summary PEER.json PATH<op>VALUE...   op is =, >= or <=; PATH like calls.failed
  check.py lost    PEER.json COUNTS.csv STAT.csv N
                                                the retransmission relations (see LostRelations)
Prints one line per check; exits 1 when any fails.
"""
import csv
import json
import re
import sys

FAILED = []


def report(ok, text):
    print(("ok:   " if ok else "FAIL: ") + text)
    if not ok:
        FAILED.append(text)


def last_row(path):
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f, delimiter=";") if r]
    return dict(zip(rows[0], rows[-1]))


def as_number(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def check_stat(path, expectations):
    row = last_row(path)
    for item in expectations:
        key, value = item.split("=", 1)
        column = key if key.endswith(")") else key + "(C)"
        actual = row.get(column)
        report(actual is not None and as_number(actual) == as_number(value),
               f"SIPp {column} = {actual} (want {value})")


def lookup(summary, path):
    node = summary
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        if part not in node:
            # Count maps (messages.rx, failure_codes, ...) omit what never happened.
            return 0 if node and all(isinstance(v, int) for v in node.values()) or \
                path.startswith("messages.") else None
        node = node[part]
    return node


def check_summary(path, expectations):
    with open(path) as f:
        summary = json.load(f)
    for item in expectations:
        match = re.fullmatch(r"([\w./ ()]+?)(>=|<=|=)(.+)", item)
        if not match:
            report(False, f"bad expectation {item!r}")
            continue
        key, op, value = match.groups()
        actual = lookup(summary, key)
        if isinstance(value, str) and not re.fullmatch(r"-?[\d.]+", value):
            ok = actual == value
        elif actual is None:
            ok = False
        elif op == "=":
            ok = actual == as_number(value)
        elif op == ">=":
            ok = actual >= as_number(value)
        else:
            ok = actual <= as_number(value)
        report(ok, f"peer {key} = {actual} (want {op}{value})")


def sipp_messages(counts):
    """The scenario's messages from -trace_counts columns ("<index>_<name>_<counter>"), in
    order, each with the CSeq method it belongs to: a response belongs to the request SIPp
    sent last before it."""
    messages = {}
    for column, value in counts.items():
        match = re.fullmatch(r"(\d+)_(\w+?)_(Sent|Recv|Retrans|Timeout|Lost|Unexp|Sessions)",
                             column)
        if match:
            index, name, counter = int(match.group(1)), match.group(2), match.group(3)
            messages.setdefault(index, {"name": name})[counter] = int(value or 0)
    last_request = None
    ordered = []
    for index in sorted(messages):
        message = messages[index]
        if "Sent" in message and not message["name"].isdigit():
            last_request = message["name"]
            message["kind"] = message["name"]
        elif message["name"].isdigit():
            message["kind"] = f"{message['name']} ({last_request})"
        else:
            message["kind"] = message["name"]
        ordered.append(message)
    return ordered


def check_lost(summary_path, counts_path, stat_path, calls):
    """Relations between what SIPp (a UAC with -lost, uac_txn.xml) did and what our callee
    saw. SIPp's "lost" messages are dropped inside SIPp: on sending (the copy never leaves)
    or on receiving (the copy arrived but is ignored). Loopback itself loses nothing.
    SIPp counts every copy it sends through its scenario (Sent, Retrans, Lost), except one
    path: a 2xx retransmission for the INVITE transaction arriving after the BYE went out is
    re-ACKed directly (ack_txn), outside all counters and immune to -lost. Hence:

    R1  every INVITE / BYE copy SIPp put on the wire reached us:
          rx[m] = Sent_m + Retrans_m - Lost_m                      for m in INVITE, BYE
        and the ACKs beyond SIPp's count are those direct re-ACKs:
          X = rx[ACK] - (Sent_ACK + Retrans_ACK - Lost_ACK) >= 0
    R2  every INVITE / BYE copy beyond the first of its transaction was absorbed by our
        server transaction -- none started a second call or a second BYE:
          requests_absorbed = (rx[INVITE] - incoming_calls) + (rx[BYE] - byes_received)
        with incoming_calls = byes_received = N, i.e. = sum over INVITE, BYE of (Retrans - Lost)
    R3  every response copy we sent is accounted for by SIPp -- received, recognised as a
        retransmission, dropped as lost, or (late) counted as a message for a dead call --
        except the X 2xx retransmissions it re-ACKed directly:
          tx[200 (BYE)]    = Recv + Retrans + Lost + Unexp   (of SIPp's BYE 200)
          tx[200 (INVITE)] = Recv + Retrans + Lost + Unexp + X
          sum of tx        = sum of SIPp's counts + X + DeadCallMsgs + OutOfCallMsgs
    R4  our retransmissions are exactly the timer-driven 2xx re-sends (§13.3.1.4) plus the
        BYE responses re-sent for absorbed BYE retransmissions (§17.2.2):
          tx[200 (INVITE)] = N + ok_retransmissions
          retransmissions.total = ok_retransmissions + (tx[200 (BYE)] - N)
    R5  SIPp's Retransmissions(C) is the sum of its per-message Retrans counters.
    """
    with open(summary_path) as f:
        summary = json.load(f)
    counts = last_row(counts_path)
    stat = last_row(stat_path)
    rx = summary["messages"]["rx"]
    tx = summary["messages"]["tx"]
    ua = summary["ua"]
    messages = sipp_messages(counts)
    sent = {m["kind"]: m for m in messages if "Sent" in m}
    received = {m["kind"]: m for m in messages if "Recv" in m}

    print(f"  SIPp: Retransmissions(C)={stat.get('Retransmissions(C)')}, per message:")
    for m in messages:
        fields = ", ".join(f"{k}={v}" for k, v in m.items() if k not in ("name", "kind"))
        print(f"    {m['kind']:<12} {fields}")
    print(f"  peer: rx={rx} tx={tx} retransmissions={summary['retransmissions']}")

    def on_wire(method):
        m = sent.get(method, {})
        return m.get("Sent", 0) + m.get("Retrans", 0) - m.get("Lost", 0), m

    for method in ("INVITE", "BYE"):
        wire, m = on_wire(method)
        report(rx.get(method, 0) == wire,
               f"R1 {method}: received {rx.get(method, 0)} = SIPp sent {m.get('Sent', 0)} "
               f"+ retrans {m.get('Retrans', 0)} - lost {m.get('Lost', 0)} = {wire}")
    wire, m = on_wire("ACK")
    extra_acks = rx.get("ACK", 0) - wire
    report(extra_acks >= 0,
           f"R1 ACK: received {rx.get('ACK', 0)} = SIPp sent {m.get('Sent', 0)} + retrans "
           f"{m.get('Retrans', 0)} - lost {m.get('Lost', 0)} + X, X = {extra_acks} direct re-ACKs")

    absorbed = summary["retransmissions"]["requests_absorbed"]
    duplicates = (rx.get("INVITE", 0) - ua["incoming_calls"]) + (rx.get("BYE", 0) -
                                                                 ua["byes_received"])
    retrans_minus_lost = sum(sent.get(m, {}).get("Retrans", 0) - sent.get(m, {}).get("Lost", 0)
                             for m in ("INVITE", "BYE"))
    report(absorbed == duplicates == retrans_minus_lost,
           f"R2 requests absorbed {absorbed} = duplicates received {duplicates} = SIPp "
           f"INVITE+BYE retrans - lost {retrans_minus_lost}")
    report(ua["incoming_calls"] == calls and ua["byes_received"] == calls,
           f"R2 incoming calls {ua['incoming_calls']} = BYEs received {ua['byes_received']} "
           f"= {calls}")

    def accounted(kind):
        m = received.get(kind, {})
        return m.get("Recv", 0) + m.get("Retrans", 0) + m.get("Lost", 0) + m.get("Unexp", 0)

    report(tx.get("200 (BYE)", 0) == accounted("200 (BYE)"),
           f"R3 200 (BYE): sent {tx.get('200 (BYE)', 0)} = accounted by SIPp "
           f"{accounted('200 (BYE)')}")
    report(tx.get("200 (INVITE)", 0) == accounted("200 (INVITE)") + extra_acks,
           f"R3 200 (INVITE): sent {tx.get('200 (INVITE)', 0)} = accounted by SIPp "
           f"{accounted('200 (INVITE)')} + X {extra_acks}")
    late = int(stat.get("DeadCallMsgs(C)", 0)) + int(stat.get("OutOfCallMsgs(C)", 0))
    total_accounted = sum(accounted(kind) for kind in tx)
    report(sum(tx.values()) == total_accounted + extra_acks + late,
           f"R3 all responses: sent {sum(tx.values())} = accounted {total_accounted} + X "
           f"{extra_acks} + dead/out-of-call {late}")

    ok_retrans = ua["ok_retransmissions"]
    report(tx.get("200 (INVITE)", 0) == calls + ok_retrans,
           f"R4 200 (INVITE) sent {tx.get('200 (INVITE)', 0)} = N {calls} + 2xx "
           f"retransmissions {ok_retrans}")
    bye_resends = tx.get("200 (BYE)", 0) - calls
    total = summary["retransmissions"]["total"]
    report(total == ok_retrans + bye_resends,
           f"R4 retransmissions sent {total} = {ok_retrans} + {bye_resends}")

    per_message = sum(m.get("Retrans", 0) for m in messages if "Sent" in m)
    report(int(stat.get("Retransmissions(C)", -1)) == per_message,
           f"R5 SIPp Retransmissions(C) {stat.get('Retransmissions(C)')} = sum of per-message "
           f"Retrans {per_message}")
    lost_total = sum(m.get("Lost", 0) for m in messages)
    report(lost_total > 0, f"loss was exercised: SIPp lost {lost_total} messages")


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    command, args = argv[1], argv[2:]
    if command == "stat":
        check_stat(args[0], args[1:])
    elif command == "summary":
        check_summary(args[0], args[1:])
    elif command == "lost":
        check_lost(args[0], args[1], args[2], int(args[3]))
    else:
        print(__doc__)
        return 2
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
