"""Process measurements for the sipsim benchmarks: wall time and peak RSS of one child.

Peak RSS comes from wait4()'s rusage (ru_maxrss, KiB on Linux): the same number that
`/usr/bin/time -v` prints as "Maximum resident set size", without needing GNU time.
Timings on a shared machine are noisy, so callers alternate the programs they compare and
take medians; every measurement records the load average around it.
"""

import os
import shutil
import statistics
import subprocess
import tempfile
import time


class Measured:
    """Wall and CPU (user + system) seconds, peak RSS (KiB), exit status and output of one
    process. On a shared machine CPU time is the steadier measure: wall time also counts
    the time the process waited for a core."""

    def __init__(self, argv, wall_s, cpu_s, rss_kib, returncode, stdout, stderr, load):
        self.argv = argv
        self.wall_s = wall_s
        self.cpu_s = cpu_s
        self.rss_kib = rss_kib
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.load = load

    def to_json(self):
        return {"wall_s": round(self.wall_s, 4), "cpu_s": round(self.cpu_s, 4),
                "rss_kib": self.rss_kib, "load": self.load}


class BenchError(RuntimeError):
    pass


def load_average():
    return round(os.getloadavg()[0], 2)


def run(argv, env=None, cwd=None, check=True):
    """Runs argv to completion; stdout/stderr go through temporary files (no pipe stalls)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        load_before = load_average()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Measured(argv, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
                          proc.returncode,
                          out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                          [load_before, load_average()])
    if check and result.returncode != 0:
        raise BenchError(f"exit {result.returncode}: {' '.join(argv)}\n{result.stderr[-2000:]}")
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def fresh_dir(path):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def human_kib(kib):
    if kib >= 1024 * 1024:
        return f"{kib / 1024 / 1024:.2f} GiB"
    return f"{kib / 1024:.1f} MiB"


def print_table(title, header, rows, out):
    """A plain-text table with right-aligned numeric columns."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out.write(f"\n{title}\n")
    for n, row in enumerate(cells):
        out.write("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                   for i, (c, w) in enumerate(zip(row, widths))) + "\n")
        if n == 0:
            out.write("  " + "  ".join("-" * w for w in widths) + "\n")
    out.flush()
