#include "ns3_random.h"

#include <algorithm>

namespace sipsim
{

Ns3RandomSource::Ns3RandomSource(int64_t stream)
    : m_uniform(ns3::CreateObject<ns3::UniformRandomVariable>())
{
    m_uniform->SetStream(stream);
}

uint64_t
Ns3RandomSource::Next32()
{
    const double u = m_uniform->GetValue(); // [0, 1)
    return std::min<uint64_t>(static_cast<uint64_t>(u * 4294967296.0), 0xFFFFFFFFu);
}

uint64_t
Ns3RandomSource::NextU64()
{
    const uint64_t high = Next32();
    return (high << 32) | Next32();
}

} // namespace sipsim
