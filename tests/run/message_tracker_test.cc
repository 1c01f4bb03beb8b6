// MessageTracker's messages.csv rows: formatted when a message leaves, written in order once
// its fate is known, and held back (with every row after it) while it is not.
#include "run/csv_format.h"
#include "run/message_tracker.h"

#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

std::vector<std::string>
Split(const std::string& text, char separator)
{
    std::vector<std::string> parts;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, separator);)
    {
        parts.push_back(part);
    }
    return parts;
}

ns3::Ptr<ns3::Packet>
Message(int i)
{
    // Sizes vary with i, so a row cut at the wrong place shows in its size column.
    const std::string bytes = "OPTIONS sip:b SIP/2.0\r\nCall-ID: c" + std::to_string(i) +
                              "\r\nCSeq: " + std::to_string(i % 97 + 1) + " OPTIONS\r\n" +
                              std::string(static_cast<std::size_t>(i % 13), 'x') + "\r\n\r\n";
    return ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(bytes.data()),
                                    static_cast<uint32_t>(bytes.size()));
}

TEST(MessageTracker, RowsWaitForTheirFateAndComeOutWholeAndInOrder)
{
    MessageTracker::Options options;
    options.nodeNames = {"a", "b"};
    options.hostToNode = {{"a", 0}, {"b", 1}};
    std::ostringstream csv;
    MessageTracker tracker(options, &csv, nullptr, nullptr);

    // 6000 rows (~300 KB): one message stays unresolved while 3000 more leave and arrive,
    // then is lost; the rest arrive in turn, so the pending rows are trimmed many times.
    constexpr int kMessages = 6000;
    constexpr int kHeld = 10;
    std::vector<ns3::Ptr<ns3::Packet>> packets;
    std::vector<uint32_t> sizes;
    for (int i = 0; i < kMessages; ++i)
    {
        const TimePoint now = std::chrono::milliseconds(i);
        packets.push_back(Message(i));
        sizes.push_back(packets.back()->GetSize());
        tracker.OnTx(now, 0, packets.back(), Address{"b", 5060, Transport::Udp}, false);
        if (i != kHeld)
        {
            tracker.OnRx(now, 1, packets.back(), Address{"a", 5060, Transport::Udp});
        }
        if (i == kHeld + 3000)
        {
            EXPECT_EQ(tracker.Unresolved(), 3001u) << "rows after the unresolved one wait";
            tracker.OnLinkDrop(packets[kHeld], "link");
        }
    }
    tracker.Finish();

    const std::vector<std::string> lines = Split(csv.str(), '\n');
    ASSERT_EQ(lines.size(), kMessages + 1u);
    EXPECT_EQ(lines[0], "time_s,call,call_id,from,to,kind,cseq,size,retransmission,status");
    for (int i = 0; i < kMessages; ++i)
    {
        const std::vector<std::string> fields = Split(lines[i + 1u], ',');
        ASSERT_EQ(fields.size(), 10u) << lines[i + 1u];
        std::string time;
        AppendSeconds(time, std::chrono::milliseconds(i));
        EXPECT_EQ(fields[0], time);
        EXPECT_EQ(fields[1], ""); // no call lookup
        EXPECT_EQ(fields[2], "c" + std::to_string(i));
        EXPECT_EQ(fields[3], "a");
        EXPECT_EQ(fields[4], "b");
        EXPECT_EQ(fields[6], std::to_string(i % 97 + 1) + " OPTIONS");
        EXPECT_EQ(fields[7], std::to_string(sizes[i]));
        EXPECT_EQ(fields[9], i == kHeld ? "dropped" : "delivered");
    }
    EXPECT_EQ(tracker.Counters().sent, static_cast<uint64_t>(kMessages));
    EXPECT_EQ(tracker.Counters().dropped, 1u);
}

} // namespace
} // namespace sipsim
