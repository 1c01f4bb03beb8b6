"""Tables from run folders: results.csv (one row per finished run) and aggregate.csv (one
row per grid point: mean, Student-t 95% half-width and n of every metric across
replications, plus pooled per-call percentiles of the delays)."""

from __future__ import annotations

import json
import math
import os

import pandas as pd

from . import stats
from .sweepfile import Sweep, label

# Per-call delay columns of calls.csv pooled over a point's replications for p50/p95.
POOLED_DELAYS = ("setup_delay_s", "srd_s")


def flatten(tree: dict, prefix: str = "") -> dict:
    """{"calls": {"failed": 2}} -> {"calls.failed": 2}; lists and strings are skipped,
    booleans become 0/1."""
    out = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, path))
        elif isinstance(value, bool):
            out[path] = int(value)
        elif isinstance(value, (int, float)) or value is None:
            out[path] = math.nan if value is None else value
    return out


# Goodput is measured while calls keep arriving, after this fraction of the arrival period.
GOODPUT_WARMUP = 0.1


def windowed_goodput(calls: pd.DataFrame):
    """Successful calls per second under load: calls that complete and whose 2xx reaches
    the caller inside the arrival period (after a warm-up), over the window's length.
    Counting by arrival instead would credit an overloaded proxy with calls it only
    finishes long after the load stopped. None without the calls.csv columns."""
    if not {"invite_s", "ok_s", "outcome"} <= set(calls.columns) or len(calls) < 2:
        return None
    start = pd.to_numeric(calls["invite_s"], errors="coerce")
    t0, t1 = start.min(), start.max()
    if not t1 > t0:
        return None
    w0 = t0 + GOODPUT_WARMUP * (t1 - t0)
    ok = pd.to_numeric(calls["ok_s"], errors="coerce")
    good = (calls["outcome"] == "completed") & (ok >= w0) & (ok <= t1)
    return float(good.sum()) / (t1 - w0), (len(calls) - 1) / (t1 - t0)


def run_metrics(summary: dict, call_rows: pd.DataFrame | None = None) -> dict:
    """The metrics of one run: summary.json flattened (without the echoed scenario) plus
    ratios that make runs of different sizes comparable; `call_rows` is its calls.csv."""
    metrics = flatten({k: v for k, v in summary.items() if k != "scenario"})
    calls = summary.get("calls", {})
    attempted = calls.get("attempted") or 0
    if attempted:
        metrics["calls.failed_ratio"] = (calls.get("failed") or 0) / attempted
        metrics["calls.established_ratio"] = (calls.get("established") or 0) / attempted
        metrics["retransmissions.per_call"] = (
            summary.get("retransmissions", {}).get("total", 0) / attempted)
        messages = summary.get("messages", {})
        if "sent" in messages:
            metrics["messages.per_call"] = messages["sent"] / attempted
    workload = summary.get("scenario", {}).get("workload", {})
    rate = workload.get("rate")
    if attempted:
        metrics["calls.completed_ratio"] = (calls.get("completed") or 0) / attempted
    if attempted and isinstance(rate, (int, float)) and workload.get("arrivals") in (
            "poisson", "constant"):
        # Offered load and goodput: successful (set up and torn down) calls per second of
        # arrivals.
        metrics["offered_load_cps"] = float(rate)
        measured = windowed_goodput(call_rows) if call_rows is not None else None
        if measured is not None:
            metrics["goodput_cps"], metrics["arrival_rate_cps"] = measured
        else:
            metrics["goodput_cps"] = float(rate) * metrics["calls.completed_ratio"]
    return metrics


def _param_value(value):
    if isinstance(value, (bool, list, tuple, dict)):
        return label(value)
    return value


def scan(sweep: Sweep) -> tuple:
    """(finished, failed, missing) job lists for the sweep's plan."""
    finished, failed, missing = [], [], []
    for job in sweep.jobs():
        if os.path.isfile(os.path.join(job.dir, "summary.json")):
            finished.append(job)
        elif os.path.isfile(os.path.join(job.dir, "failed.json")):
            failed.append(job)
        else:
            missing.append(job)
    return finished, failed, missing


