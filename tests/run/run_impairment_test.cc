// Link impairments as the run measures them, and agreement with Wireshark's reading of the
// pcap files.
#include "run_test_util.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <regex>

namespace sipsim::test
{
namespace
{

/// Many short calls, so the A-P1 link carries a few thousand messages.
std::vector<std::string>
ManyCalls(std::vector<std::string> extra)
{
    std::vector<std::string> overrides = {"workload.calls=400", "workload.holding_time=\"200ms\"",
                                          "workload.callee.ring_time=\"50ms\""};
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    return overrides;
}

struct HopLoss
{
    int sent = 0;
    int dropped = 0;
    double Ratio() const { return sent == 0 ? 0.0 : static_cast<double>(dropped) / sent; }
};

/// Loss measured on the transmissions between two nodes (both directions).
HopLoss
MeasureLoss(const fs::path& dir, const std::string& a, const std::string& b)
{
    const Csv m = ReadCsv(dir / "messages.csv");
    HopLoss loss;
    for (std::size_t i = 0; i < m.rows.size(); ++i)
    {
        const std::string& from = m.At(i, "from");
        const std::string& to = m.At(i, "to");
        if ((from == a && to == b) || (from == b && to == a))
        {
            ++loss.sent;
            loss.dropped += m.At(i, "status") == "dropped" ? 1 : 0;
        }
    }
    return loss;
}

TEST(RunImpairments, IidLossRatioWithinBinomialBounds)
{
    const double p = 0.1;
    const RunOutcome r = RunSeed("iid", ManyCalls({"impairments.links.A-P1.loss=0.1"}), 5);
    ASSERT_EQ(r.code, kRunOk) << r.err;
    const HopLoss loss = MeasureLoss(r.dir, "A", "P1");
    ASSERT_GT(loss.sent, 2500);
    // Each transmission is an independent Bernoulli(p) draw: 4.5 sigma keeps the test
    // deterministic-in-practice while still catching a wrong rate (0.05 or 0.2 would fail).
    const double sigma = std::sqrt(p * (1 - p) / loss.sent);
    EXPECT_NEAR(loss.Ratio(), p, 4.5 * sigma) << loss.dropped << "/" << loss.sent;
    // Links without impairment lose nothing.
    EXPECT_EQ(MeasureLoss(r.dir, "P1", "P2").dropped, 0);
    EXPECT_EQ(MeasureLoss(r.dir, "P2", "B").dropped, 0);
}

TEST(RunImpairments, GilbertElliottMeanLoss)
{
    // Stationary P(bad) = p / (p + r) = 0.05 / 0.55; loss 1 in bad, 0 in good.
    const double mean = 0.05 / 0.55;
    const RunOutcome r =
        RunSeed("ge",
                ManyCalls({"impairments.links.A-P1.loss_model=\"gilbert-elliott\"",
                           "impairments.links.A-P1.ge_p=0.05", "impairments.links.A-P1.ge_r=0.5",
                           "impairments.links.A-P1.ge_loss_good=0",
                           "impairments.links.A-P1.ge_loss_bad=1"}),
                3);
    ASSERT_EQ(r.code, kRunOk) << r.err;
    const HopLoss loss = MeasureLoss(r.dir, "A", "P1");
    ASSERT_GT(loss.sent, 2500);
    // Losses are correlated (lag-1 correlation 1 - p - r = 0.45 per direction), which
    // inflates the variance of the mean by (1 + rho) / (1 - rho) = 2.64.
    const double sigma = std::sqrt(mean * (1 - mean) / loss.sent * 2.64);
    EXPECT_NEAR(loss.Ratio(), mean, 4.5 * sigma) << loss.dropped << "/" << loss.sent;
}

/// tshark's "-z sip,stat" over one file: total SIP messages and per method / status line.
std::map<std::string, int>
TsharkSipStat(const fs::path& pcap)
{
    std::map<std::string, int> counts;
    const std::string command = "tshark -r '" + pcap.string() + "' -q -z sip,stat 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
    {
        return counts;
    }
    std::string text;
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr)
    {
        text += buffer.data();
    }
    ::pclose(pipe);
    // Lines come in hash order: match each by pattern, not position.
    const std::regex total(R"(Number of SIP messages: (\d+))");
    const std::regex line(R"(^\s+(SIP \d{3} [^:]*?|[A-Z]+)\s*:\s*(\d+) Packets)");
    std::smatch match;
    if (std::regex_search(text, match, total))
    {
        counts["total"] = std::stoi(match[1]);
    }
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
    {
        if (std::regex_search(l, match, line))
        {
            std::string key = match[1];
            if (key.rfind("SIP ", 0) == 0)
            {
                key = key.substr(4, 3); // status code
            }
            counts[key] += std::stoi(match[2]);
        }
    }
    return counts;
}

TEST(RunPcap, TsharkAgreesWithMessagesCsv)
{
    if (std::system("tshark --version >/dev/null 2>&1") != 0 ||
        std::system("mergecap --version >/dev/null 2>&1") != 0)
    {
        GTEST_SKIP() << "tshark/mergecap (Wireshark) are not installed: cannot cross-check the "
                        "pcap files";
    }
    RunOptions pcap;
    pcap.pcap = true;
    // Lossy, so dropped messages (seen only by the sender's device) are exercised too.
    const RunOutcome r = RunSeed("pcap", ForwardLossOnAP1(0.5), 3, pcap);
    ASSERT_EQ(r.code, kRunOk) << r.err;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(r.dir / "pcap"))
    {
        files += entry.path().extension() == ".pcap" ? 1 : 0;
    }
    ASSERT_EQ(files, 6) << "one pcap per device of the three seed links";
    // One tshark over the merged captures (tshark's start-up dominates the test's time).
    const fs::path merged = r.dir / "merged.pcapng";
    ASSERT_EQ(std::system(("mergecap -w '" + merged.string() + "' '" + (r.dir / "pcap").string() +
                           "'/*.pcap")
                              .c_str()),
              0);
    const std::map<std::string, int> pcapCounts = TsharkSipStat(merged);
    // In the seed every SIP hop is one link: a delivered message is captured by the sending
    // and the receiving device, a lost one by the sender only.
    const Csv m = ReadCsv(r.dir / "messages.csv");
    std::map<std::string, int> expected;
    int dropped = 0;
    for (std::size_t i = 0; i < m.rows.size(); ++i)
    {
        const int copies = m.At(i, "status") == "delivered" ? 2 : 1;
        dropped += copies == 1 ? 1 : 0;
        const std::string& kind = m.At(i, "kind");
        const std::string key =
            std::isdigit(static_cast<unsigned char>(kind[0])) ? kind.substr(0, 3) : kind;
        expected[key] += copies;
        expected["total"] += copies;
    }
    ASSERT_GT(dropped, 0) << "at 50% loss something should be lost";
    EXPECT_EQ(pcapCounts, expected);
}

} // namespace
} // namespace sipsim::test
