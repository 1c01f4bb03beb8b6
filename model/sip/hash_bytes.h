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

/// The 128-bit product of a and b folded to 64 bits: one multiply mixes two words.
inline uint64_t
FoldedMultiply(uint64_t a, uint64_t b)
{
    __extension__ using Wide = unsigned __int128; // GCC and Clang; __extension__: -Wpedantic
    const Wide product = static_cast<Wide>(a) * b;
    return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

/// A 64-bit hash of a byte string for in-memory tables keyed by whole header lines or
/// messages (validated-line memo, retransmission detection, message hand-off). Sixteen
/// bytes per multiply: these tables hash every header line and every message at every hop.
/// The state is xored back after each step, so a block whose product is zero (a word equal
/// to a key, which SIP text cannot hold) only drops that block, not what came before.
/// Not for anything written out or compared across builds, and not collision-resistant
/// against an adversary; every user compares the bytes, or accepts a 2^-64 chance of a
/// wrong retransmission flag.
inline uint64_t
HashBytes(std::string_view bytes)
{
    constexpr uint64_t kFirstKey = 0xa0761d6478bd642fULL;
    constexpr uint64_t kSecondKey = 0xe7037ed1a0b428dbULL;
    const char* p = bytes.data();
    std::size_t n = bytes.size();
    uint64_t h = (n * 0x9e3779b97f4a7c15ULL) ^ kSecondKey;
    auto load = [](const char* at) {
        uint64_t word;
        std::memcpy(&word, at, 8);
        return word;
    };
    for (; n >= 16; p += 16, n -= 16)
    {
        h ^= FoldedMultiply(load(p) ^ kFirstKey, load(p + 8) ^ h);
    }
    if (n > 0)
    {
        uint64_t first = 0;
        uint64_t second = 0;
        std::memcpy(&first, p, n < 8 ? n : 8);
        if (n > 8)
        {
            std::memcpy(&second, p + 8, n - 8);
        }
        h ^= FoldedMultiply(first ^ kFirstKey, second ^ h);
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
