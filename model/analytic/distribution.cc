#include "analytic/distribution.h"

#include <cmath>

namespace sipsim::analytic
{

namespace
{

// Atoms below this probability are dropped during convolution: they cannot move any
// reported quantity and would otherwise multiply with every hop.
constexpr double kNegligible = 1e-300;

int64_t
ToNs(double seconds)
{
    return static_cast<int64_t>(std::llround(seconds * 1e9));
}

double
ToSeconds(int64_t ns)
{
    return static_cast<double>(ns) * 1e-9;
}

} // namespace

DiscreteDistribution
DiscreteDistribution::PointMass(double t, double p)
{
    DiscreteDistribution d;
    d.Add(t, p);
    return d;
}

void
DiscreteDistribution::Add(double t, double p)
{
    if (p > 0.0)
    {
        m_atoms[ToNs(t)] += p;
    }
}

DiscreteDistribution
DiscreteDistribution::Convolve(const DiscreteDistribution& other) const
{
    DiscreteDistribution out;
    for (const auto& [ta, pa] : m_atoms)
    {
        for (const auto& [tb, pb] : other.m_atoms)
        {
            const double p = pa * pb;
            if (p > kNegligible)
            {
                out.m_atoms[ta + tb] += p;
            }
        }
    }
    return out;
}

DiscreteDistribution
DiscreteDistribution::Shift(double c) const
{
    DiscreteDistribution out;
    const int64_t dc = ToNs(c);
    for (const auto& [t, p] : m_atoms)
    {
        out.m_atoms[t + dc] += p;
    }
    return out;
}

DiscreteDistribution
DiscreteDistribution::Scale(double w) const
{
    DiscreteDistribution out;
    for (const auto& [t, p] : m_atoms)
    {
        if (p * w > 0.0)
        {
            out.m_atoms[t] = p * w;
        }
    }
    return out;
}

DiscreteDistribution
DiscreteDistribution::Min(const DiscreteDistribution& other) const
{
    // P(min <= t) = 1 - P(X > t) P(Y > t), evaluated on the union of the atoms.
    DiscreteDistribution out;
    std::map<int64_t, double> times = m_atoms;
    for (const auto& [t, p] : other.m_atoms)
    {
        times[t] += 0.0;
    }
    double aboveX = 1.0;
    double aboveY = 1.0;
    double previous = 0.0;
    for (const auto& [t, unused] : times)
    {
        if (auto it = m_atoms.find(t); it != m_atoms.end())
        {
            aboveX -= it->second;
        }
        if (auto it = other.m_atoms.find(t); it != other.m_atoms.end())
        {
            aboveY -= it->second;
        }
        const double cdf = 1.0 - aboveX * aboveY;
        if (cdf - previous > 0.0)
        {
            out.m_atoms[t] = cdf - previous;
        }
        previous = cdf;
    }
    return out;
}

void
DiscreteDistribution::Merge(const DiscreteDistribution& other)
{
    for (const auto& [t, p] : other.m_atoms)
    {
        m_atoms[t] += p;
    }
}

double
DiscreteDistribution::Mass() const
{
    double mass = 0.0;
    for (const auto& [t, p] : m_atoms)
    {
        mass += p;
    }
    return mass;
}

double
DiscreteDistribution::MassUpTo(double t) const
{
    double mass = 0.0;
    const int64_t limit = ToNs(t);
    for (auto it = m_atoms.begin(); it != m_atoms.end() && it->first <= limit; ++it)
    {
        mass += it->second;
    }
    return mass;
}

DiscreteDistribution
DiscreteDistribution::Window(double lo, double hi) const
{
    DiscreteDistribution out;
    const auto first = m_atoms.upper_bound(ToNs(lo));
    const auto last = m_atoms.upper_bound(ToNs(hi));
    out.m_atoms.insert(first, last);
    return out;
}

double
DiscreteDistribution::Mean() const
{
    double mass = 0.0;
    double sum = 0.0;
    for (const auto& [t, p] : m_atoms)
    {
        mass += p;
        sum += p * ToSeconds(t);
    }
    return mass > 0.0 ? sum / mass : 0.0;
}

double
DiscreteDistribution::Quantile(double q) const
{
    const double mass = Mass();
    if (mass <= 0.0)
    {
        return 0.0;
    }
    double cum = 0.0;
    for (const auto& [t, p] : m_atoms)
    {
        cum += p;
        // Relative tolerance: the normalised CDF of the last atom must reach 1 exactly.
        if (cum >= q * mass * (1.0 - 1e-12))
        {
            return ToSeconds(t);
        }
    }
    return ToSeconds(m_atoms.rbegin()->first);
}

std::vector<std::pair<double, double>>
DiscreteDistribution::Cdf() const
{
    std::vector<std::pair<double, double>> out;
    const double mass = Mass();
    if (mass <= 0.0)
    {
        return out;
    }
    double cum = 0.0;
    for (const auto& [t, p] : m_atoms)
    {
        cum += p;
        out.emplace_back(ToSeconds(t), std::min(1.0, cum / mass));
    }
    return out;
}

std::vector<std::pair<double, double>>
DiscreteDistribution::Atoms() const
{
    std::vector<std::pair<double, double>> out;
    out.reserve(m_atoms.size());
    for (const auto& [t, p] : m_atoms)
    {
        out.emplace_back(ToSeconds(t), p);
    }
    return out;
}

} // namespace sipsim::analytic
