"""The benchmark sections: overhead over bare ns-3, parser, scale, sweep scaling, growth.

Each section takes a Context (binaries, output directory, quick or full sizes) and returns
a JSON-able dict; it prints its own table as it goes. Sizes are the full ones from the
brief; --quick shrinks every one so that the whole file runs in seconds (CTest bench.quick).
"""

import json
import os
import shutil
import subprocess

from measure import BenchError, fresh_dir, human_kib, load_average, median, print_table, run

SEED = "scenarios/two-proxy-auth.toml"
CHAIN = "scenarios/proxy-chain.toml"
STAR = "scenarios/registrar-star.toml"


class Context:
    def __init__(self, root, build_dir, out_dir, quick, stream):
        self.root = root
        self.build_dir = build_dir
        self.out_dir = out_dir
        self.quick = quick
        self.out = stream
        self.sipsim = os.path.join(build_dir, "sipsim")
        self.baseline = os.path.join(build_dir, "bench", "ns3_baseline")
        self.parser_bench = os.path.join(build_dir, "bench", "parser_bench")
        self.max_calls = None
        self.repeats = None

    def path(self, rel):
        return os.path.join(self.root, rel)

    def size(self, full, quick):
        return quick if self.quick else full

    def capped(self, calls):
        """Total-call sizes above --max-calls are skipped (a 1M-call run takes most of an
        hour on 2 shared cores)."""
        return [c for c in calls if self.max_calls is None or c <= self.max_calls]


def poisson(calls, rate, loss=None, extra=()):
    """--set overrides for `calls` Poisson arrivals at `rate` calls/s (optional iid loss)."""
    sets = [f"workload.calls={calls}", "workload.arrivals=poisson", f"workload.rate={rate}"]
    if loss is not None:
        sets.append(f"impairments.loss={loss}")
    sets.extend(extra)
    return sets


def set_args(sets):
    argv = []
    for s in sets:
        argv += ["--set", s]
    return argv


# `sipsim run --parse-ahead`: parsing on a second thread, same outputs (README Performance).
PARSE_AHEAD = ("--parse-ahead",)
# `sipsim run --parse-every-hop`: no message hand-off, every receiver parses; same outputs.
EVERY_HOP = ("--parse-every-hop",)


def sipsim_run(ctx, scenario, sets, out, run_number=None, flags=()):
    argv = [ctx.sipsim, "run", ctx.path(scenario), *set_args(sets), "--out", out, "--quiet",
            *flags]
    if run_number is not None:
        argv += ["--run", str(run_number)]
    return run(argv)


def baseline_argv(ctx, messages_csv, sets):
    """The bare ns-3 replay of a seed run's transmissions, with that run's overrides."""
    return [ctx.baseline, ctx.path(SEED), messages_csv, *set_args(sets)]


def read_summary(out):
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def call_count(summary):
    calls = summary.get("calls", {})
    return calls.get("attempted", calls.get("total", 0))


# ---- 1. Overhead over bare ns-3 ---------------------------------------------------------

