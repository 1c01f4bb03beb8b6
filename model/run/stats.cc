#include "stats.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace sipsim
{

void
Sample::Add(double value)
{
    m_values.push_back(static_cast<int64_t>(std::llround(value * 1e9)));
    const double n = static_cast<double>(m_values.size());
    const double delta = value - m_mean;
    m_mean += delta / n;
    m_m2 += delta * (value - m_mean);
}

double
NearestRankPercentile(const std::vector<int64_t>& sorted, double p)
{
    if (sorted.empty())
    {
        return 0.0;
    }
    const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
    const std::size_t index =
        static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
    return static_cast<double>(sorted[index]) / 1e9;
}

double
StudentT975(std::size_t degreesOfFreedom)
{
    const boost::math::students_t dist(static_cast<double>(degreesOfFreedom));
    return boost::math::quantile(dist, 0.975);
}

SampleSummary
Sample::Summarize()
{
    SampleSummary s;
    s.n = m_values.size();
    if (s.n == 0)
    {
        return s;
    }
    std::sort(m_values.begin(), m_values.end());
    s.mean = m_mean;
    s.p50 = NearestRankPercentile(m_values, 50);
    s.p95 = NearestRankPercentile(m_values, 95);
    s.p99 = NearestRankPercentile(m_values, 99);
    if (s.n >= 2)
    {
        const double variance = m_m2 / static_cast<double>(s.n - 1);
        s.ci95 = StudentT975(s.n - 1) * std::sqrt(variance / static_cast<double>(s.n));
    }
    return s;
}

} // namespace sipsim
