"""Output analysis: Student-t confidence intervals across replications, percentiles, and
batch means for one long run.

Independent replications (distinct run numbers) give i.i.d. estimates, so the usual
Student-t interval applies to their mean. Within one run per-call values are correlated
(calls share queues and loss bursts), so a single long run uses batch means: drop the
warm-up, cut the series into k contiguous batches, and treat the k batch means as
approximately i.i.d. (check with their lag-1 autocorrelation).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Iterable, Sequence

import numpy as np
from scipy import stats as _sps


@dataclasses.dataclass
class Interval:
    mean: float
    half_width: float  # NaN when n < 2
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def _clean(values: Iterable) -> np.ndarray:
    a = np.asarray(list(values) if not isinstance(values, np.ndarray) else values, dtype=float)
    return a[~np.isnan(a)]


def t_quantile(confidence: float, df: int) -> float:
    """Two-sided Student-t quantile t_{(1+confidence)/2, df}."""
    return float(_sps.t.ppf(0.5 + confidence / 2.0, df))


def t_interval(values: Iterable, confidence: float = 0.95) -> Interval:
    """Mean and Student-t half-width, s / sqrt(n) * t_{(1+c)/2, n-1}; NaNs are ignored."""
    a = _clean(values)
    n = a.size
    if n == 0:
        return Interval(math.nan, math.nan, 0)
    mean = float(a.mean())
    if n < 2:
        return Interval(mean, math.nan, 1)
    s = float(a.std(ddof=1))
    return Interval(mean, t_quantile(confidence, n - 1) * s / math.sqrt(n), n)


def percentile(values: Iterable, q: float, method: str = "nearest-rank") -> float:
    """The q-th percentile (q in (0, 100]).

    "nearest-rank" is the smallest value with at least q% of the sample at or below it, the
    definition `sipsim run` uses for summary.json; "linear" interpolates (numpy's default).
    """
    a = np.sort(_clean(values))
    if a.size == 0:
        return math.nan
    if not 0 < q <= 100:
        raise ValueError(f"percentile {q} outside (0, 100]")
    if method == "nearest-rank":
        rank = max(1, math.ceil(q / 100.0 * a.size))
        return float(a[rank - 1])
    if method == "linear":
        return float(np.percentile(a, q))
    raise ValueError(f"unknown percentile method {method!r}")


def ecdf(values: Iterable) -> tuple:
    """Sorted values x and F(x) = fraction <= x, for step plots."""
    a = np.sort(_clean(values))
    return a, np.arange(1, a.size + 1) / a.size if a.size else np.array([])


@dataclasses.dataclass
class BatchMeans:
    mean: float
    half_width: float
    batches: int
    batch_size: int
    warmup: int  # observations dropped at the start
    lag1_autocorrelation: float  # of the batch means; near 0 when batches are long enough
    batch_means: list


def batch_means(series: Sequence, batches: int = 10, warmup: int | float = 0,
                confidence: float = 0.95) -> BatchMeans:
    """Batch-means interval for the steady-state mean of one long run.

    `series` in time order (e.g. calls.csv sorted by start time). `warmup` observations are
    dropped first (an int count, or a float fraction of the series). The remainder is cut
    into `batches` equal contiguous batches; leftover observations at the end are dropped so
    every batch has the same size.
    """
    a = np.asarray(series, dtype=float)
    a = a[~np.isnan(a)]
    drop = int(round(warmup * a.size)) if isinstance(warmup, float) else int(warmup)
    a = a[drop:]
    if batches < 2:
        raise ValueError("batch means needs at least 2 batches")
    size = a.size // batches
    if size < 1:
        raise ValueError(f"{a.size} observations after warm-up cannot fill {batches} batches")
    means = a[: size * batches].reshape(batches, size).mean(axis=1)
    iv = t_interval(means, confidence)
    centred = means - means.mean()
    denom = float((centred**2).sum())
    lag1 = float((centred[:-1] * centred[1:]).sum() / denom) if denom > 0 else math.nan
    return BatchMeans(iv.mean, iv.half_width, batches, size, drop, lag1, means.tolist())