def failure_record(job) -> dict:
    try:
        with open(os.path.join(job.dir, "failed.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"job": job.key, "command": "?", "exit_code": None, "stderr": ""}


def results_frame(sweep: Sweep, jobs: list) -> pd.DataFrame:
    rows = []
    for job in jobs:
        with open(os.path.join(job.dir, "summary.json")) as f:
            summary = json.load(f)
        row = {"point": job.point.id}
        row.update({k: _param_value(v) for k, v in job.point.params.items()})
        row["run"] = job.run
        calls_path = os.path.join(job.dir, "calls.csv")
        calls = pd.read_csv(calls_path) if os.path.isfile(calls_path) else None
        row.update(run_metrics(summary, calls))
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["point", *sweep.parameters, "run"])
    return frame


def _pooled_calls(jobs: list) -> dict:
    values = {c: [] for c in POOLED_DELAYS}
    for job in jobs:
        path = os.path.join(job.dir, "calls.csv")
        if not os.path.isfile(path):
            continue
        calls = pd.read_csv(path)
        for column in POOLED_DELAYS:
            if column in calls:
                values[column].extend(pd.to_numeric(calls[column], errors="coerce").dropna())
    return values


def aggregate_frame(sweep: Sweep, results: pd.DataFrame, finished: list, failed: list,
                    models: dict | None = None) -> pd.DataFrame:
    params = list(sweep.parameters)
    metric_columns = [c for c in results.columns if c not in ("point", "run", *params)]
    by_point = {p.id: [] for p in sweep.points}
    for job in finished:
        by_point[job.point.id].append(job)
    failed_count = {}
    for job in failed:
        failed_count[job.point.id] = failed_count.get(job.point.id, 0) + 1
    rows = []
    for point in sweep.points:
        row = {"point": point.id}
        row.update({k: _param_value(v) for k, v in point.params.items()})
        sub = results[results["point"] == point.id] if not results.empty else results
        row["runs"] = len(sub)
        row["failed_runs"] = failed_count.get(point.id, 0)
        for column in metric_columns:
            values = pd.to_numeric(sub[column], errors="coerce") if len(sub) else []
            iv = stats.t_interval(values)
            row[f"{column}.mean"] = iv.mean
            row[f"{column}.ci95"] = iv.half_width
            row[f"{column}.n"] = iv.n
        pooled = _pooled_calls(by_point[point.id])
        for column, values in pooled.items():
            row[f"{column}.pooled_p50"] = stats.percentile(values, 50) if values else math.nan
            row[f"{column}.pooled_p95"] = stats.percentile(values, 95) if values else math.nan
            row[f"{column}.pooled_n"] = len(values)
        if models and point.id in models:
            row.update({f"model.{k}": v for k, v in flatten(models[point.id]).items()})
        rows.append(row)
    return pd.DataFrame(rows)


def write_tables(sweep: Sweep, models: dict | None = None) -> dict:
    """Writes results.csv, aggregate.csv and failures.csv into the sweep's output folder."""
    finished, failed, missing = scan(sweep)
    results = results_frame(sweep, finished)
    aggregate = aggregate_frame(sweep, results, finished, failed, models)
    os.makedirs(sweep.output, exist_ok=True)
    results.to_csv(os.path.join(sweep.output, "results.csv"), index=False)
    aggregate.to_csv(os.path.join(sweep.output, "aggregate.csv"), index=False)
    failures = pd.DataFrame(
        [{"point": j.point.id, "run": j.run, **{k: failure_record(j).get(k)
                                                 for k in ("exit_code", "command", "stderr")}}
         for j in failed], columns=["point", "run", "exit_code", "command", "stderr"])
    failures.to_csv(os.path.join(sweep.output, "failures.csv"), index=False)
    return {"finished": len(finished), "failed": len(failed), "missing": len(missing),
            "results": results, "aggregate": aggregate}

