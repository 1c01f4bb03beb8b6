"""analysis.sipsim_sweep.stats against scipy/numpy and hand-computed values."""

import math
import unittest

import numpy as np
from scipy import stats as sps

import pandas as pd

import helpers  # noqa: F401  (puts the repository on sys.path)
from analysis.sipsim_sweep import collect, stats


class StudentT(unittest.TestCase):
    def test_hand_computed(self):
        # mean 3, s = sqrt(2.5), t_{0.975,4} = 2.776445: 2.776445 * 1.581139 / sqrt(5).
        iv = stats.t_interval([1, 2, 3, 4, 5])
        self.assertEqual(iv.n, 5)
        self.assertAlmostEqual(iv.mean, 3.0)
        self.assertAlmostEqual(iv.half_width, 1.963243, places=5)
        self.assertAlmostEqual(iv.low, 3.0 - 1.963243, places=5)

    def test_matches_scipy_interval(self):
        rng = np.random.default_rng(7)
        for n in (2, 3, 10, 50):
            x = rng.normal(10, 3, n)
            low, high = sps.t.interval(0.95, n - 1, loc=x.mean(), scale=sps.sem(x))
            iv = stats.t_interval(x)
            self.assertAlmostEqual(iv.low, low, places=10)
            self.assertAlmostEqual(iv.high, high, places=10)
        iv = stats.t_interval(x, confidence=0.99)
        low, high = sps.t.interval(0.99, n - 1, loc=x.mean(), scale=sps.sem(x))
        self.assertAlmostEqual(iv.high, high, places=10)

    def test_quantile_table_values(self):
        self.assertAlmostEqual(stats.t_quantile(0.95, 1), 12.706205, places=5)
        self.assertAlmostEqual(stats.t_quantile(0.95, 9), 2.262157, places=5)

    def test_small_and_missing_samples(self):
        self.assertEqual(stats.t_interval([]).n, 0)
        self.assertTrue(math.isnan(stats.t_interval([]).mean))
        one = stats.t_interval([4.0])
        self.assertEqual((one.mean, one.n), (4.0, 1))
        self.assertTrue(math.isnan(one.half_width))
        # NaN (e.g. a run without established calls) is ignored, not propagated.
        self.assertEqual(stats.t_interval([1.0, float("nan"), 3.0]).n, 2)


class Percentiles(unittest.TestCase):
    def test_nearest_rank(self):
        # The classic example: 15 20 35 40 50.
        data = [50, 15, 40, 20, 35]
        self.assertEqual(stats.percentile(data, 30), 20)
        self.assertEqual(stats.percentile(data, 40), 20)
        self.assertEqual(stats.percentile(data, 50), 35)
        self.assertEqual(stats.percentile(data, 100), 50)
        self.assertEqual(stats.percentile(data, 5), 15)

    def test_linear_matches_numpy(self):
        data = np.random.default_rng(3).exponential(1.0, 101)
        for q in (5, 50, 95, 99):
            self.assertAlmostEqual(stats.percentile(data, q, "linear"), np.percentile(data, q))

    def test_bad_input(self):
        self.assertTrue(math.isnan(stats.percentile([], 50)))
        with self.assertRaises(ValueError):
            stats.percentile([1, 2], 0)

    def test_ecdf(self):
        x, f = stats.ecdf([3, 1, 2, 2])
        self.assertEqual(list(x), [1, 2, 2, 3])
        self.assertEqual(list(f), [0.25, 0.5, 0.75, 1.0])


class BatchMeansTest(unittest.TestCase):
    def test_hand_computed(self):
        # 1..20 in 4 batches of 5: means 3, 8, 13, 18; s = sqrt(125/3);
        # t_{0.975,3} = 3.182446 -> half-width 3.182446 * 6.454972 / 2.
        bm = stats.batch_means(range(1, 21), batches=4)
        self.assertEqual(bm.batch_means, [3.0, 8.0, 13.0, 18.0])
        self.assertAlmostEqual(bm.mean, 10.5)
        self.assertAlmostEqual(bm.half_width, 10.271, places=3)
        self.assertEqual((bm.batches, bm.batch_size, bm.warmup), (4, 5, 0))
        # A linear trend makes consecutive batch means positively correlated:
        # c = (-7.5, -2.5, 2.5, 7.5): (18.75 - 6.25 + 18.75) / 125 = 0.25.
        self.assertAlmostEqual(bm.lag1_autocorrelation, 0.25)

    def test_warmup_and_leftovers(self):
        # Fraction 0.2 of 23 values drops round(4.6) = 5; 18 left -> 3 batches of 6.
        bm = stats.batch_means(list(range(23)), batches=3, warmup=0.2)
        self.assertEqual(bm.warmup, 5)
        self.assertEqual(bm.batch_size, 6)
        self.assertEqual(bm.batch_means, [7.5, 13.5, 19.5])
        # An integer warm-up is a count.
        self.assertEqual(stats.batch_means(list(range(23)), batches=3, warmup=2).warmup, 2)

    def test_covers_the_mean_of_an_iid_series(self):
        rng = np.random.default_rng(11)
        hits = 0
        for _ in range(200):
            bm = stats.batch_means(rng.exponential(2.0, 400), batches=10)
            hits += bm.mean - bm.half_width <= 2.0 <= bm.mean + bm.half_width
        # Nominal 95 %: 200 trials land within a few points of it.
        self.assertGreater(hits, 175)

    def test_too_short(self):
        with self.assertRaises(ValueError):
            stats.batch_means([1.0, 2.0], batches=5)


class Goodput(unittest.TestCase):
    def test_counts_completions_inside_the_loaded_window(self):
        # Calls start at 0, 1, ..., 10 s and are set up 0.5 s later; call 5 fails. Window:
        # [0 + 10% of 10 s, 10 s] = [1, 10] holds the 2xx of calls 1..9 (at 1.5..9.5 s),
        # of which 8 completed: 8 calls / 9 s. Arrivals: 10 gaps over 10 s = 1 call/s.
        calls = pd.DataFrame({"invite_s": [float(i) for i in range(11)],
                              "ok_s": [i + 0.5 for i in range(11)],
                              "outcome": ["failed" if i == 5 else "completed" for i in range(11)]})
        goodput, arrivals = collect.windowed_goodput(calls)
        self.assertAlmostEqual(goodput, 8 / 9)
        self.assertAlmostEqual(arrivals, 1.0)
        summary = {"calls": {"attempted": 11, "completed": 10, "established": 11, "failed": 1},
                   "scenario": {"workload": {"rate": 1.0, "arrivals": "poisson"}}}
        metrics = collect.run_metrics(summary, calls)
        self.assertAlmostEqual(metrics["goodput_cps"], 8 / 9)
        self.assertAlmostEqual(metrics["calls.failed_ratio"], 1 / 11)
        # Without the time columns: rate x completed ratio.
        self.assertAlmostEqual(collect.run_metrics(summary)["goodput_cps"], 10 / 11)


if __name__ == "__main__":
    unittest.main()
