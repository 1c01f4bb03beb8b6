#!/usr/bin/python3
"""A stand-in for build/sipsim used by the analysis tests: `run` writes the four output
files with the documented shapes (summary.json, calls.csv, messages.csv, ladder.txt) from a
crude Monte Carlo of the UA - N proxies - UA path; `model --json` prints a model-like JSON.

It reads the scenario TOML and applies `--set path=value` like sipsim (value parsed as TOML,
else a plain string), and rejects impairments.loss outside [0, 1] with exit 2, so a sweep can
contain a failing grid point. Environment knobs for tests:
  FAKE_SIPSIM_LOG=file    append one line "run <out-dir>" per run (counts re-runs)
  FAKE_SIPSIM_SLEEP=sec   sleep this long per run (progress/ETA tests)
"""

import csv
import json
import math
import os
import random
import sys
import time
import tomllib
import zlib

INVITE_OFFSETS = [0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5]  # x T1 / 0.5
OK_OFFSETS = [0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5]


def fail(msg):
    sys.stderr.write(f"sipsim: error: {msg}\n")
    sys.exit(2)


def parse_value(text):
    try:
        return tomllib.loads("v = " + text)["v"]
    except tomllib.TOMLDecodeError:
        return text


def seconds(v):
    if isinstance(v, (int, float)):
        return float(v)
    for unit, scale in (("ms", 1e-3), ("us", 1e-6), ("s", 1.0)):
        if v.endswith(unit):
            return float(v[: -len(unit)]) * scale
    return float(v)


def load(argv):
    if not argv or argv[0].startswith("-"):
        fail("missing SCENARIO")
    with open(argv[0], "rb") as f:
        doc = tomllib.load(f)
    opts = {"run": 1, "out": None, "json": False}
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--set":
            path, _, value = argv[i + 1].partition("=")
            node = doc
            keys = path.split(".")
            for k in keys[:-1]:
                node = node.setdefault(k, {})
            node[keys[-1]] = parse_value(value)
            i += 2
        elif a in ("--run", "--out"):
            opts[a[2:]] = argv[i + 1]
            i += 2
        elif a in ("--quiet", "--json"):
            opts[a[2:]] = True
            i += 1
        else:
            fail(f"unknown option {a}")
    loss = doc.get("impairments", {}).get("loss", 0.0)
    if not isinstance(loss, (int, float)) or not 0 <= loss <= 1:
        fail(f"impairments.loss: probability {loss} outside [0, 1]")
    return doc, opts


def proxies_of(doc):
    topo = doc.get("topology", {})
    if "file" in topo:
        return 0
    return topo.get("proxies", 4) if topo.get("generator") == "chain" else 2


def simulate_call(rng, hops, p, d, ring, t1, auth):
    """(established, setup delay, retransmissions by kind, message list)."""
    msgs, retx, t = [], {}, 0.0
    nodes = ["A"] + [f"P{i}" for i in range(1, hops)] + ["B"]

    def hop_exchange(kind, i, offsets, t0):
        for k, off in enumerate(offsets):
            lost = rng.random() < p
            msgs.append((t0 + off * t1 / 0.5, nodes[i], nodes[i + 1], kind, k > 0, lost))
            if k:
                retx[kind] = retx.get(kind, 0) + 1
            if not lost:
                return t0 + off * t1 / 0.5 + d
        return None

    extra = 0
    if auth:
        t = hop_exchange("INVITE", 0, INVITE_OFFSETS, t)
        if t is None:
            return False, math.nan, retx, msgs, 0
        msgs.append((t, "P1", "A", "407 Proxy Authentication Required", False, False))
        msgs.append((t + d, "A", "P1", "ACK", False, False))
        t += d
        extra = 3
    for i in range(hops):
        t = hop_exchange("INVITE", i, INVITE_OFFSETS, t)
        if t is None:
            return False, math.nan, retx, msgs, extra
        if i < hops - 1:
            msgs.append((t, nodes[i + 1], nodes[i], "100 Trying", False, rng.random() < p))
    t += ring
    end_to_end = 1 - (1 - p) ** hops
    for k, off in enumerate(OK_OFFSETS):
        lost = rng.random() < end_to_end
        msgs.append((t + off * t1 / 0.5, "B", nodes[-2], "200 OK", k > 0, lost))
        if k:
            retx["200 (INVITE)"] = retx.get("200 (INVITE)", 0) + 1
        if not lost:
            return True, t + off * t1 / 0.5 + hops * d, retx, msgs, extra
    return False, math.nan, retx, msgs, extra


