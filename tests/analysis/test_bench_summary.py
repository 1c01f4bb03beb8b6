"""analysis/bench/bench.py's summary: which targets a run measured, met, or did not run."""

import os
import sys
import unittest

import helpers  # noqa: F401  (puts the repository on sys.path)

sys.path.insert(0, os.path.join(helpers.REPO, "analysis", "bench"))
import bench  # noqa: E402


def scale_result(small_calls, big_calls, big_wall, ratio):
    point = {"calls_per_s": 1000.0}
    return {"points": [{**point, "calls": small_calls, "wall_s": 10.0},
                       {**point, "calls": big_calls, "wall_s": big_wall}],
            "rss_ratio": ratio}


def statuses(results, quick=False):
    return {row[0]: row[3] for row in bench.summary_rows(results, quick)}


class ScaleTargets(unittest.TestCase):
    def test_full_run_is_judged(self):
        s = statuses({"scale": scale_result(100000, 1000000, 590.0, 1.05)})
        self.assertEqual(s["scale 1000000 calls wall"], "ok")
        self.assertEqual(s["scale RSS(1000000) / RSS(100000)"], "ok")
        s = statuses({"scale": scale_result(100000, 1000000, 861.0, 1.2)})
        self.assertEqual(s["scale 1000000 calls wall"], "MISSED")
        self.assertEqual(s["scale RSS(1000000) / RSS(100000)"], "MISSED")

    def test_capped_run_does_not_claim_the_1m_targets(self):
        # --max-calls 100000: 100k in 91 s says nothing about 1M in 600 s.
        s = statuses({"scale": scale_result(10000, 100000, 91.0, 1.02)})
        self.assertEqual(s["scale 100000 calls wall"], "not run")
        self.assertEqual(s["scale RSS(100000) / RSS(10000)"], "not run")

    def test_rows_without_target_have_no_status(self):
        s = statuses({"scale": scale_result(100000, 1000000, 590.0, 1.05),
                      "profile": {"instructions_per_call": 1.7e6, "instruction_ratio": 2.8}})
        self.assertEqual(s["scale calls / wall-s"], "")
        self.assertEqual(s["profile instr/call"], "")
        self.assertEqual(s["profile simulation instr / ns-3 replay"], "")

    def test_instruction_ratio_is_printed_with_two_decimals(self):
        rows = bench.summary_rows({"profile": {"instructions_per_call": 1.7e6,
                                               "instruction_ratio": 2.7759}}, False)
        values = {row[0]: row[1] for row in rows}
        self.assertEqual(values["profile simulation instr / ns-3 replay"], "2.78")

    def test_quick_runs_judge_nothing(self):
        s = statuses({"scale": scale_result(100, 1000000, 900.0, 2.0)}, quick=True)
        self.assertEqual(set(s.values()), {""})


if __name__ == "__main__":
    unittest.main()
