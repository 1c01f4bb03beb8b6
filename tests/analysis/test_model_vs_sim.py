"""The analytic model against `sipsim run`: on two configurations, 8 replications each,
the model's value of each compared metric lies inside the simulation's Student-t 95%
confidence interval. Needs build/sipsim with the ns-3 `run` subcommand.

The configurations avoid what the model leaves out: no digest challenges (under loss the
simulator re-challenges calls that reuse credentials), no proxy queueing."""

import io
import os
import unittest

import pandas as pd

import helpers
from analysis.sipsim_sweep import driver, stats, sweepfile

SIPSIM = helpers.real_sipsim()

COMMON = ('"workload.calls=150", "workload.arrivals=\\"poisson\\"", "workload.rate=2.0", '
          '"workload.holding_time=\\"2s\\"", "workload.callee.ring_time=\\"1s\\"", '
          '"outputs.ladder_call=0"')

SWEEPS = {
    # UA - UA, the caller hangs up: INVITE, 180, 2xx/ACK and BYE exchanges on one hop.
    "single": f"""
        [sweep]
        scenario = "{helpers.SCENARIOS}/single-hop.toml"
        replications = 8
        set = [{COMMON}, "workload.pairs=[\\"A->B\\"]"]
        model = true
        [parameters]
        "impairments.loss" = [0.3]
    """,
    # A - P1 - P2 - B, the callee hangs up: hop-by-hop INVITE and BYE, end-to-end 2xx.
    "chain": f"""
        [sweep]
        scenario = "{helpers.SCENARIOS}/two-proxy-auth.toml"
        replications = 8
        set = [{COMMON}, "auth.proxies=[]"]
        model = true
        [parameters]
        "impairments.loss" = [0.1]
    """,
}

# (name, simulation column or per-call retransmission key, model column)
METRICS = [
    ("success ratio", "calls.established_ratio", "model.success_probability"),
    ("mean set-up delay", "setup_delay_s.mean", "model.setup_delay_s.mean"),
    ("mean SDD", "sdd_s.mean", "model.sdd_s.mean"),
    ("INVITE retransmissions/call", "INVITE", "model.retransmissions.INVITE"),
    ("2xx retransmissions/call", "200 (INVITE)", "model.retransmissions.200 (INVITE)"),
    ("ACK retransmissions/call", "ACK", "model.retransmissions.ACK"),
    ("BYE retransmissions/call", "BYE", "model.retransmissions.BYE"),
    ("messages/call", "messages.per_call", "model.messages_per_call"),
]


@unittest.skipUnless(SIPSIM, "needs `sipsim run` (build/sipsim built with ns-3)")
class ModelVersusSimulation(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        import tempfile

        cls._tmp = tempfile.TemporaryDirectory(prefix="sipsim-model-sim-")
        cls.frames = {}
        for name, body in SWEEPS.items():
            path = helpers.write_sweep(cls._tmp.name, body, name)
            sweep = sweepfile.load_sweep(path, output=os.path.join(cls._tmp.name, name),
                                         sipsim=SIPSIM)
            log = io.StringIO()
            assert driver.run(sweep, "local", 2, python=helpers.PYTHON, log=log) == 0, log.getvalue()
            cls.frames[name] = (pd.read_csv(os.path.join(sweep.output, "results.csv")),
                                pd.read_csv(os.path.join(sweep.output, "aggregate.csv")).iloc[0])

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

    def check(self, name):
        results, aggregate = self.frames[name]
        self.assertEqual(len(results), 8)
        report = []
        for label, column, model_column in METRICS:
            if column in results:
                values = results[column]
            else:
                key = f"retransmissions.by_message.{column}"
                values = results.get(key, 0 * results["run"]).fillna(0) / results["calls.attempted"]
            iv = stats.t_interval(values)
            model = float(aggregate[model_column])
            # A metric with no spread (e.g. every call set up) gets a 0.5% band.
            half = iv.half_width if iv.half_width > 0 else 0.005 * max(abs(iv.mean), 1e-9)
            inside = abs(model - iv.mean) <= half
            report.append(f"{label}: sim {iv.mean:.4f} +- {iv.half_width:.4f}, model {model:.4f}"
                          f"{'' if inside else '  <-- outside'}")
        text = "\n".join(report)
        print(f"\n[{name}]\n{text}")
        self.assertNotIn("outside", text, text)

    def test_single_hop_at_30_percent_loss(self):
        self.check("single")

    def test_two_proxies_at_10_percent_loss(self):
        self.check("chain")


if __name__ == "__main__":
    unittest.main()
