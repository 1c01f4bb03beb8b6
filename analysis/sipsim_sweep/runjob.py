#!/usr/bin/python3
"""Runs one job of a sweep plan: `runjob.py PLAN.json INDEX`.

This is the command GNU parallel, ssh hosts and Slurm array tasks execute. It is a
stand-alone script (standard library only, started by path) so a worker needs nothing but
python3 and the shared file system. The simulator's argv comes from the plan, never through
a shell, so parameter values need no quoting.

A run writes into `<run dir>.partial-<host>-<pid>` and is renamed to `<run dir>` at the end:
a folder with summary.json is a finished run (skipped when the sweep is re-run); a folder
with failed.json is a failed one (its command, exit status and stderr), retried next time.
"""

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time


def _replace_dir(src, dst):
    if os.path.lexists(dst):
        shutil.rmtree(dst, ignore_errors=True)
    os.rename(src, dst)


def simulator_env():
    """The environment for a run: 2 MiB heap pages unless the caller chose, for a sipsim
    built with -DSIPSIM_ALLOCATOR=mimalloc (a run's CPU time drops ~6%; mimalloc reads this
    once, at start-up, so it must be set for the child; tcmalloc, the default, ignores it)."""
    env = dict(os.environ)
    env.setdefault("MIMALLOC_LARGE_OS_PAGES", "1")
    return env


def run_job(job):
    final = job["dir"]
    if os.path.isfile(os.path.join(final, "summary.json")):
        return 0
    os.makedirs(os.path.dirname(final), exist_ok=True)
    partial = f"{final}.partial-{socket.gethostname()}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    argv = [a.replace("{out}", partial) for a in job["argv"]]
    timeout = job.get("timeout") or None
    started = time.time()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, env=simulator_env())
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc = 124
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = (e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or ""))
        err += f"\nrunjob: timed out after {timeout} s\n"
    except OSError as e:
        rc, out, err = 127, "", f"runjob: cannot start {argv[0]}: {e.strerror}\n"
    elapsed = time.time() - started
    # The recorded command names the final folder, so it can be pasted to reproduce the run.
    command = shlex.join(a.replace("{out}", final) for a in job["argv"])
    with open(os.path.join(partial, "command.txt"), "w") as f:
        f.write(command + "\n")
    for name, text in (("stdout.txt", out), ("stderr.txt", err)):
        if text:
            with open(os.path.join(partial, name), "w") as f:
                f.write(text)
    summary = os.path.join(partial, "summary.json")
    if rc == 0 and os.path.isfile(summary):
        with open(os.path.join(partial, "run.json"), "w") as f:
            json.dump({"host": socket.gethostname(), "elapsed_s": round(elapsed, 3)}, f)
        _replace_dir(partial, final)
        return 0
    if os.path.isfile(summary):
        # A summary from a run that then failed must not count as finished.
        os.rename(summary, summary + ".incomplete")
    if rc == 0:
        rc = 1
        err += "runjob: the run exited 0 but wrote no summary.json\n"
    with open(os.path.join(partial, "failed.json"), "w") as f:
        json.dump({"job": job["key"], "command": command, "exit_code": rc,
                   "stderr": err[-4000:], "host": socket.gethostname(),
                   "elapsed_s": round(elapsed, 3)}, f, indent=1)
    _replace_dir(partial, final)
    last = err.strip().splitlines()[-1] if err.strip() else "(no stderr)"
    sys.stderr.write(f"sweep: run {job['key']} failed (exit {rc}): {last}\n")
    return rc


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: runjob.py PLAN.json INDEX...\n")
        return 2
    with open(argv[1]) as f:
        plan = json.load(f)
    status = 0
    for index in argv[2:]:
        rc = run_job(plan["jobs"][int(index)])
        status = status or rc
    return min(status, 255)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
