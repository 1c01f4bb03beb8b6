"""Command line: python3 -m analysis.sipsim_sweep {run,collect,status,plot} ..."""

from __future__ import annotations

import argparse
import os
import sys

from . import engines
from .sweepfile import SweepError, load_sweep


def _sweep_args(p):
    p.add_argument("sweep", help="sweep file (TOML)")
    p.add_argument("--out", help="output folder (default: the sweep file's [sweep] output)")
    p.add_argument("--sipsim", help="sipsim binary (default: $SIPSIM or build/sipsim)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="sweep", description="Parameter sweeps over `sipsim run`: run, collect, plot.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run the unfinished runs of a sweep, then write the tables")
    _sweep_args(p)
    p.add_argument("--engine", choices=engines.ENGINES, default="local")
    p.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                   help="parallel runs (local/ssh: per host; slurm: array throttle, 0 = none)")
    p.add_argument("--sshloginfile", help="ssh engine: GNU parallel sshlogin file (2/host lines)")
    p.add_argument("--ssh", help="ssh engine: command used instead of ssh (GNU parallel --ssh)")
    p.add_argument("--sbatch-arg", action="append", default=[],
                   help="slurm engine: extra sbatch argument (repeatable), e.g. --partition=x")
    p.add_argument("--python", default=sys.executable,
                   help="python3 on the workers (default: this one)")
    p.add_argument("--no-model", action="store_true", help="skip model columns")
    p.add_argument("--dry-run", action="store_true", help="print the engine command only")

    p = sub.add_parser("collect", help="(re)write results.csv and aggregate.csv")
    _sweep_args(p)
    p.add_argument("--no-model", action="store_true", help="skip model columns")

    p = sub.add_parser("status", help="count finished, failed and missing runs")
    _sweep_args(p)

    p = sub.add_parser("plot", help="figures (see `plot --help`)", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)
    if args.command == "plot":
        from . import plots

        return plots.main(args.rest)
    try:
        sweep = load_sweep(args.sweep, output=args.out, sipsim=args.sipsim)
    except SweepError as e:
        print(f"sweep: error: {e}", file=sys.stderr)
        return 2
    if args.command == "run":
        from . import driver

        try:
            return driver.run(sweep, args.engine, args.jobs, sshloginfile=args.sshloginfile,
                              ssh=args.ssh, sbatch_args=args.sbatch_arg, python=args.python,
                              dry_run=args.dry_run, model=False if args.no_model else None)
        except engines.EngineError as e:
            print(f"sweep: error: {e}", file=sys.stderr)
            return 2
    if args.command == "collect":
        from . import collect, driver

        models = driver.run_models(sweep) if sweep.model and not args.no_model else None
        summary = collect.write_tables(sweep, models)
        driver.report_failures(collect.scan(sweep)[1])
        print(f"{summary['finished']} finished, {summary['failed']} failed, "
              f"{summary['missing']} missing -> {sweep.output}")
        return 0
    if args.command == "status":
        from .collect import scan

        finished, failed, missing = scan(sweep)
        print(f"{sweep.name}: {len(sweep.points)} points x {len(sweep.runs)} runs: "
              f"{len(finished)} finished, {len(failed)} failed, {len(missing)} missing")
        for job in failed:
            print(f"  failed: {job.key}")
        return 0 if not failed and not missing else 1
    return 2
