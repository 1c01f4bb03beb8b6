"""The ssh engine: GNU parallel --sshloginfile with --ssh pointing at a local stand-in."""

import os
import unittest

import engine_common
import helpers


class SshSweep(unittest.TestCase):
    def test_two_hosts_through_the_stand_in(self):
        folder = helpers.temp_dir(self)
        sweep = engine_common.make_sweep(folder)
        logins = os.path.join(folder, "sshlogins")
        with open(logins, "w") as f:
            f.write("1/hostA\n1/hostB\n")
        log = os.path.join(folder, "ssh.log")
        out = os.path.join(folder, "ssh")
        done = helpers.sweep_cli("run", sweep, "--out", out, "--engine", "ssh", "--sshloginfile",
                                 logins, "--ssh", helpers.SSH_STANDIN, "--sipsim", helpers.FAKE,
                                 env={"SSH_STANDIN_LOG": log})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("4/4 done, 0 failed", done.stderr)
        with open(log) as f:
            hosts = [line.strip() for line in f]
        self.assertEqual(len(hosts), 4)  # one ssh per job
        self.assertEqual(set(hosts), {"hostA", "hostB"})
        # Same sweep file, same runs: the ssh tables equal the local ones.
        reference = engine_common.run_local(folder, sweep)
        engine_common.check_tables(self, out, reference)

    def test_needs_a_login_file(self):
        folder = helpers.temp_dir(self)
        done = helpers.sweep_cli("run", engine_common.make_sweep(folder), "--engine", "ssh",
                                 "--out", os.path.join(folder, "o"), "--sipsim", helpers.FAKE)
        self.assertEqual(done.returncode, 2)
        self.assertIn("--sshloginfile", done.stderr)


if __name__ == "__main__":
    unittest.main()
