#include "ladder.h"

#include "csv_format.h"

namespace sipsim
{

std::string
LadderLine(std::size_t number, const LadderEntry& e)
{
    std::string line = "F" + std::to_string(number) + " " + e.kind + " " + e.from + " -> " + e.to;
    if (e.retransmission)
    {
        line += " (retransmission)";
    }
    if (e.status == MessageStatus::Dropped)
    {
        line += " (lost)";
    }
    return line;
}

void
WriteLadder(std::ostream& out, uint64_t call, const std::string& callId,
            const std::vector<LadderEntry>& entries)
{
    out << "# Call " << call << (callId.empty() ? std::string() : ", Call-ID " + callId) << ": "
        << entries.size() << " messages; times in seconds of simulated time\n\n";
    for (std::size_t i = 0; i < entries.size(); ++i)
    {
        const LadderEntry& e = entries[i];
        out << LadderLine(i + 1, e) << "\n";
        out << "    ; t=" << FormatSeconds(e.time) << " s, " << e.text.size() << " bytes\n";
        std::size_t start = 0;
        std::string text = e.text;
        // Show the headers and body; the final CRLF of the header block becomes a blank line.
        while (start < text.size())
        {
            std::size_t end = text.find('\n', start);
            if (end == std::string::npos)
            {
                end = text.size();
            }
            std::string line = text.substr(start, end - start);
            if (!line.empty() && line.back() == '\r')
            {
                line.pop_back();
            }
            out << (line.empty() ? "" : "    ") << line << "\n";
            start = end + 1;
        }
        out << "\n";
    }
}

} // namespace sipsim