def overhead(ctx):
    """sipsim run vs ns3_baseline replaying its messages.csv, alternated, medians.

    The baseline's CSV loading (which sipsim does not do) is left out of its times; sipsim
    keeps its output writing in. Wall time is the brief's measure; CPU time (user + system)
    is reported next to it because on a loaded machine wall time also counts waiting.
    """
    calls = ctx.size(20000, 100)
    rate = 20
    repeats = ctx.repeats or ctx.size(5, 1)
    variants = [("seed", poisson(calls, rate), ()),
                ("seed-loss1%", poisson(calls, rate, 0.01), ()),
                ("seed parse-every-hop", poisson(calls, rate), EVERY_HOP),
                ("seed parse-ahead", poisson(calls, rate), PARSE_AHEAD)]
    results = []
    for name, sets, flags in variants:
        slug = name.replace(" ", "-")
        out = fresh_dir(os.path.join(ctx.out_dir, "overhead", slug))
        # Warm-up; its messages.csv drives the baseline.
        sipsim_run(ctx, SEED, sets, out, flags=flags)
        keep = os.path.join(ctx.out_dir, "overhead", slug + ".messages.csv")
        shutil.copyfile(os.path.join(out, "messages.csv"), keep)
        runs = []
        info = None
        for _ in range(repeats):
            # Alternate the two programs so that load drifts hit both alike.
            s = sipsim_run(ctx, SEED, sets, out, flags=flags)
            b = run(baseline_argv(ctx, keep, sets))
            info = json.loads(b.stdout.strip().splitlines()[-1])
            runs.append({"sipsim_wall": s.wall_s, "sipsim_cpu": s.cpu_s,
                         "base_wall": b.wall_s - info["load_s"],
                         "base_cpu": b.cpu_s - info["load_cpu_s"], "load": s.load})
        med = {k: median([r[k] for r in runs]) for k in runs[0] if k != "load"}
        results.append({
            "variant": name, "calls": calls, "rate": rate, "repeats": repeats,
            "messages": info["rows"] + info["skipped_rows"], "runs": runs,
            "sipsim_wall_s": med["sipsim_wall"], "baseline_wall_s": med["base_wall"],
            "sipsim_cpu_s": med["sipsim_cpu"], "baseline_cpu_s": med["base_cpu"],
            "wall_ratio": med["sipsim_wall"] / med["base_wall"],
            "cpu_ratio": med["sipsim_cpu"] / med["base_cpu"],
            "median_pair_wall_ratio": median([r["sipsim_wall"] / r["base_wall"] for r in runs]),
            "baseline_delivered": info["delivered"], "csv_delivered": info["csv_delivered"],
            "load": load_average(),
        })
    print_table(
        f"1. Overhead: sipsim run / bare ns-3 replay of its messages.csv ({repeats} alternated "
        "pairs, medians; target wall ratio <= 1.5)",
        ["variant", "calls", "msgs", "sipsim wall", "ns-3 wall", "wall ratio", "sipsim cpu",
         "ns-3 cpu", "cpu ratio", "delivered ns-3/csv", "load"],
        [[r["variant"], r["calls"], r["messages"], f"{r['sipsim_wall_s']:.2f}",
          f"{r['baseline_wall_s']:.2f}", f"{r['wall_ratio']:.2f}", f"{r['sipsim_cpu_s']:.2f}",
          f"{r['baseline_cpu_s']:.2f}", f"{r['cpu_ratio']:.2f}",
          f"{r['baseline_delivered']}/{r['csv_delivered']}", r["load"]] for r in results],
        ctx.out)
    return results


# ---- 2. Parser ---------------------------------------------------------------------------

def parser(ctx):
    argv = [ctx.parser_bench, "--benchmark_format=json"]
    if ctx.quick:
        argv += ["--benchmark_min_time=0.01"]
    else:
        argv += ["--benchmark_min_time=0.5", "--benchmark_repetitions=7",
                 "--benchmark_enable_random_interleaving=true",
                 "--benchmark_report_aggregates_only=true"]
    m = run(argv)
    text = m.stdout
    data = json.loads(text[text.index("{"):])
    rates = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        name = b["run_name"] if "run_name" in b else b["name"]
        rates[name] = (b["items_per_second"], b["bytes_per_second"])
    rows, results = [], []
    for op in ("ParseSerialize", "Parse"):
        ours = rates.get(f"BM_{op}_Sipsim")
        osip = rates.get(f"BM_{op}_Osip2")
        sofia = rates.get(f"BM_{op}_Sofia")
        if not (ours and osip and sofia):
            raise BenchError(f"parser_bench: missing {op} results")
        r = {"op": op, "sipsim_msgs_s": ours[0], "sipsim_mb_s": ours[1] / 1e6,
             "osip2_msgs_s": osip[0], "osip2_mb_s": osip[1] / 1e6,
             "sofia_msgs_s": sofia[0], "sofia_mb_s": sofia[1] / 1e6,
             "vs_osip2": ours[0] / osip[0], "vs_sofia": ours[0] / sofia[0]}
        results.append(r)
        rows.append([op, f"{r['sipsim_msgs_s']:,.0f}", f"{r['sipsim_mb_s']:.1f}",
                     f"{r['osip2_msgs_s']:,.0f}", f"{r['osip2_mb_s']:.1f}",
                     f"{r['sofia_msgs_s']:,.0f}", f"{r['sofia_mb_s']:.1f}",
                     f"{r['vs_osip2']:.2f}x", f"{r['vs_sofia']:.2f}x"])
    print_table("2. Parser (median of 7 interleaved repetitions; targets, parse + serialize: "
                ">= 2x osip2, >= 1x sofia)" if not ctx.quick else "2. Parser (smoke)",
                ["op", "sipsim msg/s", "MB/s", "osip2 msg/s", "MB/s", "sofia msg/s", "MB/s",
                 "vs osip2", "vs sofia"], rows, ctx.out)
    return {"results": results, "load": load_average()}


# ---- 3. Scale ----------------------------------------------------------------------------

