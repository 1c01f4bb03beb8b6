#ifndef SIPSIM_SIP_HASH_BYTES_H
#define SIPSIM_SIP_HASH_BYTES_H

#include <cstdint>
#include <cstring>
#include <string_view>

namespace sipsim
{

/// SplitMix64 finaliser: every input bit reaches the low bits that pick a table slot.
inline uint64_t
MixBits(uint64_t h)
{
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

/// A 64-bit hash of a byte string for in-memory tables keyed by whole header lines or
/// messages (validated-line memo, retransmission detection, parse-ahead hand-over). Eight
/// bytes per step instead of std::hash's byte-oriented mixing: these tables hash every
/// header line and every message at every hop. Not for anything written out or compared
/// across builds, and not collision-resistant against an adversary; every user compares
/// the bytes, or accepts a 2^-64 chance of a wrong retransmission flag.
inline uint64_t
HashBytes(std::string_view bytes)
{
    constexpr uint64_t kMultiplier = 0x9e3779b97f4a7c15ULL;
    uint64_t h = bytes.size() * kMultiplier;
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    auto mix = [&h](uint64_t word) {
        h = (h ^ word) * 0xbf58476d1ce4e5b9ULL;
        h ^= h >> 31;
    };
    for (; n >= 8; p += 8, n -= 8)
    {
        uint64_t word;
        std::memcpy(&word, p, 8);
        mix(word);
    }
    if (n > 0)
    {
        uint64_t word = 0;
        std::memcpy(&word, p, n);
        mix(word);
    }
    return MixBits(h);
}

/// Folds `value` into the hash `seed` (order matters: combine(combine(s, a), b) differs
/// from combine(combine(s, b), a)), e.g. a message hash with its source and destination.
inline uint64_t
HashCombine(uint64_t seed, uint64_t value)
{
    return MixBits(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

/// The hasher for std::unordered_map keyed by std::string or std::string_view: the
/// per-message tables (Call-ID, dialog, transaction keys) are looked up several times per
/// message and hop. Deliberately not noexcept: libstdc++ stores each node's hash only for
/// hashers that may throw (or that it deems slow); without the stored hash every bucket
/// scan and rehash hashes the keys again, which cost more than the faster hash saved.
struct BytesHasher
{
    std::size_t operator()(std::string_view key) const { return HashBytes(key); }
};

} // namespace sipsim

#endif
