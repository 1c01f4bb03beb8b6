"""One sweep file run unchanged by each engine; the tables must come out identical."""

import os

import pandas as pd

import helpers

SWEEP = """
[sweep]
name = "engines"
scenario = "{scenario}"
output = "out/never-used"    # every test passes --out
replications = 2
set = ["workload.calls=6"]

[parameters]
"impairments.loss" = [0.0, 0.2]
"""


def make_sweep(folder):
    return helpers.write_sweep(folder, SWEEP.format(
        scenario=os.path.join(helpers.SCENARIOS, "proxy-chain.toml")), name="engines")


def check_tables(test, out, reference=None):
    results = pd.read_csv(os.path.join(out, "results.csv"))
    test.assertEqual(len(results), 4)
    test.assertEqual(len(pd.read_csv(os.path.join(out, "aggregate.csv"))), 2)
    if reference is not None:
        pd.testing.assert_frame_equal(results, pd.read_csv(os.path.join(reference, "results.csv")))
    return results


def run_local(folder, sweep):
    out = os.path.join(folder, "local")
    done = helpers.sweep_cli("run", sweep, "--out", out, "-j", "2", "--sipsim", helpers.FAKE)
    assert done.returncode == 0, done.stderr
    return out
