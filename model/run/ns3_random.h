#ifndef SIPSIM_RUN_NS3_RANDOM_H
#define SIPSIM_RUN_NS3_RANDOM_H

#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "sip/types.h"

#include <cstdint>

namespace sipsim
{

/// A core RandomSource drawing from an ns-3 UniformRandomVariable with a fixed stream
/// number, so that tags, branches, Call-IDs, nonces and behaviour draws follow ns-3's
/// RngSeed/RngRun: equal (seed, run) give identical bytes, another run an independent
/// replication. Each element gets its own stream, so adding an element does not shift the
/// draws of the others.
class Ns3RandomSource : public RandomSource
{
public:
    explicit Ns3RandomSource(int64_t stream);
    uint64_t NextU64() override;

private:
    /// 32 random bits: MRG32k3a yields a double with ~32 bits of entropy per draw.
    uint64_t Next32();

    ns3::Ptr<ns3::UniformRandomVariable> m_uniform;
};

} // namespace sipsim

#endif
