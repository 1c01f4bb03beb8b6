// §16.3 request validation helpers and the branch computations of §16.6 step 8 / §16.11.
#include "proxy_validation.h"

#include "sip/abnf.h"
#include "txn/matching.h"

#include <algorithm>
#include <cstdint>

namespace sipsim
{

namespace
{

/// 64-bit FNV-1a, fed piece by piece (the same value as hashing the concatenation). These
/// hashes only have to tell requests apart (loop detection, stateless branches and To-tags,
/// §16.6 step 8, §16.11), not resist an attacker, and they run once per request per proxy:
/// MD5 cost 5k instructions each, and building the hashed text one allocation per piece.
class Fnv1a
{
public:
    Fnv1a& Add(std::string_view data)
    {
        for (const char c : data)
        {
            m_hash = (m_hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
        }
        return *this;
    }
    Fnv1a& Line(std::string_view data) { return Add(data).Add("\n"); }

    /// 16 hex digits.
    std::string Hex() const { return abnf::FixedHex(m_hash, 16); }

private:
    uint64_t m_hash = 0xcbf29ce484222325ULL;
};

std::string
CSeqNumber(const SipMessage& request)
{
    auto cseq = GetCSeq(request);
    return cseq.Ok() ? std::to_string(cseq->number) : std::string();
}

/// A cheap necessary condition for IsOwnVia: our host name (any case) or address appears
/// somewhere in the Via text. Most Vias a proxy sees are other elements'.
bool
MayBeOwnVia(std::string_view text, const ProxyConfig& config)
{
    return abnf::ContainsNoCase(text, config.hostName) ||
           (!config.localAddress.host.empty() &&
            text.find(config.localAddress.host) != std::string_view::npos);
}

} // namespace

std::string
LoopHash(const SipMessage& request, std::string_view receivedTopVia)
{
    Fnv1a hash;
    hash.Line(HeaderTag(request, "From")).Line(CallIdView(request)).Line(CSeqNumber(request));
    hash.Line(request.RequestUri()).Add(receivedTopVia);
    for (const HeaderField& field : request.Headers())
    {
        if (!HeaderNameEquals(field.name, "Route"))
        {
            continue;
        }
        HeaderListCursor cursor(field.value);
        for (std::string_view route; cursor.Next(route);)
        {
            hash.Add("\n").Add(route);
        }
    }
    return hash.Hex();
}

std::string
LoopHash(const SipMessage& request)
{
    const HeaderValue* via = request.Get("Via");
    const auto top = via ? FirstHeaderListElement(*via) : std::nullopt;
    return top ? LoopHash(request, *top) : std::string();
}

bool
IsOwnVia(const Via& via, const ProxyConfig& config)
{
    const std::string_view host = abnf::UnbracketHost(via.host);
    return (abnf::EqualsNoCase(host, config.hostName) || host == config.localAddress.host) &&
           via.port.value_or(5060) == config.localAddress.port;
}

bool
DetectLoop(const SipMessage& request, const ProxyConfig& config)
{
    // Only Vias that can be ours are parsed. A Via that fails to parse ends the search, as
    // it did when every Via was parsed up front; inbound requests have valid Vias anyway.
    const std::vector<std::string_view> vias = request.GetAll("Via");
    for (std::size_t i = 0; i + 1 < vias.size(); ++i)
    {
        if (!MayBeOwnVia(vias[i], config))
        {
            continue;
        }
        const auto via = Via::Parse(vias[i]);
        if (!via.Ok())
        {
            return false;
        }
        if (!IsOwnVia(*via, config))
        {
            continue;
        }
        const std::string_view branch = via->Branch();
        const auto dot = branch.rfind('.');
        if (dot == std::string_view::npos)
        {
            continue;
        }
        if (branch.substr(dot + 1) == LoopHash(request, vias[i + 1]))
        {
            return true;
        }
    }
    return false;
}

std::vector<std::string>
UnsupportedProxyRequire(const SipMessage& request, const std::vector<std::string>& supported)
{
    std::vector<std::string> unsupported;
    for (const std::string& tag : GetOptionTags(request, "Proxy-Require"))
    {
        const bool known =
            std::any_of(supported.begin(), supported.end(),
                        [&](const std::string& s) { return abnf::EqualsNoCase(s, tag); });
        if (!known)
        {
            unsupported.push_back(tag);
        }
    }
    return unsupported;
}

std::string
StatefulBranch(RandomSource& random, const std::string& loopHash)
{
    std::string branch = std::string(kBranchCookie) + random.Token(12);
    if (!loopHash.empty())
    {
        branch += '.';
        branch += loopHash;
    }
    return branch;
}

std::string
StatelessBranch(const SipMessage& request, const std::string& loopHash)
{
    const auto top = TopVia(request);
    const std::string_view received = top ? top->Branch() : std::string_view();
    Fnv1a hash;
    hash.Line("stateless");
    if (HasCookie(received))
    {
        hash.Add(received);
    }
    else
    {
        hash.Line(top ? top->ToString() : std::string()).Line(HeaderTag(request, "To"));
        hash.Line(HeaderTag(request, "From")).Line(CallIdView(request));
        hash.Line(CSeqNumber(request)).Add(request.RequestUri());
    }
    std::string branch = std::string(kBranchCookie) + hash.Hex();
    if (!loopHash.empty())
    {
        branch += '.';
        branch += loopHash;
    }
    return branch;
}

std::string
StatelessToTag(const SipMessage& request)
{
    const auto top = TopVia(request);
    Fnv1a hash;
    hash.Line(CallIdView(request)).Line(HeaderTag(request, "From")).Line(CSeqNumber(request));
    hash.Add(top ? top->Branch() : std::string_view());
    return hash.Hex().substr(0, 10);
}

SipMessage
StampReceived(const SipMessage& request, const Address& from)
{
    const auto top = TopVia(request);
    return top ? StampReceived(request, *top, from) : request;
}

std::string
JoinList(const std::vector<std::string>& items)
{
    std::string out;
    for (const std::string& item : items)
    {
        if (!out.empty())
        {
            out += ", ";
        }
        out += item;
    }
    return out;
}

} // namespace sipsim
