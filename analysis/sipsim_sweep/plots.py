"""Figures from sweep folders and run folders (matplotlib, headless; PNG and SVG).

    sweep plot cdf     DIR... [--label L]... [--model] -o out/figs/setup-cdf
    sweep plot loss    SWEEP_DIR [--x impairments.loss] -o out/figs/loss
    sweep plot auth    SWEEP_DIR [--x topology.proxies] [--group auth.credential_reuse] -o ...
    sweep plot goodput SWEEP_DIR [--x workload.rate] -o out/figs/goodput
    sweep plot ladder  RUN_DIR [--call N] -o out/figs/ladder

Each command writes OUT.png and OUT.svg. Error bars are Student-t 95% intervals across
replications; dashed lines are the analytic model (model.* columns of aggregate.csv, i.e.
a sweep with `model = true`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys

import matplotlib

matplotlib.use(os.environ.get("MPLBACKEND") or "Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from . import stats  # noqa: E402


def save(fig, out: str) -> list:
    base = re.sub(r"\.(png|svg)$", "", out)
    os.makedirs(os.path.dirname(os.path.abspath(base)), exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        path = f"{base}.{ext}"
        fig.savefig(path, dpi=150, bbox_inches="tight")
        paths.append(path)
    plt.close(fig)
    return paths


def _read_sweep(folder: str) -> tuple:
    results = pd.read_csv(os.path.join(folder, "results.csv"))
    aggregate = pd.read_csv(os.path.join(folder, "aggregate.csv"))
    return results, aggregate


def _param_columns(aggregate: pd.DataFrame) -> list:
    """Parameter columns sit between "point" and "runs" in aggregate.csv."""
    cols = list(aggregate.columns)
    return cols[cols.index("point") + 1: cols.index("runs")]


def _pick_x(aggregate: pd.DataFrame, wanted: str | None, hints: tuple) -> str:
    params = _param_columns(aggregate)
    if wanted:
        if wanted not in params:
            raise SystemExit(f"plot: --x {wanted}: not a parameter of this sweep ({params})")
        return wanted
    for h in hints:
        if h in params:
            return h
    varying = [p for p in params if aggregate[p].nunique() > 1]
    if not varying:
        raise SystemExit("plot: the sweep has no varying parameter; give --x")
    return varying[0]


def _first_column(frame: pd.DataFrame, candidates: tuple) -> str | None:
    for c in candidates:
        if c in frame.columns:
            return c
    return None


def _interval_by(results: pd.DataFrame, keys: list, values: pd.Series) -> pd.DataFrame:
    """Mean and t half-width of per-run `values` for each combination of `keys`."""
    frame = results[keys].copy()
    frame["_v"] = pd.to_numeric(values, errors="coerce")
    rows = []
    grouper = keys[0] if len(keys) == 1 else keys
    for key, group in frame.groupby(grouper, sort=True):
        iv = stats.t_interval(group["_v"])
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), "mean": iv.mean, "ci95": iv.half_width, "n": iv.n})
    return pd.DataFrame(rows)


def _errorbar(ax, x, frame, label, **kw):
    yerr = frame["ci95"].fillna(0.0).to_numpy()
    return ax.errorbar(x, frame["mean"], yerr=yerr, capsize=3, marker="o", ms=4, label=label, **kw)


# ---- set-up delay CDF -------------------------------------------------------------------


def _runs_under(folder: str) -> list:
    """Run folders (with calls.csv) below `folder`, which may itself be one."""
    if os.path.isfile(os.path.join(folder, "calls.csv")):
        return [folder]
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and ".partial-" not in d)
        if "calls.csv" in files and "summary.json" in files:
            found.append(root)
    return found


def _curves(folder: str) -> list:
    """(label, delays, model.json or None) per grid point (or for the one run)."""
    runs = _runs_under(folder)
    groups = {}
    for run in runs:
        point = os.path.dirname(run) if os.path.basename(run).startswith("run-") else run
        groups.setdefault(point, []).append(run)
    curves = []
    for point, members in sorted(groups.items()):
        delays = []
        for run in members:
            calls = pd.read_csv(os.path.join(run, "calls.csv"))
            if "setup_delay_s" in calls:
                delays.extend(pd.to_numeric(calls["setup_delay_s"], errors="coerce").dropna())
        model = os.path.join(point, "model.json")
        label = os.path.basename(point.rstrip("/")) or point
        curves.append((label, delays, model if os.path.isfile(model) else None))
    return curves


def plot_cdf(args) -> list:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    labels = list(args.label or [])
    count = 0
    right = 0.0  # the model's CDF has a long, nearly massless tail: zoom on the data
    for folder in args.dirs:
        for i, (label, delays, model) in enumerate(_curves(folder)):
            if labels:
                label = labels.pop(0)
            elif len(args.dirs) > 1:
                label = f"{os.path.basename(os.path.normpath(folder))}: {label}"
            if not delays:
                continue
            x, f = stats.ecdf(delays)
            right = max(right, stats.percentile(delays, 99.5))
            line, = ax.step(x, f, where="post", label=f"{label} (n={len(delays)})")
            count += 1
            if args.model and model:
                with open(model) as fh:
                    cdf = json.load(fh).get("setup_delay_s", {}).get("cdf") or []
                if cdf:
                    t, F = zip(*cdf)
                    ax.step(t, F, where="post", ls="--", color=line.get_color(), alpha=0.8,
                            label=f"{label} (model)")
    if count == 0:
        raise SystemExit("plot cdf: no calls.csv with set-up delays under " + " ".join(args.dirs))
    if args.log:
        ax.set_xscale("log")
    elif args.xmax or right > 0:
        ax.set_xlim(0, args.xmax or right * 1.2)
    ax.set_xlabel("call set-up delay (s)")
    ax.set_ylabel("P(delay <= x)")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower right")
    ax.set_title(args.title or "Call set-up delay CDF")
    return save(fig, args.out)


# ---- loss: retransmissions per message type, failed-call ratio --------------------------


def plot_loss(args) -> list:
    results, aggregate = _read_sweep(args.sweep_dir)
    x = _pick_x(aggregate, args.x, ("impairments.loss",))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    attempted = pd.to_numeric(results["calls.attempted"], errors="coerce").replace(0, np.nan)
    kinds = sorted(c[len("retransmissions.by_message."):] for c in results.columns
                   if c.startswith("retransmissions.by_message."))
    agg = aggregate.sort_values(x)
    for kind in kinds:
        per_call = results[f"retransmissions.by_message.{kind}"].fillna(0) / attempted
        frame = _interval_by(results, [x], per_call)
        bars = _errorbar(ax1, frame[x], frame, kind)
        model = f"model.retransmissions.{kind}"
        if model in agg:
            ax1.plot(agg[x], agg[model], ls="--", color=bars[0].get_color(), alpha=0.8)
    ax1.set_xlabel(x)
    ax1.set_ylabel("retransmissions per call")
    ax1.set_title("Retransmissions by message (dashed: model)")
    ax1.grid(alpha=0.3)
    if kinds:
        ax1.legend(fontsize=7)

    frame = _interval_by(results, [x], results["calls.failed_ratio"])
    _errorbar(ax2, frame[x], frame, "simulation (95% CI)")
    model = _first_column(agg, ("model.call_failure_probability", "model.failure_probability"))
    if model:
        ax2.plot(agg[x], agg[model], "k--", label="model")
    ax2.set_xlabel(x)
    ax2.set_ylabel("failed-call ratio")
    ax2.set_title("Failed calls")
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=8)
    return save(fig, args.out)


# ---- auth overhead ----------------------------------------------------------------------


def plot_auth(args) -> list:
    results, aggregate = _read_sweep(args.sweep_dir)
    x = _pick_x(aggregate, args.x, ("topology.proxies",))
    params = _param_columns(aggregate)
    group = args.group or ("auth.credential_reuse" if "auth.credential_reuse" in params else None)
    attempted = pd.to_numeric(results["calls.attempted"], errors="coerce").replace(0, np.nan)
    delay_col = _first_column(results, ("auth.delay_s.mean", "auth.delay_s"))
    panels = [("auth.extra_messages", "extra messages per call", attempted,
               "model.auth.extra_messages_per_call"),
              ("auth.extra_bytes", "extra bytes per call", attempted, None),
              (delay_col, "407 round delay, challenged calls (s)", None,
               "model.auth.extra_delay_s")]
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    keys = [x] + ([group] if group else [])
    for ax, (column, ylabel, divide, model_column) in zip(axes, panels):
        if column is None or column not in results:
            ax.text(0.5, 0.5, f"no {ylabel} in results", ha="center", transform=ax.transAxes)
            continue
        values = pd.to_numeric(results[column], errors="coerce")
        if divide is not None:
            values = values / divide
        frame = _interval_by(results, keys, values)
        for name, sub in (frame.groupby(group) if group else [(None, frame)]):
            label = f"{group}={name}" if group else "simulation"
            bars = _errorbar(ax, sub[x], sub, label)
            if model_column and model_column in aggregate:
                agg = aggregate if not group else aggregate[aggregate[group].astype(str) == str(name)]
                agg = agg.sort_values(x)
                ax.plot(agg[x], agg[model_column], ls="--", color=bars[0].get_color(),
                        alpha=0.8, label=f"{label} (model)")
        ax.set_xlabel(x)
        ax.set_ylabel(ylabel)
        top = ax.get_ylim()[1]
        ax.set_ylim(0, top * 1.15 if top > 0 else 1.0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Authentication overhead")
    fig.tight_layout()
    return save(fig, args.out)


# ---- goodput under overload -------------------------------------------------------------


def plot_goodput(args) -> list:
    results, aggregate = _read_sweep(args.sweep_dir)
    x = _pick_x(aggregate, args.x, ("workload.rate",))
    if "goodput_cps" not in results:
        raise SystemExit("plot goodput: results.csv has no goodput_cps (needs poisson or "
                         "constant arrivals with a rate)")
    fig, ax = plt.subplots(figsize=(7, 4.5))
    offered = pd.to_numeric(results.get("offered_load_cps", results[x]), errors="coerce")
    frame = _interval_by(results.assign(_offered=offered), ["_offered"], results["goodput_cps"])
    _errorbar(ax, frame["_offered"], frame, "goodput (95% CI)")
    top = float(np.nanmax(frame["_offered"])) if len(frame) else 1.0
    ax.plot([0, top], [0, top], color="gray", lw=0.8, ls=":", label="offered = goodput")
    if "model.capacity_cps" in aggregate and aggregate["model.capacity_cps"].notna().any():
        capacity = float(aggregate["model.capacity_cps"].dropna().iloc[0])
        ax.axhline(capacity, color="k", ls="--", lw=1, label=f"model capacity {capacity:.0f}/s")
    ax.set_xlabel("offered load (calls/s)")
    ax.set_ylabel("goodput (successful calls/s)")
    ax.set_title(args.title or "Goodput of an overloaded proxy")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, args.out)


# ---- ladder -----------------------------------------------------------------------------


def _node_order(frame: pd.DataFrame) -> list:
    order = []
    for _, row in frame.iterrows():
        for n in (row["from"], row["to"]):
            if n not in order:
                order.append(n)
    # Callers on the left, callees on the right: keep A ... B when those names are used.
    if "B" in order:
        order.remove("B")
        order.append("B")
    return order


def plot_ladder(args) -> list:
    path = args.run_dir
    if os.path.isdir(path):
        path = os.path.join(path, "messages.csv")
    messages = pd.read_csv(path)
    calls = sorted(messages["call"].dropna().unique())
    if not calls:
        raise SystemExit(f"plot ladder: {path} has no messages")
    call = args.call if args.call is not None else calls[0]
    frame = messages[messages["call"] == call].sort_values("time_s", kind="stable")
    if frame.empty:
        raise SystemExit(f"plot ladder: no messages of call {call} in {path}")
    frame = frame.head(args.max_messages)
    nodes = _node_order(frame)
    xs = {n: i for i, n in enumerate(nodes)}
    rows = len(frame)
    fig, ax = plt.subplots(figsize=(1.8 * len(nodes) + 3, 0.32 * rows + 1.5))
    for n, i in xs.items():
        ax.plot([i, i], [-0.5, rows], color="gray", lw=1)
        ax.text(i, -0.9, n, ha="center", va="bottom", fontweight="bold")
    retx = frame.get("retransmission", pd.Series(0, index=frame.index)).astype(str)
    for y, (_, m) in enumerate(frame.iterrows()):
        x0, x1 = xs[m["from"]], xs[m["to"]]
        status = str(m.get("status", "delivered"))
        is_retx = retx.loc[m.name] in ("1", "True", "true", "yes")
        color = "tab:red" if status == "dropped" else ("tab:orange" if is_retx else "tab:blue")
        if status == "dropped":
            xm = x0 + (x1 - x0) * 0.55
            ax.annotate("", xy=(xm, y + 0.35), xytext=(x0, y),
                        arrowprops=dict(arrowstyle="-", color=color, ls="--", lw=1.2))
            ax.plot(xm, y + 0.35, marker="x", color=color, ms=9, mew=2)
        else:
            ax.annotate("", xy=(x1, y + 0.6), xytext=(x0, y),
                        arrowprops=dict(arrowstyle="->", color=color, lw=1.2,
                                        ls=":" if status == "in_flight" else "-"))
        text = str(m["kind"]) + (" (retx)" if is_retx else "") + (" LOST" if status == "dropped" else "")
        ax.text((x0 + x1) / 2, y + 0.15, text, ha="center", va="bottom", fontsize=7, color=color)
        ax.text(-0.6, y + 0.3, f"{float(m['time_s']):.3f}s", ha="right", va="center", fontsize=7)
    ax.set_xlim(-1.6, len(nodes) - 0.4)
    ax.set_ylim(rows + 0.5, -1.3)
    ax.axis("off")
    handles = [plt.Line2D([], [], color="tab:blue", label="delivered"),
               plt.Line2D([], [], color="tab:orange", label="retransmission"),
               plt.Line2D([], [], color="tab:red", ls="--", marker="x", label="lost")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    ax.set_title(args.title or f"Call {call}")
    return save(fig, args.out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="sweep plot", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="figure", required=True)
    p = sub.add_parser("cdf", help="set-up delay CDFs, one curve per grid point / run")
    p.add_argument("dirs", nargs="+", help="sweep, point or run folders")
    p.add_argument("--label", action="append", help="curve labels, in order")
    p.add_argument("--model", action="store_true", help="overlay model CDFs (model.json)")
    p.add_argument("--log", action="store_true", help="logarithmic time axis")
    p.add_argument("--xmax", type=float, help="right end of the time axis (default: 1.2 x "
                                               "the largest 99.5th percentile)")
    p.add_argument("--title")
    p = [p]
    for name, hint in (("loss", "impairments.loss"), ("auth", "topology.proxies"),
                       ("goodput", "workload.rate")):
        q = sub.add_parser(name)
        q.add_argument("sweep_dir")
        q.add_argument("--x", help=f"parameter on the x axis (default {hint})")
        q.add_argument("--title")
        if name == "auth":
            q.add_argument("--group", help="parameter for separate lines "
                                           "(default auth.credential_reuse)")
        p.append(q)
    q = sub.add_parser("ladder", help="sequence diagram of one call from messages.csv")
    q.add_argument("run_dir", help="run folder or messages.csv")
    q.add_argument("--call", type=int, help="call number (default: the first)")
    q.add_argument("--max-messages", type=int, default=80)
    q.add_argument("--title")
    p.append(q)
    for q in p:
        q.add_argument("-o", "--out", required=True, help="output path without extension")
    args = parser.parse_args(argv)
    handler = {"cdf": plot_cdf, "loss": plot_loss, "auth": plot_auth, "goodput": plot_goodput,
               "ladder": plot_ladder}[args.figure]
    for path in handler(args):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
