"""Sweep files: a base scenario, parameter value lists, replications and an output folder.

    [sweep]
    name = "loss"                      # default: the file's stem
    scenario = "../two-proxy-auth.toml" # relative to the sweep file
    output = "out/sweeps/loss"         # relative to the working directory (--out overrides)
    replications = 5                   # run numbers first_run .. first_run + 4
    first_run = 1                      # or: runs = [1, 2, 7]
    set = ["workload.calls=50"]        # fixed --set overrides for every run
    zip = [["topology.proxies", "workload.rate"]]  # parameters that vary together
    model = true                       # add `sipsim model` columns to aggregate.csv
    timeout = 600                      # seconds per run; 0 = none

    [parameters]                       # any `sipsim run --set` path -> list of values
    "impairments.loss" = [0.0, 0.05, 0.1]

Parameters form a grid (cartesian product) except those named together in one `zip` group,
whose lists have equal length and advance together. Each grid point gets a stable,
readable id derived from its values (not its position), so adding a value to a list keeps
the finished runs of the other points reusable.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import os
import re
import tomllib
from typing import Any

# The repository root: analysis/sipsim_sweep/ -> analysis/ -> root.
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_SWEEP_KEYS = {
    "name", "scenario", "output", "replications", "first_run", "runs", "set", "zip", "model",
    "timeout", "sipsim",
}


class SweepError(Exception):
    """A sweep file that cannot be used; the message names the key."""


@dataclasses.dataclass(frozen=True)
class Point:
    """One grid point: parameter path -> value (in sweep-file order)."""

    id: str
    params: dict


@dataclasses.dataclass(frozen=True)
class Job:
    """One simulation run: a grid point and a run number (ns-3 RngRun)."""

    point: Point
    run: int
    dir: str  # absolute: <output>/<point id>/run-<n>

    @property
    def key(self) -> str:
        return f"{self.point.id}/run-{self.run}"


@dataclasses.dataclass
class Sweep:
    path: str
    name: str
    scenario: str
    output: str
    runs: list
    fixed: list
    parameters: dict  # path -> list of values, sweep-file order
    zip_groups: list
    model: bool
    timeout: float
    sipsim: str
    points: list = dataclasses.field(default_factory=list)

    def jobs(self) -> list:
        return [
            Job(p, r, os.path.join(self.output, p.id, f"run-{r}")) for p in self.points for r in self.runs
        ]

    def set_args(self, point: Point) -> list:
        """The `--set path=value` strings for a point: fixed ones first, then the point's."""
        return list(self.fixed) + [f"{k}={toml_value(v)}" for k, v in point.params.items()]

    def run_argv(self, job: Job, out_dir: str) -> list:
        argv = [self.sipsim, "run", self.scenario]
        for s in self.set_args(job.point):
            argv += ["--set", s]
        return argv + ["--run", str(job.run), "--out", out_dir, "--quiet"]

    def model_argv(self, point: Point) -> list:
        argv = [self.sipsim, "model", self.scenario]
        for s in self.set_args(point):
            argv += ["--set", s]
        return argv + ["--json"]


def toml_value(value: Any) -> str:
    """A Python value from tomllib as TOML text, which is how `--set` reads its value.

    Strings are always quoted so that e.g. "true" or "1" stay strings.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if text in ("inf", "-inf", "nan"):
            return text
        return text
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string uses the same escapes
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise SweepError(f"parameters: unsupported value {value!r}")


def label(value: Any) -> str:
    """A short human-readable form of a value, for point ids and plot legends."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "+".join(label(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return ",".join(f"{k}:{label(v)}" for k, v in value.items())
    return str(value)


_UNSAFE = re.compile(r"[^A-Za-z0-9._+=-]")


def point_id(params: dict) -> str:
    """Stable folder name for a grid point: "impairments.loss=0.05__topology.proxies=2".

    Characters that are unsafe in paths or shell words become "_"; when that loses
    information (or the name is long) a short hash of the exact values keeps ids unique.
    """
    if not params:
        return "base"
    raw = "__".join(f"{k}={label(v)}" for k, v in params.items())
    safe = _UNSAFE.sub("_", raw)
    if safe != raw or len(safe) > 120:
        digest = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:8]
        safe = safe[:110] + "-" + digest
    return safe


def _flatten(table: dict, prefix: str = "") -> dict:
    """`[parameters.impairments] loss = [...]` and `"impairments.loss" = [...]` alike."""
    out = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_flatten(value, path))
        else:
            out[path] = value
    return out


