// Property: for random valid messages, ParseMessage(m.Serialize()) == m and Serialize is
// byte-stable; and a "noisy" wire form of m (compact and oddly cased names, whitespace
// around colons, folded lines, leading CRLFs) parses to the same m.
#include "sip/message.h"
#include "sip/types.h"

#include <gtest/gtest.h>
#include <map>
#include <string>
#include <vector>

namespace sipsim
{
namespace
{

class MessageGenerator
{
public:
    explicit MessageGenerator(uint64_t seed) : m_rng(seed) {}

    /// A random message built through the API, so its fields are canonical by construction.
    SipMessage Next()
    {
        bool request = Chance(0.6);
        std::string method = Pick({"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO",
                                   "MESSAGE", "SUBSCRIBE", "NOTIFY", "X-" + Token(6)});
        SipMessage m =
            request ? SipMessage::MakeRequest(method, Uri())
                    : SipMessage::MakeResponse(static_cast<int>(Range(100, 699)), ReasonPhrase());
        int vias = static_cast<int>(Range(1, 4));
        for (int i = 0; i < vias; ++i)
        {
            std::string value = ViaValue();
            if (Chance(0.3))
            {
                value += Pick({",", " ,", ", ", " , "}) + ViaValue();
            }
            m.Add("Via", value);
        }
        if (request || Chance(0.5))
        {
            m.Add("Max-Forwards", std::to_string(Range(0, 255)));
        }
        m.Add("From", NameAddrValue() + ";tag=" + Token(8));
        m.Add("To", NameAddrValue() + (Chance(0.5) ? ";tag=" + Token(6) : ""));
        m.Add("Call-ID", Token(12) + (Chance(0.5) ? "@" + Host() : ""));
        m.Add("CSeq", std::to_string(Range(0, 0x7FFFFFFF)) + " " + method);
        int extras = static_cast<int>(Range(0, 6));
        for (int i = 0; i < extras; ++i)
        {
            AddExtraHeader(m);
        }
        if (Chance(0.15))
        {
            // Datagram without Content-Length: the body runs to the end.
            m.SetRawBody(Body());
        }
        else if (Chance(0.5))
        {
            m.SetBody(Body(), Pick({"application/sdp", "text/plain", "application/octet-stream"}));
        }
        else
        {
            m.SetBody("");
        }
        return m;
    }

    /// The same message as a peer might have written it.
    std::string Noisy(const SipMessage& m)
    {
        std::string out;
        int leading = Chance(0.2) ? static_cast<int>(Range(1, 3)) : 0;
        for (int i = 0; i < leading; ++i)
        {
            out += "\r\n";
        }
        std::string wire = m.Serialize();
        out.append(wire, 0, wire.find("\r\n") + 2); // the start line as is
        for (const HeaderField& h : m.Headers())
        {
            out += NameSpelling(h.name.str());
            out += Pick({"", "", " ", "\t", "  "});
            out += ":";
            out += Pick({"", " ", " ", "   ", "\t"});
            out += Folded(h.value.str());
            out += Pick({"", "", " ", "\t "});
            out += "\r\n";
        }
        out += "\r\n";
        out += m.Body();
        return out;
    }

private:
    uint64_t Range(uint64_t lo, uint64_t hi) { return lo + m_rng.NextU64() % (hi - lo + 1); }
    bool Chance(double p) { return m_rng.NextUnit() < p; }
    std::string Pick(const std::vector<std::string>& options)
    {
        return options[Range(0, options.size() - 1)];
    }
    std::string Token(std::size_t n) { return m_rng.Token(n); }

    std::string Host()
    {
        switch (Range(0, 3))
        {
        case 0:
            return std::to_string(Range(1, 223)) + "." + std::to_string(Range(0, 255)) + "." +
                   std::to_string(Range(0, 255)) + "." + std::to_string(Range(1, 254));
        case 1:
            return "[2001:db8::" + std::to_string(Range(1, 9999)) + "]";
        default:
            return Token(Range(1, 8)) + "." + Pick({"example.com", "example.org", "test"});
        }
    }

    std::string Uri()
    {
        std::string uri = Chance(0.85) ? "sip:" : "sips:";
        if (Chance(0.8))
        {
            uri += Pick({Token(Range(1, 10)), "+1972555" + std::to_string(Range(1000, 9999)),
                         "user%20name", "a.b-c_d!e~f*g'h(i)j"});
            uri += "@";
        }
        uri += Host();
        if (Chance(0.4))
        {
            uri += ":" + std::to_string(Range(1, 65535));
        }
        if (Chance(0.3))
        {
            uri +=
                Pick({";transport=tcp", ";lr", ";user=phone", ";x-" + Token(3) + "=" + Token(4)});
        }
        return uri;
    }

