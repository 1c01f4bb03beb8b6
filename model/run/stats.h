#ifndef SIPSIM_RUN_STATS_H
#define SIPSIM_RUN_STATS_H

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
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

/// A per-call delay sample (seconds) whose percentiles are exact order statistics at the
/// simulator's resolution (whole nanoseconds), not a sketch's estimate, in bounded memory:
/// values are buffered in memory and spilled in blocks to an anonymous temporary file, so a
/// run's footprint follows its concurrent calls, not its length. Summarize() then selects
/// each rank with a few histogram-narrowing passes over the file. Without a usable
/// temporary directory the values simply stay in memory. Mean and variance are accumulated
/// in double (Welford).
class Sample
{
public:
    /// Values held in memory before a spill: 512 KiB.
    static constexpr std::size_t kDefaultBlock = 65536;

    explicit Sample(std::size_t block = kDefaultBlock);

    void Add(double value);
    std::size_t Size() const { return m_count; }
    /// Whether values went to the temporary file (for tests).
    bool Spilled() const { return m_spilled > 0; }
    /// Summarises every value added so far.
    SampleSummary Summarize();

private:
    struct FileCloser
    {
        void operator()(std::FILE* file) const { std::fclose(file); }
    };

    void Spill();
    /// The k-th smallest value (0-based) of everything added.
    int64_t Select(std::size_t k);
    /// Calls visit(value) for every value, spilled or buffered; false on a read error.
    template <typename Visit> bool ForEach(Visit&& visit);

    std::size_t m_block;
    std::vector<int64_t> m_buffer;
    std::unique_ptr<std::FILE, FileCloser> m_file;
    std::size_t m_spilled = 0;
    std::size_t m_count = 0;
    int64_t m_min = 0;
    int64_t m_max = 0;
    double m_mean = 0.0;
    double m_m2 = 0.0;
};

/// The nearest-rank percentile (p in (0, 100]) of sorted values: the smallest value with at
/// least p% of the sample at or below it, in seconds.
double NearestRankPercentile(const std::vector<int64_t>& sortedNanoseconds, double p);

/// The 0-based index of the nearest-rank percentile p in a sample of n > 0 values.
std::size_t NearestRankIndex(std::size_t n, double p);

/// Two-sided 95% Student-t quantile t_{0.975, df}.
double StudentT975(std::size_t degreesOfFreedom);

} // namespace sipsim

#endif
