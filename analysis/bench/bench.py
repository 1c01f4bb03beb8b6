#!/usr/bin/python3
"""sipsim performance benchmarks: `scripts/bench.sh [--quick]` runs this after building.

Sections (--only picks some): overhead (sipsim run vs bare ns-3), parser (vs libosip2 and
sofia-sip), scale (100k and 1M calls: wall, calls per wall second, peak RSS), sweep (GNU
parallel -j1 vs -j2), growth (wall and RSS vs calls, proxies, rate; PNG), profile
(callgrind of a 2k-call run). Prints one table per section and a final summary with the
targets; writes OUT/results.json and OUT/growth.png.

--quick runs every section at toy sizes (seconds) to prove that it still works.
"""

import argparse
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sections  # noqa: E402
from measure import BenchError, load_average, print_table  # noqa: E402

ALL = ["overhead", "parser", "scale", "sweep", "growth", "profile"]


def summary_rows(results, quick):
    rows = []

    def add(what, value, target, ok):
        """ok None: the run did not measure what the target is about; target "-": none."""
        if quick or target == "-":
            status = ""
        else:
            status = "not run" if ok is None else ("ok" if ok else "MISSED")
        rows.append([what, value, target, status])

    for r in results.get("overhead", []):
        add(f"overhead {r['variant']} wall", f"{r['wall_ratio']:.2f}", "<= 1.5 (aim 1.3)",
            r["wall_ratio"] <= 1.5)
        add(f"overhead {r['variant']} cpu", f"{r['cpu_ratio']:.2f}", "(same work, CPU)",
            r["cpu_ratio"] <= 1.5)
    if "parser" in results:
        for r in results["parser"]["results"]:
            # The targets are for parse + serialize; parse alone is reported for context.
            targeted = r["op"] == "ParseSerialize"
            add(f"parser {r['op']} vs osip2", f"{r['vs_osip2']:.2f}x",
                ">= 2x" if targeted else "-", r["vs_osip2"] >= 2 or not targeted)
            add(f"parser {r['op']} vs sofia", f"{r['vs_sofia']:.2f}x",
                ">= 1x" if targeted else "-", r["vs_sofia"] >= 1 or not targeted)
    if "scale" in results:
        for mode, s in (("", results["scale"]),
                        (" parse-ahead", results["scale"].get("parse_ahead"))):
            if s is None:
                continue
            small, big = s["points"][-2:]
            # The targets are about 1M calls (and 1M against 100k); under --max-calls the
            # largest run is smaller and only reported.
            full = big["calls"] >= 1000000
            add(f"scale{mode} {big['calls']} calls wall", f"{big['wall_s']:.0f} s",
                "< 600 s at 1M", big["wall_s"] < 600 if full else None)
            add(f"scale{mode} calls / wall-s", f"{big['calls_per_s']:,.0f}", "-", True)
            add(f"scale{mode} RSS({big['calls']}) / RSS({small['calls']})",
                f"{s['rss_ratio']:.3f}", "<= 1.1 at 1M / 100k",
                s["rss_ratio"] <= 1.1 if full else None)
    if "sweep" in results:
        add("sweep -j2 speed-up", f"{results['sweep']['speedup']:.2f}x", ">= 1.8x",
            results["sweep"]["speedup"] >= 1.8)
    if "profile" in results:
        p = results["profile"]
        add("profile instr/call", f"{p['instructions_per_call']:,.0f}", "-", True)
        add("profile simulation instr / ns-3 replay", f"{p['instruction_ratio']:.2f}", "-", True)
    return rows


def built_allocator(build_dir):
    """SIPSIM_ALLOCATOR of the build, as CMake cached it ("unknown" without a cache)."""
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as cache:
            for line in cache:
                if line.startswith("SIPSIM_ALLOCATOR:"):
                    return line.strip().split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--out", default=None, help="results directory (default out/bench)")
    parser.add_argument("--quick", action="store_true", help="toy sizes: a smoke test")
    parser.add_argument("--only", default=None,
                        help="comma-separated sections: " + ",".join(ALL) +
                        " (default: all)")
    parser.add_argument("--max-calls", type=int, default=None,
                        help="skip scale/growth runs with more total calls than this")
    parser.add_argument("--repeats", type=int, default=None,
                        help="alternated repetitions for overhead and sweep (default 5 and 3)")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out_dir = os.path.abspath(args.out or os.path.join(root, "out", "bench-quick" if args.quick
                                                       else "bench"))
    os.makedirs(out_dir, exist_ok=True)
    wanted = args.only.split(",") if args.only else ALL
    unknown = set(wanted) - set(ALL)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    ctx = sections.Context(root, os.path.abspath(args.build_dir), out_dir, args.quick, sys.stdout)
    ctx.max_calls = args.max_calls
    ctx.repeats = args.repeats
    allocator = built_allocator(ctx.build_dir)
    large_pages = os.environ.get("MIMALLOC_LARGE_OS_PAGES", "0")
    print(f"sipsim bench ({'quick' if args.quick else 'full'}): {platform.node()}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}, allocator {allocator}"
          + (f" (MIMALLOC_LARGE_OS_PAGES={large_pages})" if allocator == "mimalloc" else "")
          + f"; results in {out_dir}")

    results = {"quick": args.quick, "cpus": os.cpu_count(), "started": time.time(),
               "load_start": load_average(), "allocator": allocator,
               "mimalloc_large_os_pages": large_pages}
    started = time.perf_counter()
    try:
        for name in ALL:
            if name not in wanted:
                continue
            if name == "growth":
                results[name] = sections.growth(ctx, results.get("scale"))
                from plot import plot_growth
                png = os.path.join(out_dir, "growth.png")
                plot_growth(results[name], png)
                print(f"  plot: {png}")
            else:
                results[name] = getattr(sections, name)(ctx)
    except BenchError as e:
        print(f"bench: FAILED: {e}", file=sys.stderr)
        return 1
    results["load_end"] = load_average()
    results["elapsed_s"] = time.perf_counter() - started
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print_table(f"Summary ({results['elapsed_s']:.0f} s, load {results['load_start']} -> "
                f"{results['load_end']} on {results['cpus']} CPUs)",
                ["measure", "value", "target", ""], summary_rows(results, args.quick), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
