#include "sip/hash_bytes.h"

#include <gtest/gtest.h>
#include <set>
#include <string>

namespace sipsim
{
namespace
{

TEST(HashBytes, SameBytesSameHashWhereverTheyLie)
{
    const std::string a = "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1";
    const std::string b = "xx" + a;
    EXPECT_EQ(HashBytes(a), HashBytes(std::string_view(b).substr(2))); // alignment-free
}

TEST(HashBytes, EveryByteAndTheLengthCount)
{
    // Flip each byte of messages of every tail length 0..7 beyond whole words: each
    // change must change the hash, as must a trailing zero byte (length alone differs).
    for (std::size_t length = 1; length <= 40; ++length)
    {
        const std::string base(length, 'a');
        const uint64_t original = HashBytes(base);
        for (std::size_t i = 0; i < length; ++i)
        {
            std::string changed = base;
            changed[i] = 'b';
            EXPECT_NE(HashBytes(changed), original) << length << " " << i;
        }
        EXPECT_NE(HashBytes(base + std::string(1, '\0')), original) << length;
    }
    EXPECT_NE(HashBytes(""), HashBytes(std::string(1, '\0')));
}

TEST(HashBytes, LowBitsSpreadSequentialKeys)
{
    // ValidatedLines picks a slot from the low bits: Call-IDs differing in one digit must
    // not pile up in a few of 1024 slots.
    std::set<uint64_t> slots;
    for (int i = 0; i < 512; ++i)
    {
        slots.insert(HashBytes("call-" + std::to_string(i) + "@example.com") & 1023);
    }
    EXPECT_GT(slots.size(), 350u); // ~402 expected for a uniform hash
}

} // namespace
} // namespace sipsim
