"""Shared set-up for the analysis tests: paths, a sweep-file writer, the CLI runner."""

import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake_sipsim.py")
SSH_STANDIN = os.path.join(HERE, "ssh_standin.sh")
SCENARIOS = os.path.join(REPO, "scenarios")
PYTHON = "/usr/bin/python3"

if REPO not in sys.path:
    sys.path.insert(0, REPO)


def write_sweep(folder, body, name="test"):
    path = os.path.join(folder, f"{name}.toml")
    with open(path, "w") as f:
        f.write(textwrap.dedent(body))
    return path


def sweep_cli(*args, env=None, timeout=600):
    """Runs `python3 -m analysis.sipsim_sweep ARGS` like analysis/sweep does."""
    full_env = dict(os.environ, PYTHONPATH=REPO, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    full_env.update(env or {})
    return subprocess.run([PYTHON, "-m", "analysis.sipsim_sweep", *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=REPO)


def temp_dir(test):
    d = tempfile.TemporaryDirectory(prefix="sipsim-analysis-")
    test.addCleanup(d.cleanup)
    return d.name


def real_sipsim():
    """The real build/sipsim if it has a working `run` subcommand, else None."""
    path = os.environ.get("SIPSIM")
    if not path or not os.access(path, os.X_OK):
        return None
    try:
        out = subprocess.run([path, "run", "--help"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    return path if out.returncode == 0 else None