    /// A URI with exactly one lr parameter: §19.1.1 forbids repeating a parameter name.
    std::string LooseRouteUri()
    {
        std::string uri = Uri();
        return uri.find(";lr") == std::string::npos ? uri + ";lr" : uri;
    }

    std::string ViaValue()
    {
        std::string via = "SIP/2.0/" + Pick({"UDP", "TCP", "TLS", "SCTP"}) + " " + Host();
        if (Chance(0.5))
        {
            via += ":" + std::to_string(Range(1, 65535));
        }
        via += ";branch=z9hG4bK" + Token(Range(4, 16));
        if (Chance(0.3))
        {
            via += ";rport";
        }
        if (Chance(0.2))
        {
            via += ";received=192.0.2." + std::to_string(Range(1, 254));
        }
        return via;
    }

    std::string DisplayName()
    {
        switch (Range(0, 4))
        {
        case 0:
            return "";
        case 1:
            return Token(Range(1, 6)) + " ";
        case 2:
            return Token(3) + " " + Token(5) + " ";
        case 3:
            return "\"" + Token(4) + ", " + Token(3) + "\" ";
        default:
            return "\"Doe, J. \\\"" + Token(2) + "\\\" <x>\" ";
        }
    }

    std::string NameAddrValue()
    {
        std::string display = DisplayName();
        if (display.empty() && Chance(0.3))
        {
            return "sip:" + Token(5) + "@" + Host(); // addr-spec without brackets or params
        }
        return display + "<" + Uri() + ">";
    }

    std::string ReasonPhrase()
    {
        return Pick({"OK", "Ringing", "Busy Here", "", "Not  Found ",
                     "\xd0\xbe\xd0\xba \xe2\x9c\x93", "Weird, \"quoted\" <reason>"});
    }

    /// Header text without CR/LF, possibly with commas, quotes and UTF-8; trimmed.
    std::string FreeText()
    {
        std::string text;
        std::size_t words = Range(1, 5);
        for (std::size_t i = 0; i < words; ++i)
        {
            if (i > 0)
            {
                text += Pick({" ", " ", ", ", "  ", "\t"});
            }
            text += Pick({Token(Range(1, 8)), "\"q, " + Token(2) + "\"", "<sip:a,b>", ";;",
                          "\xc3\xa9t\xc3\xa9", "a=b"});
        }
        return text;
    }

    void AddExtraHeader(SipMessage& m)
    {
        switch (Range(0, 7))
        {
        case 0:
            m.Add("Contact", NameAddrValue() +
                                 (Chance(0.5) ? ";expires=" + std::to_string(Range(0, 7200)) : ""));
            break;
        case 1:
            m.Add("Route", "<" + LooseRouteUri() + ">, <" + Uri() + ">");
            break;
        case 2:
            m.Add("Record-Route", "<" + LooseRouteUri() + ">");
            break;
        case 3:
            m.Add("Subject", FreeText());
            break;
        case 4:
            m.Add("Supported", Pick({"100rel", "timer, path", "replaces,norefersub"}));
            break;
        case 5:
            m.Add("User-Agent", FreeText());
            break;
        case 6:
            m.Add("X-" + Token(Range(1, 6)), FreeText());
            break;
        default:
            m.Add("X-Empty-" + Token(2), "");
            break;
        }
    }

    std::string Body()
    {
        std::string body;
        std::size_t n = Range(0, 300);
        for (std::size_t i = 0; i < n; ++i)
        {
            // Mostly text lines, sometimes raw bytes (CR, LF, NUL and high bytes included).
            body.push_back(Chance(0.1) ? static_cast<char>(Range(0, 255))
                                       : Pick({"a", "=", " ", "\r\n", "0"})[0]);
        }
        return body;
    }

    std::string NameSpelling(const std::string& canonical)
    {
        static const std::map<std::string, std::string> kCompact = {
            {"Via", "v"},          {"From", "f"},    {"To", "t"},
            {"Call-ID", "i"},      {"Contact", "m"}, {"Content-Length", "l"},
            {"Content-Type", "c"}, {"Subject", "s"}, {"Supported", "k"}};
        if (canonical.rfind("X-", 0) == 0)
        {
            return canonical; // unknown names are kept verbatim, so keep their case
        }
        auto compact = kCompact.find(canonical);
        if (compact != kCompact.end() && Chance(0.3))
        {
            return Chance(0.5) ? compact->second
                               : std::string(1, static_cast<char>(compact->second[0] - 32));
        }
        std::string name = canonical;
        if (Chance(0.4))
        {
            for (char& c : name)
            {
                if (c >= 'a' && c <= 'z' && Chance(0.5))
                {
                    c = static_cast<char>(c - 32);
                }
                else if (c >= 'A' && c <= 'Z' && Chance(0.5))
                {
                    c = static_cast<char>(c + 32);
                }
            }
        }
        return name;
    }

