#ifndef SIPSIM_RUN_BYTES_INDEX_H
#define SIPSIM_RUN_BYTES_INDEX_H

#include "sip/hash_bytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace sipsim
{

/// Sequence numbers of byte strings kept in a window (ParseAhead, MessageHandOff), by the
/// bytes' hash. Retransmissions share bytes, so one hash may index several entries.
class BytesIndex
{
public:
    void Add(uint64_t hash, uint64_t seq) { m_byHash.emplace(hash, seq); }

    /// Removes and returns the first sequence number indexed under `hash` for which
    /// `matches(seq)` holds (the caller compares the bytes); nullopt when there is none.
    template <typename Matches> std::optional<uint64_t> Take(uint64_t hash, Matches&& matches)
    {
        auto [begin, end] = m_byHash.equal_range(hash);
        for (auto it = begin; it != end; ++it)
        {
            if (matches(it->second))
            {
                const uint64_t seq = it->second;
                m_byHash.erase(it);
                return seq;
            }
        }
        return std::nullopt;
    }

    /// Forgets `seq` (an entry dropped untaken).
    void Remove(uint64_t hash, uint64_t seq)
    {
        Take(hash, [seq](uint64_t candidate) { return candidate == seq; });
    }

private:
    std::unordered_multimap<uint64_t, uint64_t> m_byHash;
};

/// HashBytes with the last bytes hashed remembered. A transmission's bytes are hashed when
/// the element hands them off and again when the message tracker sees the packet leave;
/// sharing one of these makes the second a comparison.
class LastBytesHash
{
public:
    uint64_t Hash(std::string_view bytes)
    {
        if (!m_valid || bytes != m_bytes)
        {
            m_bytes.assign(bytes);
            m_hash = HashBytes(bytes);
            m_valid = true;
        }
        return m_hash;
    }

private:
    std::string m_bytes;
    uint64_t m_hash = 0;
    bool m_valid = false;
};

} // namespace sipsim

#endif
