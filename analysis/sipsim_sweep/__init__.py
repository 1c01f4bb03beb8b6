"""Parameter sweeps over `sipsim run`: plan, execute (GNU parallel, ssh, Slurm), collect.

The package is importable without pandas/matplotlib; only `collect`, `stats` and `plots`
need them (Debian's python3-pandas etc., reachable from /usr/bin/python3).
"""

from .sweepfile import Sweep, Point, Job, load_sweep  # noqa: F401