    /// Folds the value at single spaces between non-blank characters; unfolding restores it.
    std::string Folded(const std::string& value)
    {
        std::string out;
        for (std::size_t i = 0; i < value.size(); ++i)
        {
            bool single = value[i] == ' ' && i > 0 && i + 1 < value.size() && value[i - 1] != ' ' &&
                          value[i - 1] != '\t' && value[i + 1] != ' ' && value[i + 1] != '\t';
            if (single && Chance(0.25))
            {
                out += Pick({"\r\n ", "\r\n\t", " \r\n  ", "\r\n \t "});
                continue;
            }
            out.push_back(value[i]);
        }
        return out;
    }

    SplitMixRandom m_rng;
};

TEST(RoundTripProperty, ParseOfSerializeIsIdentity)
{
    MessageGenerator gen(0x5eed5eedull);
    int withLength = 0;
    for (int i = 0; i < 3000; ++i)
    {
        SipMessage m = gen.Next();
        std::string wire = m.Serialize();
        auto parsed = ParseMessage(wire);
        ASSERT_TRUE(parsed.Ok()) << "#" << i << ": " << parsed.Error().ToString() << "\n" << wire;
        ASSERT_EQ(*parsed, m) << "#" << i << "\n" << wire << "\n---\n" << parsed->Serialize();
        ASSERT_EQ(parsed->Serialize(), wire) << "#" << i;
        if (m.Has("Content-Length"))
        {
            ++withLength;
            auto streamed = ParseMessage(wire, Framing::Stream);
            ASSERT_TRUE(streamed.Ok()) << "#" << i << ": " << streamed.Error().ToString();
            ASSERT_EQ(*streamed, m);
            FrameScan scan = ScanStreamFrame(wire + "INVITE");
            ASSERT_EQ(scan.status, FrameScan::Status::Complete) << "#" << i;
            ASSERT_EQ(scan.length, wire.size()) << "#" << i;
        }
    }
    EXPECT_GT(withLength, 2000); // the generator exercises both framings
}

TEST(RoundTripProperty, NoisyWireFormsParseToTheSameMessage)
{
    MessageGenerator gen(20240611);
    for (int i = 0; i < 3000; ++i)
    {
        SipMessage m = gen.Next();
        std::string noisy = gen.Noisy(m);
        auto parsed = ParseMessage(noisy);
        ASSERT_TRUE(parsed.Ok()) << "#" << i << ": " << parsed.Error().ToString() << "\n" << noisy;
        ASSERT_EQ(*parsed, m) << "#" << i << "\n" << noisy << "\n---\n" << parsed->Serialize();
        auto again = ParseMessage(parsed->Serialize());
        ASSERT_TRUE(again.Ok());
        ASSERT_EQ(again->Serialize(), parsed->Serialize());
    }
}

TEST(RoundTripProperty, MutatedMessagesNeverCrashAndStayStable)
{
    // Random byte edits of valid messages: whatever parses must round-trip; whatever fails
    // must say why.
    MessageGenerator gen(7);
    SplitMixRandom rng(99);
    int accepted = 0;
    for (int i = 0; i < 3000; ++i)
    {
        std::string wire = gen.Next().Serialize();
        int edits = static_cast<int>(rng.NextU64() % 4) + 1;
        for (int e = 0; e < edits && !wire.empty(); ++e)
        {
            std::size_t at = rng.NextU64() % wire.size();
            static const char kBytes[] = {' ', '\t', '\r', '\n', ':', ',',  '"',   '<',
                                          '>', ';',  '\0', 'x',  '0', '\\', '\x80'};
            char c = kBytes[rng.NextU64() % sizeof(kBytes)];
            switch (rng.NextU64() % 3)
            {
            case 0:
                wire[at] = c;
                break;
            case 1:
                wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), c);
                break;
            default:
                wire.erase(at, 1);
                break;
            }
        }
        auto parsed = ParseMessage(wire);
        if (!parsed.Ok())
        {
            ASSERT_FALSE(parsed.Error().reason.empty()) << wire;
            continue;
        }
        ++accepted;
        std::string canonical = parsed->Serialize();
        auto again = ParseMessage(canonical);
        ASSERT_TRUE(again.Ok()) << again.Error().ToString() << "\n" << canonical;
        ASSERT_EQ(*again, *parsed) << canonical;
        ASSERT_EQ(again->Serialize(), canonical);
    }
    EXPECT_GT(accepted, 0);
}

} // namespace
} // namespace sipsim
