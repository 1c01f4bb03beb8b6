#include "sip/abnf.h"

#include <cstdint>
#include <gtest/gtest.h>
#include <string>

namespace sipsim
{
namespace
{

TEST(FixedHex, WritesTheLowDigitsMostSignificantFirstZeroPadded)
{
    EXPECT_EQ(abnf::FixedHex(0, 4), "0000");
    EXPECT_EQ(abnf::FixedHex(0xabc, 8), "00000abc");
    EXPECT_EQ(abnf::FixedHex(0x0123456789abcdefULL, 16), "0123456789abcdef");
    EXPECT_EQ(abnf::FixedHex(0xfedcba9876543210ULL, 4), "3210"); // only the low digits
    EXPECT_EQ(abnf::FixedHex(0xffffffffffffffffULL, 18), "00ffffffffffffffff");
    EXPECT_EQ(abnf::FixedHex(7, 0), "");
}

TEST(ParseFixedHex, AcceptsExactlyThatManyDigitsOfEitherCase)
{
    EXPECT_EQ(abnf::ParseFixedHex("00000abc", 8), 0xabcu);
    EXPECT_EQ(abnf::ParseFixedHex("DEADbeef", 8), 0xdeadbeefu);
    EXPECT_EQ(abnf::ParseFixedHex("ffffffffffffffff", 16), 0xffffffffffffffffULL);
    EXPECT_FALSE(abnf::ParseFixedHex("abc", 8).has_value());       // too short
    EXPECT_FALSE(abnf::ParseFixedHex("000000abc", 8).has_value()); // too long
    EXPECT_FALSE(abnf::ParseFixedHex("0000000g", 8).has_value());
    EXPECT_FALSE(abnf::ParseFixedHex("0000 abc", 8).has_value());
    EXPECT_FALSE(abnf::ParseFixedHex("00000000000000000", 17).has_value()); // would overflow
}

TEST(FixedHex, RoundTripsThroughParseFixedHex)
{
    uint64_t value = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 200; ++i)
    {
        value = value * 6364136223846793005ULL + 1442695040888963407ULL;
        for (std::size_t digits : {1u, 8u, 13u, 16u})
        {
            const uint64_t low = digits == 16 ? value : value & ((1ULL << (4 * digits)) - 1);
            EXPECT_EQ(abnf::ParseFixedHex(abnf::FixedHex(value, digits), digits), low);
        }
    }
}

} // namespace
} // namespace sipsim
