#ifndef SIPSIM_ANALYTIC_DISTRIBUTION_H
#define SIPSIM_ANALYTIC_DISTRIBUTION_H

// A discrete (lattice) distribution of a delay. Under the model's assumptions every delay
// is a sum of fixed propagation/service delays and retransmission offsets, so it takes
// finitely many values and sums of independent delays are exact convolutions.

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace sipsim::analytic
{

/// Atoms (time in seconds -> probability). The total mass may be below 1 (a "defective"
/// distribution): the missing mass is the probability that the event never happens (e.g.
/// the call fails). Times are kept on a 1 ns grid so equal sums merge exactly.
class DiscreteDistribution
{
public:
    /// The empty distribution (mass 0).
    DiscreteDistribution() = default;
    /// All mass `p` at time `t`.
    static DiscreteDistribution PointMass(double t, double p = 1.0);

    void Add(double t, double p);
    /// Distribution of X + Y for independent X (this) and Y; masses multiply.
    DiscreteDistribution Convolve(const DiscreteDistribution& other) const;
    /// X + c.
    DiscreteDistribution Shift(double c) const;
    /// Mass scaled by `w` (for mixtures: a.Scale(w) merged with b.Scale(1-w)).
    DiscreteDistribution Scale(double w) const;
    /// Distribution of min(X, Y) for independent X (this) and Y; "never" only if both never.
    DiscreteDistribution Min(const DiscreteDistribution& other) const;
    /// Adds the atoms of `other` (a mixture when the masses were scaled beforehand).
    void Merge(const DiscreteDistribution& other);

    double Mass() const;
    /// P(X <= t), not normalised (so 1 - MassUpTo(t) includes "never").
    double MassUpTo(double t) const;
    /// The atoms with lo < t <= hi (not normalised).
    DiscreteDistribution Window(double lo, double hi) const;
    /// E[X | the event happens] (mass-normalised); 0 when the mass is 0.
    double Mean() const;
    /// Smallest t with P(X <= t | happens) >= q, q in (0, 1].
    double Quantile(double q) const;
    /// Normalised CDF at each atom: (t, P(X <= t | happens)), increasing t.
    std::vector<std::pair<double, double>> Cdf() const;
    /// Atoms as (seconds, probability), increasing t.
    std::vector<std::pair<double, double>> Atoms() const;
    std::size_t Size() const { return m_atoms.size(); }

private:
    std::map<int64_t, double> m_atoms; ///< nanoseconds -> probability
};

} // namespace sipsim::analytic

#endif
