#include "sip/validated_lines.h"

#include <gtest/gtest.h>
#include <string>

namespace sipsim
{
namespace
{

TEST(ValidatedLines, RemembersExactLinesPerKind)
{
    ValidatedLines seen(4);
    EXPECT_FALSE(seen.Contains(1, "<sip:a@example.com>;tag=1"));
    seen.Add(1, "<sip:a@example.com>;tag=1");
    EXPECT_TRUE(seen.Contains(1, "<sip:a@example.com>;tag=1"));
    EXPECT_FALSE(seen.Contains(2, "<sip:a@example.com>;tag=1")); // same text, other header
    EXPECT_FALSE(seen.Contains(1, "<sip:a@example.com>;tag=2"));
    EXPECT_FALSE(seen.Contains(1, "<sip:a@example.com>;tag=")); // a prefix is not the line
    EXPECT_FALSE(seen.Contains(1, ""));
    seen.Add(1, "<sip:a@example.com>;tag=1"); // again: still one line
    EXPECT_EQ(seen.Size(), 1u);
    seen.Add(1, "");
    EXPECT_TRUE(seen.Contains(1, ""));
    EXPECT_EQ(seen.Size(), 2u);
}

TEST(ValidatedLines, ForgetsEverythingWhenFullAndStaysBounded)
{
    const std::size_t capacity = 16;
    ValidatedLines seen(capacity);
    for (std::size_t i = 0; i < capacity; ++i)
    {
        seen.Add(3, "c" + std::to_string(i) + "@example.com");
    }
    EXPECT_EQ(seen.Size(), capacity);
    for (std::size_t i = 0; i < capacity; ++i)
    {
        EXPECT_TRUE(seen.Contains(3, "c" + std::to_string(i) + "@example.com")) << i;
    }
    seen.Add(3, "one-more@example.com");
    EXPECT_EQ(seen.Size(), 1u);
    EXPECT_TRUE(seen.Contains(3, "one-more@example.com"));
    EXPECT_FALSE(seen.Contains(3, "c0@example.com"));
    // Many rounds of fill-and-forget keep every answer exact.
    for (std::size_t i = 0; i < 40 * capacity; ++i)
    {
        const std::string line = "r" + std::to_string(i);
        seen.Add(7, line);
        EXPECT_TRUE(seen.Contains(7, line)) << i;
        EXPECT_LE(seen.Size(), capacity);
    }
}

} // namespace
} // namespace sipsim
