"""The slurm engine on a single-node Slurm cluster on 127.0.0.1, started and stopped here."""

import os
import unittest

import engine_common
import helpers
import slurm_cluster

REASON = slurm_cluster.missing_reason()


@unittest.skipIf(REASON, f"Slurm engine test skipped: {REASON}")
class SlurmSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = slurm_cluster.SlurmCluster(cpus=2).start()

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def test_job_array_runs_the_same_sweep(self):
        folder = helpers.temp_dir(self)
        os.chmod(folder, 0o755)
        sweep = engine_common.make_sweep(folder)
        out = os.path.join(folder, "slurm")
        env = {"SLURM_CONF": self.cluster.env["SLURM_CONF"]}
        done = helpers.sweep_cli("run", sweep, "--out", out, "--engine", "slurm", "-j", "2",
                                 "--sipsim", helpers.FAKE, env=env, timeout=300)
        self.assertEqual(done.returncode, 0, done.stderr + self.cluster.log_tail())
        self.assertIn("4/4 done, 0 failed", done.stderr)
        # Each array task leaves its Slurm output file next to the plan.
        logs = [f for f in os.listdir(os.path.join(out, ".sweep")) if f.startswith("slurm-")]
        self.assertEqual(len([f for f in logs if f.endswith(".out")]), 4)
        reference = engine_common.run_local(folder, sweep)
        engine_common.check_tables(self, out, reference)
        # Resume on Slurm too: nothing left to do, no job submitted.
        again = helpers.sweep_cli("run", sweep, "--out", out, "--engine", "slurm",
                                  "--sipsim", helpers.FAKE, env=env)
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertIn("4 runs finished", again.stderr)


if __name__ == "__main__":
    unittest.main()
