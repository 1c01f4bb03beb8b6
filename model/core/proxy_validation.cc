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

/// 16 hex digits of a 64-bit FNV-1a hash. These hashes only have to tell requests apart
/// (loop detection, stateless branches and To-tags, §16.6 step 8, §16.11), not resist an
/// attacker, and they run once per request per proxy: MD5 cost 5k instructions each.
std::string
ShortHash(std::string_view data)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : data)
    {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, hash >>= 4)
    {
        out[static_cast<std::size_t>(i)] = kHex[hash & 0xf];
    }
    return out;
}

std::string
FromTag(const SipMessage& request)
{
    auto from = GetFrom(request);
    return from.Ok() ? from->Tag() : std::string();
}

std::string
ToTag(const SipMessage& request)
{
    auto to = GetTo(request);
    return to.Ok() ? to->Tag() : std::string();
}

std::string
CSeqNumber(const SipMessage& request)
{
    auto cseq = GetCSeq(request);
    return cseq.Ok() ? std::to_string(cseq->number) : std::string();
}

std::string
CallIdOf(const SipMessage& request)
{
    auto callId = GetCallId(request);
    return callId.Ok() ? *callId : std::string();
}

std::string
Unbracket(const std::string& host)
{
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    {
        return host.substr(1, host.size() - 2);
    }
    return host;
}

} // namespace

std::string
LoopHash(const SipMessage& request, const Via& receivedTopVia)
{
    std::string data;
    data.reserve(256);
    data += FromTag(request);
    data += '\n';
    data += CallIdOf(request);
    data += '\n';
    data += CSeqNumber(request);
    data += '\n';
    data += request.RequestUri();
    data += '\n';
    data += receivedTopVia.ToString();
    for (std::string_view route : request.GetAll("Route"))
    {
        data += '\n';
        data += route;
    }
    return ShortHash(data);
}

bool
IsOwnVia(const Via& via, const ProxyConfig& config)
{
    const std::string host = Unbracket(via.host);
    return (abnf::EqualsNoCase(host, config.hostName) || host == config.localAddress.host) &&
           via.port.value_or(5060) == config.localAddress.port;
}

bool
DetectLoop(const SipMessage& request, const ProxyConfig& config)
{
    const auto vias = GetVias(request);
    if (!vias.Ok())
    {
        return false;
    }
    for (std::size_t i = 0; i + 1 < vias->size(); ++i)
    {
        const Via& via = (*vias)[i];
        if (!IsOwnVia(via, config))
        {
            continue;
        }
        const std::string branch = via.Branch();
        const auto dot = branch.rfind('.');
        if (dot == std::string::npos)
        {
            continue;
        }
        if (branch.compare(dot + 1, std::string::npos, LoopHash(request, (*vias)[i + 1])) == 0)
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
    const std::string received = top ? top->Branch() : std::string();
    std::string data = "stateless\n";
    if (HasCookie(received))
    {
        data += received;
    }
    else
    {
        data += top ? top->ToString() : std::string();
        data += '\n';
        data += ToTag(request);
        data += '\n';
        data += FromTag(request);
        data += '\n';
        data += CallIdOf(request);
        data += '\n';
        data += CSeqNumber(request);
        data += '\n';
        data += request.RequestUri();
    }
    std::string branch = std::string(kBranchCookie) + ShortHash(data);
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
    std::string data = CallIdOf(request);
    data += '\n';
    data += FromTag(request);
    data += '\n';
    data += CSeqNumber(request);
    data += '\n';
    data += top ? top->Branch() : std::string();
    return ShortHash(data).substr(0, 10);
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
