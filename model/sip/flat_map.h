#ifndef SIPSIM_SIP_FLAT_MAP_H
#define SIPSIM_SIP_FLAT_MAP_H

// Open-addressing hash tables (Abseil's Swiss tables) for the per-message lookups: the
// transaction table, the tracker's packet and retransmission maps. A node-based
// std::unordered_map costs a bucket load, a node load and an allocation per entry; on a
// long run those nodes are cold, and the misses showed in wall time though not in
// instruction counts. The hashers are ours, so a table's layout depends on its keys and
// insertion order only; and where a loop walks one (transport errors in the transaction
// layer), it sorts what it finds before acting, so no output depends on that layout.

#include "hash_bytes.h"

#include <absl/container/flat_hash_map.h>
#include <cstdint>

namespace sipsim
{

/// Hasher for integer keys (ids, packet uids, 64-bit content hashes): Swiss tables take
/// the slot from the low bits and a tag from the high ones, so every input bit must
/// reach both.
struct IdHasher
{
    std::size_t operator()(uint64_t key) const { return MixBits(key); }
};

template <typename Value> using IdMap = absl::flat_hash_map<uint64_t, Value, IdHasher>;

} // namespace sipsim

#endif
