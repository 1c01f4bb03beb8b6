"""`run`: plan the jobs that are not finished, hand them to an engine, show progress, add
model columns and write the tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from . import engines
from .sweepfile import Sweep


def format_seconds(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """One status line on stderr: done/total, failures, ETA. Rewritten in place on a
    terminal; on a pipe or file a new line is printed only when the counts change."""

    def __init__(self, name: str, total: int, already: int, stream=sys.stderr):
        self.name, self.total, self.already = name, total, already
        self.stream = stream
        self.tty = stream.isatty()
        self.started = time.time()
        self.last = None

    def line(self, done: int, failed: int) -> str:
        finished_now = done - self.already + failed
        remaining = self.total - done - failed
        text = f"sweep {self.name}: {done}/{self.total} done, {failed} failed"
        if self.already:
            text += f" ({self.already} from earlier)"
        elapsed = time.time() - self.started
        if remaining <= 0:
            text += f", finished in {format_seconds(elapsed)}"
        elif finished_now > 0:
            text += f", ETA {format_seconds(elapsed / finished_now * remaining)}"
        else:
            text += ", ETA ?"
        return text

    def update(self, done: int, failed: int, final: bool = False) -> None:
        key = (done, failed)
        if not self.tty and key == self.last:
            return
        self.last = key
        text = self.line(done, failed)
        if self.tty:
            self.stream.write("\r\033[K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _count(jobs: list, since: float) -> tuple:
    done = failed = 0
    for job in jobs:
        if os.path.isfile(os.path.join(job.dir, "summary.json")):
            done += 1
        else:
            marker = os.path.join(job.dir, "failed.json")
            try:
                if os.path.getmtime(marker) >= since - 1:
                    failed += 1
            except OSError:
                pass
    return done, failed


def write_plan(sweep: Sweep, work: str) -> tuple:
    jobs = sweep.jobs()
    plan = {
        "sweep": sweep.path,
        "jobs": [
            {"key": j.key, "dir": j.dir, "argv": sweep.run_argv(j, "{out}"),
             "timeout": sweep.timeout}
            for j in jobs
        ],
    }
    path = os.path.join(work, "plan.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(plan, f, indent=1)
    os.replace(tmp, path)
    return path, jobs


def run_models(sweep: Sweep, log=sys.stderr) -> dict:
    """`sipsim model` for every grid point (cached as <point>/model.json)."""
    models = {}
    for point in sweep.points:
        path = os.path.join(sweep.output, point.id, "model.json")
        if not os.path.isfile(path):
            argv = sweep.model_argv(point)
            try:
                proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
            except OSError as e:
                log.write(f"sweep: model for {point.id}: cannot start {argv[0]}: {e.strerror}\n")
                return models
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["(no stderr)"])[-1]
                log.write(f"sweep: model for {point.id} failed (exit {proc.returncode}): {last}\n")
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(proc.stdout)
        try:
            with open(path) as f:
                models[point.id] = json.load(f)
        except ValueError:
            log.write(f"sweep: model for {point.id}: {path} is not JSON\n")
    return models


def report_failures(failed: list, log=sys.stderr) -> None:
    from .collect import failure_record

    for job in failed:
        rec = failure_record(job)
        log.write(f"FAILED {job.key} (exit {rec.get('exit_code')}): {rec.get('command')}\n")
        for line in (rec.get("stderr") or "").strip().splitlines()[-5:]:
            log.write(f"    {line}\n")


def run(sweep: Sweep, engine: str, jobs: int, *, sshloginfile=None, ssh=None, sbatch_args=None,
        python=sys.executable, dry_run=False, model=None, poll=0.5, log=sys.stderr) -> int:
    from .collect import scan, write_tables  # pandas is only needed from here on

    work = os.path.join(sweep.output, ".sweep")
    os.makedirs(work, exist_ok=True)
    plan, all_jobs = write_plan(sweep, work)
    finished, failed, missing = scan(sweep)
    index = {j.key: i for i, j in enumerate(all_jobs)}
    todo = failed + missing  # failed runs are retried
    todo.sort(key=lambda j: index[j.key])
    index_file = os.path.join(work, "indexes.txt")
    with open(index_file, "w") as f:
        f.write("".join(f"{index[j.key]}\n" for j in todo))
    if todo:
        cmd = engines.build_command(engine, plan, index_file, work, jobs=jobs, python=python,
                                    sshloginfile=sshloginfile, ssh=ssh, sbatch_args=sbatch_args,
                                    name=sweep.name)
        if dry_run:
            print(" ".join(cmd))
            print(f"# {len(todo)} of {len(all_jobs)} runs to do; jobs in {plan}")
            return 0
        progress = Progress(sweep.name, len(all_jobs), len(finished), stream=log)
        since = time.time()
        proc = engines.start(cmd, work)
        try:
            while proc.poll() is None:
                progress.update(*_count(all_jobs, since))
                time.sleep(poll)
        except KeyboardInterrupt:
            engines.cancel(engine, proc, work)
            log.write("\nsweep: interrupted; finished runs are kept, re-run to resume\n")
            return 130
        progress.update(*_count(all_jobs, since), final=True)
        if proc.returncode not in (0, None):
            # parallel exits with the number of failed jobs and sbatch --wait non-zero when a
            # task failed: expected with failed runs; anything else is the engine itself.
            finished, failed, missing = scan(sweep)
            if missing:
                log.write(f"sweep: {engine} engine exited {proc.returncode} with "
                          f"{len(missing)} runs not done; see {os.path.join(work, 'engine.log')}\n")
    elif dry_run:
        print(f"# all {len(all_jobs)} runs finished")
        return 0
    use_model = sweep.model if model is None else model
    models = run_models(sweep, log) if use_model else None
    summary = write_tables(sweep, models)
    finished, failed, missing = scan(sweep)
    report_failures(failed, log)
    log.write(f"sweep {sweep.name}: {summary['finished']} runs finished, {summary['failed']} "
              f"failed, {summary['missing']} missing -> {sweep.output}/results.csv, "
              f"aggregate.csv\n")
    return 0 if not failed and not missing else 1
