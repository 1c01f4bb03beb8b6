"""Every plot command makes a non-empty PNG and SVG from fixture sweeps (fake runner)."""

import contextlib
import io
import os
import unittest

import helpers
from analysis.sipsim_sweep import driver, plots, sweepfile

LOSS = """
[sweep]
scenario = "{scenarios}/two-proxy-auth.toml"
replications = 2
set = ["workload.calls=8"]
model = true
[parameters]
"impairments.loss" = [0.0, 0.15]
"""

AUTH = """
[sweep]
scenario = "{scenarios}/proxy-chain.toml"
replications = 2
set = ["workload.calls=4", 'auth.proxies=["P1"]']
[parameters]
"topology.proxies" = [1, 2]
"auth.credential_reuse" = [true, false]
"""

GOODPUT = """
[sweep]
scenario = "{scenarios}/overloaded-proxy.toml"
replications = 2
set = ["workload.calls=10"]
[parameters]
"workload.rate" = [50.0, 150.0]
"""


class Plots(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile

        cls._tmp = tempfile.TemporaryDirectory(prefix="sipsim-plots-")
        cls.dir = cls._tmp.name
        cls.sweeps = {}
        for name, body in (("loss", LOSS), ("auth", AUTH), ("goodput", GOODPUT)):
            path = helpers.write_sweep(cls.dir, body.format(scenarios=helpers.SCENARIOS), name)
            out = os.path.join(cls.dir, name)
            sweep = sweepfile.load_sweep(path, output=out, sipsim=helpers.FAKE)
            # In-process (the runs still go through GNU parallel): saves interpreter starts.
            status = driver.run(sweep, "local", 2, python=helpers.PYTHON, log=io.StringIO())
            assert status == 0, f"fixture sweep {name} failed"
            cls.sweeps[name] = out

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def plot(self, *args):
        out = os.path.join(self.dir, "figs", args[0])
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            self.assertEqual(plots.main([*args, "-o", out]), 0)
        for ext in ("png", "svg"):
            path = f"{out}.{ext}"
            self.assertIn(path, stdout.getvalue())
            self.assertGreater(os.path.getsize(path), 5000, path)
        with open(f"{out}.png", "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        with open(f"{out}.svg") as f:
            return f.read()

    def test_cdf_overlays_several_sweeps(self):
        svg = self.plot("cdf", self.sweeps["loss"], self.sweeps["auth"], "--model")
        self.assertIn("<svg", svg)
        self.assertIn("impairments.loss=0.15", svg)  # legend names the grid point

    def test_loss(self):
        svg = self.plot("loss", self.sweeps["loss"])
        self.assertIn("failed-call ratio", svg)

    def test_auth(self):
        svg = self.plot("auth", self.sweeps["auth"])
        self.assertIn("auth.credential_reuse=", svg)

    def test_goodput(self):
        self.assertIn("offered load", self.plot("goodput", self.sweeps["goodput"]))

    def test_ladder_marks_losses_and_retransmissions(self):
        run = os.path.join(self.sweeps["loss"], "impairments.loss=0.15", "run-1")
        svg = self.plot("ladder", run, "--call", "1")
        self.assertIn("INVITE", svg)
        self.assertIn("LOST", svg)  # the fixture's call 1 loses a message at 15 %

    def test_bad_input_names_the_problem(self):
        with self.assertRaises(SystemExit) as e:
            plots.main(["goodput", self.sweeps["loss"], "-o", os.path.join(self.dir, "x")])
        self.assertIn("no goodput_cps", str(e.exception.code))

    def test_cli_entry_point(self):
        done = helpers.sweep_cli("plot", "ladder", os.path.join(
            self.sweeps["loss"], "impairments.loss=0.0", "run-2"), "-o",
            os.path.join(self.dir, "cli-ladder"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.getsize(os.path.join(self.dir, "cli-ladder.svg")) > 0)


if __name__ == "__main__":
    unittest.main()