def scale_point(ctx, calls, rate, loss, scenario=SEED, extra=(), flags=()):
    """One run; keeps nothing but the summary (messages.csv of 1M calls is ~2.5 GB).
    rate None keeps the scenario's own arrivals."""
    out = fresh_dir(os.path.join(ctx.out_dir, "scale", f"{os.path.basename(scenario)}-{calls}"))
    if rate is None:
        sets = [f"workload.calls={calls}", *extra]
    else:
        sets = poisson(calls, rate, loss, extra)
    m = sipsim_run(ctx, scenario, sets, out, flags=flags)
    summary = read_summary(out)
    csv_bytes = os.path.getsize(os.path.join(out, "messages.csv"))
    shutil.rmtree(out, ignore_errors=True)
    return {"calls": calls, "rate": rate, "wall_s": m.wall_s, "cpu_s": m.cpu_s,
            "rss_kib": m.rss_kib,
            "calls_per_s": calls / m.wall_s, "messages": summary["messages"]["sent"],
            "completed": summary["calls"].get("completed"), "csv_bytes": csv_bytes,
            "load": m.load}


def scale(ctx):
    # The two largest sizes under --max-calls: normally 100k and 1M.
    sizes = ctx.capped(ctx.size((10000, 100000, 1000000), (100, 200, 1000)))
    if len(sizes) < 2:
        raise BenchError("scale: --max-calls leaves fewer than two sizes")
    small, large = sizes[-2:]
    rate = 50
    modes = {}
    for mode, flags in (("one thread", ()), ("parse-ahead", PARSE_AHEAD)):
        points = [scale_point(ctx, small, rate, 0.01, flags=flags),
                  scale_point(ctx, large, rate, 0.01, flags=flags)]
        modes[mode] = {"points": points, "rss_ratio": points[1]["rss_kib"] / points[0]["rss_kib"]}
    print_table(f"3. Scale: seed topology, auth, 1% loss, Poisson {rate} calls/s "
                "(targets: RSS ratio <= 1.1, 1M < 600 s)",
                ["mode", "calls", "messages", "wall s", "cpu s", "calls/wall-s", "peak RSS",
                 "CSV", "load"],
                [[mode, p["calls"], p["messages"], f"{p['wall_s']:.1f}", f"{p['cpu_s']:.1f}",
                  f"{p['calls_per_s']:,.0f}",
                  human_kib(p["rss_kib"]), f"{p['csv_bytes'] / 1e6:.0f} MB",
                  "/".join(map(str, p["load"]))]
                 for mode, m in modes.items() for p in m["points"]], ctx.out)
    for mode, m in modes.items():
        ctx.out.write(f"  {mode}: RSS({large}) / RSS({small}) = {m['rss_ratio']:.3f}\n")
    # "points" and "rss_ratio" stay those of the one-thread runs (growth reuses them).
    return {**modes["one thread"], "parse_ahead": modes["parse-ahead"]}


# ---- 4. Sweep scaling --------------------------------------------------------------------

def sweep_once(ctx, jobs, runs, sets, base):
    """`runs` independent sipsim runs (--run 1..runs) with GNU parallel -jN."""
    fresh_dir(base)
    argv = [ctx.sipsim, "run", ctx.path(SEED), *set_args(sets), "--quiet"]
    if shutil.which("parallel"):
        cmd = ["parallel", "--will-cite", "--halt", "now,fail=1", f"-j{jobs}",
               *argv, "--run", "{}", "--out", os.path.join(base, "{}"), ":::",
               *[str(i) for i in range(1, runs + 1)]]
        return run(cmd).wall_s
    raise BenchError("GNU parallel is not installed (scripts/setup.sh installs it)")


def sweep(ctx):
    runs = ctx.size(8, 2)
    sets = poisson(ctx.size(4000, 30), 20)
    repeats = ctx.repeats or ctx.size(3, 1)
    base = os.path.join(ctx.out_dir, "sweep")
    j1, j2 = [], []
    for _ in range(repeats):
        j1.append(sweep_once(ctx, 1, runs, sets, base))
        j2.append(sweep_once(ctx, 2, runs, sets, base))
    shutil.rmtree(base, ignore_errors=True)
    speedup = median(j1) / median(j2)
    load = load_average()
    print_table(f"4. Sweep scaling: {runs} runs x {sets[0].split('=')[1]} calls, GNU parallel "
                "(target >= 1.8x; needs 2 idle cores)",
                ["jobs", "wall s (median)", "speed-up", "load"],
                [["-j1", f"{median(j1):.2f}", "1.00", load],
                 ["-j2", f"{median(j2):.2f}", f"{speedup:.2f}", load]], ctx.out)
    return {"runs": runs, "j1_s": j1, "j2_s": j2, "speedup": speedup, "load": load,
            "cpus": os.cpu_count()}


# ---- 5. Cost growth ----------------------------------------------------------------------