def run(argv):
    doc, opts = load(argv)
    if not opts["out"]:
        fail("--out is required by the fake")
    if os.environ.get("FAKE_SIPSIM_SLEEP"):
        time.sleep(float(os.environ["FAKE_SIPSIM_SLEEP"]))
    wl = doc.get("workload", {})
    calls = int(wl.get("calls", 1))
    rate = float(wl.get("rate", 1.0))
    arrivals = wl.get("arrivals", "sequential")
    p = float(doc.get("impairments", {}).get("loss", 0.0))
    d = seconds(doc.get("impairments", {}).get("delay", "1ms"))
    t1 = seconds(doc.get("sip", {}).get("t1", "500ms"))
    ring = seconds(wl.get("callee", {}).get("ring_time", "2s"))
    auth_on = bool(doc.get("auth", {}).get("proxies", []))
    reuse = doc.get("auth", {}).get("credential_reuse", True)
    hops = proxies_of(doc) + 1
    # crc32, not hash(): str hashes differ between processes.
    seed = zlib.crc32(f"{opts['run']}|{json.dumps(doc, sort_keys=True, default=str)}".encode())
    rng = random.Random(seed)
    out = opts["out"]
    os.makedirs(out, exist_ok=True)
    rows, messages, retx_total, delays = [], [], {}, []
    established = 0
    for c in range(1, calls + 1):
        start = (c - 1) / rate
        auth = auth_on and (not reuse or c == 1)
        ok, delay, retx, msgs, extra = simulate_call(rng, hops, p, d, ring, t1, auth)
        for k, v in retx.items():
            retx_total[k] = retx_total.get(k, 0) + v
        for (t, a, b, kind, re, lost) in msgs:
            messages.append((start + t, c, a, b, kind, re, lost))
        established += ok
        if ok:
            delays.append(delay)
        # The columns of the real calls.csv (model/run/call_tracker.cc).
        fmt = lambda x: f"{x:.9f}"  # noqa: E731
        rows.append({"call": c, "caller": "A", "callee": "B", "call_id": f"fake-{c}",
                     "invite_s": fmt(start), "challenge_s": "", "auth_invite_s": "",
                     "first_1xx_s": "", "ringing_s": "",
                     "ok_s": fmt(start + delay) if ok else "", "ack_s": "", "bye_s": "",
                     "bye_ok_s": "", "setup_delay_s": fmt(delay) if ok else "",
                     "srd_s": fmt(delay - ring) if ok else "",
                     "sdd_s": fmt(2 * hops * d) if ok else "", "auth_messages": extra,
                     "auth_bytes": extra * 400, "auth_time_s": fmt(2 * d) if extra else "",
                     "retransmissions": sum(retx.values()), "final_code": 200 if ok else 408,
                     "outcome": "completed" if ok else "failed", "cause": "" if ok else "408"})
    with open(os.path.join(out, "calls.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["call"])
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(out, "messages.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["time_s", "call", "call_id", "from", "to", "kind", "cseq", "size",
                    "retransmission", "status"])
        for (t, c, a, b, kind, re, lost) in sorted(messages):
            w.writerow([f"{t:.9f}", c, f"fake-{c}", a, b, kind, f"1 {kind.split()[0]}", 500,
                        int(re), "dropped" if lost else "delivered"])
    with open(os.path.join(out, "ladder.txt"), "w") as f:
        f.write("fake ladder\n")

    def summ(v):
        if not v:
            return {"mean": None, "p50": None, "p95": None, "p99": None, "ci95": None}
        s = sorted(v)
        pick = lambda q: s[max(1, math.ceil(q / 100 * len(s))) - 1]  # noqa: E731
        return {"mean": sum(s) / len(s), "p50": pick(50), "p95": pick(95), "p99": pick(99),
                "ci95": None}

    failed = calls - established
    sent = len(messages)
    dropped = sum(1 for m in messages if m[6])
    summary = {
        "calls": {"attempted": calls, "established": established, "completed": established,
                  "failed": failed, "failed_by_cause": {"408": failed} if failed else {}},
        "setup_delay_s": summ(delays),
        "srd_s": summ([x - ring for x in delays]),
        "retransmissions": {"total": sum(retx_total.values()), "by_message": retx_total},
        "auth": {"challenges": sum(1 for r in rows if r["auth_messages"]),
                 "extra_messages": sum(r["auth_messages"] for r in rows),
                 "extra_bytes": sum(r["auth_bytes"] for r in rows),
                 "delay_s": {"mean": 2 * d if auth_on else 0.0}},
        "messages": {"sent": sent, "delivered": sent - dropped, "dropped": dropped,
                     "in_flight": 0, "bytes": 500 * sent},
        "rfc6076": {"ser": established / calls if calls else None,
                    "seer": established / calls if calls else None,
                    "isa": failed / calls if calls else None,
                    "scr": established / calls if calls else None},
        "scenario": {"name": doc.get("name", "fake"), "run": int(opts["run"]),
                     "workload": {"calls": calls, "rate": rate, "arrivals": arrivals}},
    }
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    if os.environ.get("FAKE_SIPSIM_LOG"):
        with open(os.environ["FAKE_SIPSIM_LOG"], "a") as f:
            f.write(f"run {out}\n")
    return 0


def model(argv):
    doc, _ = load(argv)
    p = float(doc.get("impairments", {}).get("loss", 0.0))
    hops = proxies_of(doc) + 1
    fail_invite = 1 - (1 - p**7) ** hops
    fail_ok = (1 - (1 - p) ** hops) ** 11
    json.dump({"path": {"hops": hops},
               "success_probability": (1 - fail_invite) * (1 - fail_ok),
               "failure_probability": 1 - (1 - fail_invite) * (1 - fail_ok),
               "setup_delay_s": {"mean": 0.1}}, sys.stdout)
    return 0


def main():
    if len(sys.argv) < 2:
        fail("usage: fake_sipsim.py run|model ...")
    if sys.argv[1] == "run":
        return run(sys.argv[2:])
    if sys.argv[1] == "model":
        return model(sys.argv[2:])
    fail(f"unknown subcommand {sys.argv[1]}")


if __name__ == "__main__":
    sys.exit(main())
