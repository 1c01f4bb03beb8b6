"""`sipsim model` (the analytic model) through the real binary: hand values, scenario
input, JSON shape, errors, and model columns in a sweep's aggregate.csv."""

import io
import json
import os
import subprocess
import unittest

import pandas as pd

import helpers
from analysis.sipsim_sweep import collect, driver, sweepfile

SIPSIM = os.environ.get("SIPSIM")
SEED = os.path.join(helpers.SCENARIOS, "two-proxy-auth.toml")


def model(*args):
    return subprocess.run([SIPSIM, "model", *args], capture_output=True, text=True, timeout=60)


def model_json(*args):
    out = model(*args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@unittest.skipUnless(SIPSIM and os.access(SIPSIM, os.X_OK), "SIPSIM (build/sipsim) not built")
class ModelCommand(unittest.TestCase):
    def test_invite_alone_fails_with_p_to_the_seventh(self):
        m = model_json("--proxies", "0", "--loss-forward", "0.3", "--loss-reverse", "0")
        self.assertAlmostEqual(m["failure_probability"], 0.3**7, places=12)
        self.assertEqual(m["path"]["elements"], ["A", "B"])

    def test_seed_scenario_is_the_23_message_flow(self):
        m = model_json(SEED)
        self.assertEqual(m["path"]["elements"], ["A", "P1", "P2", "B"])
        self.assertEqual(m["path"]["challengers"], ["P1"])
        self.assertAlmostEqual(m["messages_per_call"], 23.0)
        self.assertAlmostEqual(m["auth"]["extra_messages"], 3.0)
        # Ring 2 s + six 2 ms hops + the 407 round trip to P1.
        self.assertAlmostEqual(m["setup_delay_s"]["mean"], 2.016, places=9)
        self.assertAlmostEqual(m["plain"]["setup_delay_s"]["mean"], 2.012, places=9)
        self.assertEqual(m["setup_delay_s"]["cdf"], [[2.016, 1.0]])

    def test_lossy_scenario_distribution(self):
        m = model_json(SEED, "--set", "impairments.loss=0.1", "--set", "workload.calls=10")
        self.assertLess(m["success_probability"], 1.0)
        self.assertAlmostEqual(m["path"]["challenged_fraction"], 0.1)  # reuse: 1 of 10
        cdf = m["setup_delay_s"]["cdf"]
        self.assertAlmostEqual(cdf[-1][1], 1.0)
        self.assertEqual([t for t, _ in cdf], sorted(t for t, _ in cdf))
        self.assertLessEqual(m["setup_delay_s"]["p50"], m["setup_delay_s"]["p95"])
        self.assertGreater(m["retransmissions"]["INVITE"], 0.0)
        self.assertEqual(len(m["per_hop"]), 3)

    def test_text_output(self):
        out = model("--proxies", "2", "--loss", "0.05", "--challengers", "1")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("success probability:", out.stdout)
        self.assertIn("without 407 round", out.stdout)

    def test_errors(self):
        cases = [
            ((SEED, "--set", "sip.transport=tcp"), "UDP only"),
            ((SEED, "--set", "impairments.bogus=1"), "bogus"),
            ((SEED, "--loss", "0.1"), "only without a SCENARIO"),
            (("--loss", "1.5"), "[0, 1]"),
            (("--proxies", "1", "--challengers", "2"), "challengers"),
        ]
        for args, message in cases:
            out = model(*args)
            self.assertEqual(out.returncode, 2, (args, out.stderr))
            self.assertIn(message, out.stderr)
            self.assertEqual(len(out.stderr.strip().splitlines()), 1, out.stderr)

    def test_sweep_adds_model_columns(self):
        folder = helpers.temp_dir(self)
        path = helpers.write_sweep(folder, f"""
            [sweep]
            scenario = "{SEED}"
            model = true
            [parameters]
            "impairments.loss" = [0.0, 0.2]
        """)
        sweep = sweepfile.load_sweep(path, output=os.path.join(folder, "out"), sipsim=SIPSIM)
        models = driver.run_models(sweep, log=io.StringIO())
        collect.write_tables(sweep, models)
        aggregate = pd.read_csv(os.path.join(sweep.output, "aggregate.csv"))
        self.assertEqual(list(aggregate["model.success_probability"] < 1.0), [False, True])
        self.assertIn("model.retransmissions.INVITE", aggregate.columns)
        self.assertTrue(os.path.isfile(os.path.join(sweep.output, "impairments.loss=0.2",
                                                    "model.json")))


if __name__ == "__main__":
    unittest.main()
