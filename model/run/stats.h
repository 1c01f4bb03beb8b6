#ifndef SIPSIM_RUN_STATS_H
#define SIPSIM_RUN_STATS_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace sipsim
{

/// Summary of a sample: mean, nearest-rank percentiles and the half-width of the 95%
/// Student-t confidence interval of the mean. Empty fields mean "no data" (n = 0, or n < 2
/// for the interval).
struct SampleSummary
{
    std::size_t n = 0;
    std::optional<double> mean;
    std::optional<double> p50;
    std::optional<double> p95;
    std::optional<double> p99;
    std::optional<double> ci95;
};

/// Keeps every value of a per-call delay (seconds >= 0) as whole nanoseconds -- the
/// simulator's resolution -- so the percentiles are exact order statistics of the measured
/// delays rather than a streaming sketch's estimate (or a float's, which drifts by ~0.2 us at
/// 2 s). 8 bytes a call: 8 MB per million calls, far below the rest of a run's footprint.
/// Mean and variance are accumulated in double (Welford).
class Sample
{
public:
    void Add(double value);
    std::size_t Size() const { return m_values.size(); }
    /// Sorts the stored values (once) and summarises them.
    SampleSummary Summarize();

private:
    std::vector<int64_t> m_values;
    double m_mean = 0.0;
    double m_m2 = 0.0;
};

/// The nearest-rank percentile (p in (0, 100]) of sorted values: the smallest value with at
/// least p% of the sample at or below it, in seconds.
double NearestRankPercentile(const std::vector<int64_t>& sortedNanoseconds, double p);

/// Two-sided 95% Student-t quantile t_{0.975, df}.
double StudentT975(std::size_t degreesOfFreedom);

} // namespace sipsim

#endif