def growth(ctx, scale_result):
    """Wall and RSS against total calls, proxies in the chain, offered rate and UAs."""
    by_calls = []
    known = {p["calls"]: p for p in (scale_result or {}).get("points", [])}
    for calls in ctx.capped(ctx.size((10000, 100000, 1000000), (100, 200, 1000))):
        by_calls.append(known.get(calls) or scale_point(ctx, calls, 50, 0.01))
    by_proxies = []
    for proxies in (1, 2, 4, 8):
        p = scale_point(ctx, ctx.size(10000, 30), 20, None, CHAIN,
                        [f"topology.proxies={proxies}"])
        p["proxies"] = proxies
        by_proxies.append(p)
    by_rate = []
    for rate in ctx.size((5, 50, 500, 2000), (5, 500)):
        p = scale_point(ctx, ctx.size(20000, 50), rate, None)
        by_rate.append(p)
    # Topology size: the same calls among ever more UAs (routes, tables and ns-3 stacks per
    # node; the cost should grow linearly).
    by_uas = []
    for uas in ctx.size((250, 500, 1000, 2000, 4000, 8000, 16000), (20, 100)):
        p = scale_point(ctx, ctx.size(500, 20), None, None, STAR, [f"topology.uas={uas}"])
        p["uas"] = uas
        by_uas.append(p)
    for title, key, points in (("calls", "calls", by_calls), ("proxies", "proxies", by_proxies),
                               ("rate calls/s", "rate", by_rate), ("UAs in a star", "uas", by_uas)):
        print_table(f"5. Growth by {title}", [title, "messages", "wall s", "cpu s",
                                              "cpu us/message", "peak RSS"],
                    [[p[key], p["messages"], f"{p['wall_s']:.2f}", f"{p['cpu_s']:.2f}",
                      f"{1e6 * p['cpu_s'] / max(1, p['messages']):.2f}",
                      human_kib(p["rss_kib"])] for p in points], ctx.out)
    return {"calls": by_calls, "proxies": by_proxies, "rate": by_rate, "uas": by_uas}


# ---- 7. Profile --------------------------------------------------------------------------

def callgrind(argv, prof):
    """Runs argv under callgrind; returns (whole-program, Simulator::Run) instructions."""
    m = run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={prof}", *argv])
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", prof], capture_output=True,
                         text=True).stdout
    total = simulation = 0
    for line in ann.splitlines():
        if "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
        elif ":ns3::Simulator::Run() [" in line and simulation == 0:
            simulation = int(line.split()[0].replace(",", ""))
    with open(prof + ".annotate.txt", "w") as f:
        f.write(ann)
    if total == 0 or simulation == 0:
        raise BenchError(f"callgrind: no ns3::Simulator::Run() in the profile of "
                         f"{os.path.basename(argv[0])} ({prof}.annotate.txt)")
    return m, total, simulation


def profile(ctx):
    """callgrind of a 2k-call seed run: instructions per call and the top functions, and the
    instructions of its simulation (Simulator::Run) against the bare ns-3 replay's of the same
    transmissions: the overhead ratio in a unit the host's speed does not change."""
    if not shutil.which("valgrind"):
        raise BenchError("valgrind is not installed")
    calls = ctx.size(2000, 10)
    out = fresh_dir(os.path.join(ctx.out_dir, "profile"))
    sets = poisson(calls, 20)
    plain = sipsim_run(ctx, SEED, sets, os.path.join(out, "plain"))
    run_dir = os.path.join(out, "run")
    m, total, sim = callgrind([ctx.sipsim, "run", ctx.path(SEED), *set_args(sets), "--out",
                               run_dir, "--quiet"], os.path.join(out, "callgrind.out"))
    _, _, base_sim = callgrind(baseline_argv(ctx, os.path.join(run_dir, "messages.csv"), sets),
                               os.path.join(out, "callgrind-baseline.out"))
    ratio = sim / base_sim  # callgrind() refuses a profile without a simulation
    result = {"calls": calls, "instructions": total, "instructions_per_call": total / calls,
              "simulation_instructions": sim, "baseline_simulation_instructions": base_sim,
              "instruction_ratio": ratio,
              "wall_s": plain.wall_s, "wall_us_per_call": 1e6 * plain.wall_s / calls,
              "callgrind_wall_s": m.wall_s,
              "annotate": os.path.join(out, "callgrind.out.annotate.txt")}
    print_table(f"7. Profile: callgrind, {calls}-call seed run (simulation = Simulator::Run)",
                ["calls", "instructions", "instr/call", "simulation", "ns-3 replay",
                 "instr ratio", "wall us/call", "load"],
                [[calls, f"{total:,}", f"{total / calls:,.0f}", f"{sim:,}", f"{base_sim:,}",
                  f"{ratio:.2f}", f"{result['wall_us_per_call']:.0f}", load_average()]],
                ctx.out)
    return result
