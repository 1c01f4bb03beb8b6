"""Sweeps through GNU parallel on 2 local jobs, with the fake runner: tables, resume,
failure isolation; plus sweep-file parsing."""

import json
import os
import unittest

import pandas as pd

import helpers
from analysis.sipsim_sweep import stats, sweepfile

SWEEP = """
[sweep]
name = "local"
scenario = "{scenario}"
output = "{out}"
replications = 2
set = ["workload.calls=10", "impairments.delay=\\"2ms\\""]
model = true

[parameters]
"impairments.loss" = [0.0, 0.1, 2.0]   # 2.0 is invalid: that point must fail alone
"""


class LocalSweep(unittest.TestCase):
    def setUp(self):
        self.dir = helpers.temp_dir(self)
        self.out = os.path.join(self.dir, "out")
        self.log = os.path.join(self.dir, "runs.log")
        self.sweep = helpers.write_sweep(self.dir, SWEEP.format(
            scenario=os.path.join(helpers.SCENARIOS, "two-proxy-auth.toml"), out=self.out))

    def run_sweep(self):
        return helpers.sweep_cli("run", self.sweep, "--engine", "local", "-j", "2",
                                 "--sipsim", helpers.FAKE, env={"FAKE_SIPSIM_LOG": self.log})

    def logged_runs(self):
        with open(self.log) as f:
            return [line.split(" ", 1)[1].strip() for line in f]

    def test_grid_resume_and_failure(self):
        first = self.run_sweep()
        # Failed runs make the exit status 1, but every other run finished.
        self.assertEqual(first.returncode, 1, first.stderr)
        self.assertIn("4/6 done, 2 failed", first.stderr)
        for run in (1, 2):
            self.assertIn(f"FAILED impairments.loss=2.0/run-{run} (exit 2):", first.stderr)
        self.assertIn("--set impairments.loss=2.0 --run 1", first.stderr)
        self.assertIn("impairments.loss: probability 2.0 outside [0, 1]", first.stderr)

        results = pd.read_csv(os.path.join(self.out, "results.csv"))
        self.assertEqual(len(results), 4)
        self.assertEqual(sorted(results["impairments.loss"].unique()), [0.0, 0.1])
        self.assertEqual(sorted(results["run"].unique()), [1, 2])
        for column in ("calls.attempted", "calls.failed_ratio", "setup_delay_s.mean",
                       "retransmissions.total", "auth.extra_messages", "messages.sent",
                       "rfc6076.ser"):
            self.assertIn(column, results.columns)
        self.assertTrue((results["calls.attempted"] == 10).all())

        aggregate = pd.read_csv(os.path.join(self.out, "aggregate.csv"))
        self.assertEqual(len(aggregate), 3)
        bad = aggregate[aggregate["impairments.loss"] == 2.0].iloc[0]
        self.assertEqual((bad["runs"], bad["failed_runs"]), (0, 2))
        good = aggregate[aggregate["impairments.loss"] == 0.1].iloc[0]
        values = results[results["impairments.loss"] == 0.1]["setup_delay_s.mean"]
        iv = stats.t_interval(values)
        self.assertAlmostEqual(good["setup_delay_s.mean.mean"], iv.mean)
        self.assertAlmostEqual(good["setup_delay_s.mean.ci95"], iv.half_width)
        self.assertEqual(good["setup_delay_s.mean.n"], 2)
        # Pooled per-call percentiles come from both runs' calls.csv (10 calls each, minus
        # failures), and model columns from `sipsim model` (the fake's here).
        self.assertGreater(good["setup_delay_s.pooled_n"], 10)
        self.assertLessEqual(good["setup_delay_s.pooled_p50"], good["setup_delay_s.pooled_p95"])
        self.assertIn("model.success_probability", aggregate.columns)
        self.assertTrue(pd.isna(bad["model.success_probability"]))

        failures = pd.read_csv(os.path.join(self.out, "failures.csv"))
        self.assertEqual(len(failures), 2)
        self.assertTrue(failures["stderr"].str.contains("outside").all())

        # Resume: delete one finished run; only it (and the failed ones) run again.
        self.assertEqual(len(self.logged_runs()), 4)
        victim = os.path.join(self.out, "impairments.loss=0.1", "run-2")
        keep = os.path.join(self.out, "impairments.loss=0.0", "run-1", "summary.json")
        before = os.path.getmtime(keep)
        failed_marker = os.path.join(self.out, "impairments.loss=2.0", "run-1", "failed.json")
        failed_before = os.path.getmtime(failed_marker)
        import shutil
        shutil.rmtree(victim)
        second = self.run_sweep()
        self.assertEqual(second.returncode, 1, second.stderr)
        self.assertIn("4/6 done, 2 failed (3 from earlier)", second.stderr)
        runs = self.logged_runs()
        self.assertEqual(len(runs), 5)
        self.assertTrue(runs[-1].startswith(victim + ".partial-"), runs[-1])
        self.assertEqual(os.path.getmtime(keep), before)
        self.assertGreater(os.path.getmtime(failed_marker), failed_before)  # retried
        self.assertEqual(len(pd.read_csv(os.path.join(self.out, "results.csv"))), 4)
        with open(os.path.join(victim, "command.txt")) as f:
            self.assertIn(f"--out {victim}", f.read().replace("'", ""))

        status = helpers.sweep_cli("status", self.sweep)
        self.assertIn("4 finished, 2 failed, 0 missing", status.stdout)