def _expand(parameters: dict, zip_groups: list) -> list:
    """Grid points in sweep-file order: zip groups advance together, the rest are crossed."""
    axes = []  # each axis: list of dicts (partial assignments)
    grouped = {name: group for group in zip_groups for name in group}
    seen = set()
    for name in parameters:
        if name in seen:
            continue
        group = grouped.get(name, [name])
        seen.update(group)
        lists = [parameters[g] for g in group]
        axes.append([dict(zip(group, values)) for values in zip(*lists)])
    points = []
    for combo in itertools.product(*axes):
        assignment = {}
        for part in combo:
            assignment.update(part)
        # Keep the sweep file's order regardless of grouping.
        params = {k: assignment[k] for k in parameters}
        points.append(Point(point_id(params), params))
    ids = [p.id for p in points]
    if len(set(ids)) != len(ids):
        raise SweepError("parameters: two grid points have the same values")
    return points


def default_sipsim() -> str:
    return os.environ.get("SIPSIM") or os.path.join(REPO_ROOT, "build", "sipsim")


def load_sweep(path: str, output: str | None = None, sipsim: str | None = None) -> Sweep:
    """Reads and checks a sweep file; `output`/`sipsim` override the file's values.

    Every path in the result is absolute, so jobs run the same from any working directory
    (another host of a shared file system, a Slurm node).
    """
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except OSError as e:
        raise SweepError(f"{path}: {e.strerror}") from e
    except tomllib.TOMLDecodeError as e:
        raise SweepError(f"{path}: TOML syntax error: {e}") from e
    unknown = set(doc) - {"sweep", "parameters"}
    if unknown:
        raise SweepError(f"{path}: unknown table(s) {sorted(unknown)} (use [sweep], [parameters])")
    s = doc.get("sweep", {})
    bad = set(s) - _SWEEP_KEYS
    if bad:
        raise SweepError(f"{path}: sweep.{sorted(bad)[0]}: unknown key")
    base = os.path.dirname(os.path.abspath(path))
    name = s.get("name") or os.path.splitext(os.path.basename(path))[0]
    if "scenario" not in s:
        raise SweepError(f"{path}: sweep.scenario: required (the base scenario file)")
    scenario = os.path.normpath(os.path.join(base, s["scenario"]))
    if not os.path.isfile(scenario):
        raise SweepError(f"{path}: sweep.scenario: no such file {scenario}")

    if "runs" in s:
        runs = s["runs"]
        if not isinstance(runs, list) or not runs or not all(
            isinstance(r, int) and not isinstance(r, bool) and r >= 0 for r in runs
        ):
            raise SweepError(f"{path}: sweep.runs: expected a non-empty list of run numbers >= 0")
        if len(set(runs)) != len(runs):
            raise SweepError(f"{path}: sweep.runs: run numbers must be distinct")
    else:
        reps = s.get("replications", 1)
        first = s.get("first_run", 1)
        if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
            raise SweepError(f"{path}: sweep.replications: expected an integer >= 1")
        if not isinstance(first, int) or isinstance(first, bool) or first < 0:
            raise SweepError(f"{path}: sweep.first_run: expected an integer >= 0")
        runs = list(range(first, first + reps))

    fixed = s.get("set", [])
    if not isinstance(fixed, list) or not all(isinstance(x, str) and "=" in x for x in fixed):
        raise SweepError(f"{path}: sweep.set: expected a list of \"path=value\" strings")

    parameters = _flatten(doc.get("parameters", {}))
    for key, values in parameters.items():
        if not isinstance(values, list) or not values:
            raise SweepError(f"{path}: parameters.{key}: expected a non-empty list of values")
    zip_groups = s.get("zip", [])
    if not isinstance(zip_groups, list) or not all(isinstance(g, list) for g in zip_groups):
        raise SweepError(f"{path}: sweep.zip: expected a list of lists of parameter names")
    named = set()
    for group in zip_groups:
        for name_ in group:
            if name_ not in parameters:
                raise SweepError(f"{path}: sweep.zip: {name_!r} is not a parameter")
            if name_ in named:
                raise SweepError(f"{path}: sweep.zip: {name_!r} is in two groups")
            named.add(name_)
        lengths = {len(parameters[n]) for n in group}
        if len(lengths) > 1:
            raise SweepError(f"{path}: sweep.zip: {group} have lists of different lengths")

    timeout = s.get("timeout", 0)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0:
        raise SweepError(f"{path}: sweep.timeout: expected seconds >= 0")
    model = s.get("model", False)
    if not isinstance(model, bool):
        raise SweepError(f"{path}: sweep.model: expected true or false")

    out = output or s.get("output") or os.path.join("out", "sweeps", name)
    binary = sipsim or s.get("sipsim") or default_sipsim()
    if not os.path.isabs(binary) and os.sep in binary:
        binary = os.path.join(REPO_ROOT, binary)
    sweep = Sweep(
        path=os.path.abspath(path),
        name=name,
        scenario=scenario,
        output=os.path.abspath(out),
        runs=runs,
        fixed=fixed,
        parameters=parameters,
        zip_groups=zip_groups,
        model=model,
        timeout=float(timeout),
        sipsim=binary,
    )
    sweep.points = _expand(parameters, zip_groups)
    return sweep
