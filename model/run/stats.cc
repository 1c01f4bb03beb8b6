#include "stats.h"

#include <algorithm>
#include <array>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <stdexcept>

namespace sipsim
{

namespace
{

/// Bins per narrowing pass: each pass over the spilled values shrinks the candidate range
/// 4096-fold, so even a 64-bit range needs at most six passes (two or three in practice).
constexpr std::size_t kBins = 4096;

} // namespace

Sample::Sample(std::size_t block) : m_block(std::max<std::size_t>(block, 1))
{
}

void
Sample::Add(double value)
{
    const int64_t ns = static_cast<int64_t>(std::llround(value * 1e9));
    m_min = m_count == 0 ? ns : std::min(m_min, ns);
    m_max = m_count == 0 ? ns : std::max(m_max, ns);
    ++m_count;
    const double n = static_cast<double>(m_count);
    const double delta = value - m_mean;
    m_mean += delta / n;
    m_m2 += delta * (value - m_mean);
    m_buffer.push_back(ns);
    if (m_buffer.size() >= m_block)
    {
        Spill();
    }
}

void
Sample::Spill()
{
    if (!m_file && m_spilled == 0)
    {
        m_file.reset(std::tmpfile());
    }
    if (!m_file)
    {
        m_block = SIZE_MAX; // no temporary file: keep everything in memory from now on
        return;
    }
    std::fseek(m_file.get(), 0, SEEK_END);
    const std::size_t written =
        std::fwrite(m_buffer.data(), sizeof(int64_t), m_buffer.size(), m_file.get());
    m_spilled += written;
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(written));
    if (!m_buffer.empty())
    {
        m_block = SIZE_MAX; // disk full: what did not fit stays in memory
    }
}

template <typename Visit>
bool
Sample::ForEach(Visit&& visit)
{
    if (m_spilled > 0)
    {
        if (std::fflush(m_file.get()) != 0 || std::fseek(m_file.get(), 0, SEEK_SET) != 0)
        {
            return false;
        }
        std::vector<int64_t> chunk(std::min(m_spilled, kDefaultBlock));
        for (std::size_t left = m_spilled; left > 0;)
        {
            const std::size_t want = std::min(left, chunk.size());
            if (std::fread(chunk.data(), sizeof(int64_t), want, m_file.get()) != want)
            {
                return false;
            }
            std::for_each(chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(want), visit);
            left -= want;
        }
    }
    std::for_each(m_buffer.begin(), m_buffer.end(), visit);
    return true;
}

int64_t
Sample::Select(std::size_t k)
{
    // Invariant: the answer lies in [lo, hi], `below` values are smaller than lo and
    // `inRange` values lie in [lo, hi].
    int64_t lo = m_min;
    int64_t hi = m_max;
    std::size_t below = 0;
    std::size_t inRange = m_count;
    for (;;)
    {
        if (lo == hi)
        {
            return lo;
        }
        if (inRange <= std::max(m_block, kDefaultBlock) || m_spilled == 0)
        {
            std::vector<int64_t> candidates;
            candidates.reserve(inRange);
            if (!ForEach([&](int64_t v) {
                    if (v >= lo && v <= hi)
                    {
                        candidates.push_back(v);
                    }
                }))
            {
                throw std::runtime_error("delay sample: cannot read its temporary file");
            }
            const auto nth = candidates.begin() + static_cast<std::ptrdiff_t>(k - below);
            std::nth_element(candidates.begin(), nth, candidates.end());
            return *nth;
        }
        const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
        const uint64_t width = span / kBins + 1;
        std::array<std::size_t, kBins> histogram{};
        if (!ForEach([&](int64_t v) {
                if (v >= lo && v <= hi)
                {
                    ++histogram[(static_cast<uint64_t>(v) - static_cast<uint64_t>(lo)) / width];
                }
            }))
        {
            throw std::runtime_error("delay sample: cannot read its temporary file");
        }
        std::size_t bin = 0;
        while (below + histogram[bin] <= k)
        {
            below += histogram[bin++];
        }
        const uint64_t start = static_cast<uint64_t>(lo) + bin * width;
        lo = static_cast<int64_t>(start);
        if (static_cast<uint64_t>(hi) - start >= width)
        {
            hi = static_cast<int64_t>(start + width - 1);
        }
        inRange = histogram[bin];
    }
}

std::size_t
NearestRankIndex(std::size_t n, double p)
{
    const double rank = std::ceil(p / 100.0 * static_cast<double>(n));
    return static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(n))) - 1;
}

double
NearestRankPercentile(const std::vector<int64_t>& sorted, double p)
{
    if (sorted.empty())
    {
        return 0.0;
    }
    return static_cast<double>(sorted[NearestRankIndex(sorted.size(), p)]) / 1e9;
}

double
StudentT975(std::size_t degreesOfFreedom)
{
    // In double, not promoted to long double: valgrind (callgrind profiles of the simulator)
    // computes long double at double precision, and Boost's long double erfc_inv
    // initialiser then overflows at start-up. The quantile differs by at most one ulp.
    using DoublePolicy =
        boost::math::policies::policy<boost::math::policies::promote_double<false>>;
    const boost::math::students_t_distribution<double, DoublePolicy> dist(
        static_cast<double>(degreesOfFreedom));
    return boost::math::quantile(dist, 0.975);
}

SampleSummary
Sample::Summarize()
{
    SampleSummary s;
    s.n = m_count;
    if (s.n == 0)
    {
        return s;
    }
    s.mean = m_mean;
    if (m_spilled == 0)
    {
        std::sort(m_buffer.begin(), m_buffer.end());
        s.p50 = NearestRankPercentile(m_buffer, 50);
        s.p95 = NearestRankPercentile(m_buffer, 95);
        s.p99 = NearestRankPercentile(m_buffer, 99);
    }
    else
    {
        s.p50 = static_cast<double>(Select(NearestRankIndex(s.n, 50))) / 1e9;
        s.p95 = static_cast<double>(Select(NearestRankIndex(s.n, 95))) / 1e9;
        s.p99 = static_cast<double>(Select(NearestRankIndex(s.n, 99))) / 1e9;
    }
    if (s.n >= 2)
    {
        const double variance = m_m2 / static_cast<double>(s.n - 1);
        s.ci95 = StudentT975(s.n - 1) * std::sqrt(variance / static_cast<double>(s.n));
    }
    return s;
}

} // namespace sipsim