class SweepFile(unittest.TestCase):
    def setUp(self):
        self.dir = helpers.temp_dir(self)
        self.scenario = os.path.join(helpers.SCENARIOS, "proxy-chain.toml")

    def load(self, body):
        return sweepfile.load_sweep(helpers.write_sweep(self.dir, body))

    def test_grid_zip_and_ids(self):
        s = self.load(f"""
            [sweep]
            scenario = "{self.scenario}"
            runs = [3, 5]
            zip = [["topology.proxies", "auth.proxies"]]
            [parameters]
            "topology.proxies" = [1, 2]
            "auth.proxies" = [["P1"], ["P1", "P2"]]
            [parameters.auth]
            credential_reuse = [true, false]
        """)
        self.assertEqual(len(s.points), 4)  # 2 zipped x 2 crossed
        self.assertEqual(s.runs, [3, 5])
        self.assertEqual(len(s.jobs()), 8)
        ids = [p.id for p in s.points]
        self.assertIn("topology.proxies=2__auth.proxies=P1+P2__auth.credential_reuse=false", ids)
        point = s.points[-1]
        self.assertEqual(s.set_args(point), ['topology.proxies=2', 'auth.proxies=["P1", "P2"]',
                                             "auth.credential_reuse=false"])
        argv = s.run_argv(s.jobs()[0], "/x")
        self.assertEqual(argv[1:3], ["run", self.scenario])
        self.assertEqual(argv[-5:], ["--run", "3", "--out", "/x", "--quiet"])
        self.assertTrue(os.path.isabs(s.output))

    def test_values_as_toml(self):
        self.assertEqual(sweepfile.toml_value("500ms"), '"500ms"')
        self.assertEqual(sweepfile.toml_value(0.05), "0.05")
        self.assertEqual(sweepfile.toml_value(True), "true")
        self.assertEqual(sweepfile.toml_value({"P1": "a.com"}), '{"P1" = "a.com"}')

    def test_unsafe_values_get_a_hash(self):
        pid = sweepfile.point_id({"workload.pairs": ["A->B"]})
        self.assertRegex(pid, r"^workload\.pairs=A-_B-[0-9a-f]{8}$")

    def test_errors_name_the_key(self):
        cases = {
            "[sweep]\n": "sweep.scenario: required",
            f'[sweep]\nscenario = "{self.scenario}"\nreplications = 0\n': "sweep.replications",
            f'[sweep]\nscenario = "{self.scenario}"\n[parameters]\n"a.b" = 3\n': "parameters.a.b",
            f'[sweep]\nscenario = "{self.scenario}"\nzip = [["x"]]\n': "sweep.zip",
            f'[sweep]\nscenario = "{self.scenario}"\nbogus = 1\n': "sweep.bogus",
            '[sweep]\nscenario = "missing.toml"\n': "no such file",
        }
        for body, message in cases.items():
            with self.assertRaises(sweepfile.SweepError) as e:
                self.load(body)
            self.assertIn(message, str(e.exception))
        out = helpers.sweep_cli("run", helpers.write_sweep(self.dir, "[sweep]\n"))
        self.assertEqual(out.returncode, 2)
        self.assertIn("sweep.scenario", out.stderr)


if __name__ == "__main__":
    unittest.main()
