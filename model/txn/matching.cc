// Transaction matching (§17.1.3, §17.2.3 with the RFC 2543 fallback) and response routing
// (§18.2.1, §18.2.2, RFC 3581).

#include "matching.h"

#include "sip/abnf.h"
#include "sip/headers.h"

#include <algorithm>

namespace sipsim
{

bool
HasCookie(std::string_view branch)
{
    return branch.size() > kBranchCookie.size() &&
           branch.substr(0, kBranchCookie.size()) == kBranchCookie;
}

/// The §17.2.3 matching key of a request, with `method` standing for the request's method
/// (INVITE for an ACK or a CANCEL being matched to its INVITE). RFC 3261 branches key on
/// branch + sent-by + method; RFC 2543 requests on Request-URI, From tag, Call-ID, CSeq
/// number, method and top Via (the To tag is checked separately, see MatchesLegacy).
std::string
ServerKey(const SipMessage& request, const Via& topVia, std::string_view method)
{
    const std::string_view branch = topVia.Branch();
    std::string key;
    if (HasCookie(branch))
    {
        // Built for every request received: sized once and written through a cursor.
        const abnf::PortSuffix port(topVia.port);
        key.resize(branch.size() + topVia.host.size() + port.View().size() + method.size() + 2);
        char* cursor = key.data();
        abnf::PutBytes(cursor, branch);
        abnf::PutBytes(cursor, ";");
        cursor = std::transform(topVia.host.begin(), topVia.host.end(), cursor, abnf::LowerChar);
        abnf::PutBytes(cursor, port.View());
        abnf::PutBytes(cursor, ";");
        abnf::PutBytes(cursor, method);
        return key;
    }
    const auto cseq = GetCSeq(request);
    const auto callId = GetCallId(request);
    const auto vias = request.GetAll("Via");
    key = "2543;";
    key += request.RequestUri();
    key += ';';
    key += HeaderTag(request, "From");
    key += ';';
    key += callId.Ok() ? *callId : std::string();
    key += ';';
    key += cseq.Ok() ? std::to_string(cseq->number) : std::string();
    key += ';';
    key += method;
    key += ';';
    key += vias.empty() ? std::string() : std::string(vias.front());
    return key;
}

/// RFC 2543 matching also compares To tags: an INVITE retransmission carries the original
/// To tag; an ACK carries the tag of the response the server transaction sent.
bool
MatchesLegacy(const ServerTransaction& txn, const SipMessage& request)
{
    const std::string_view tag = HeaderTag(request, "To");
    if (request.Method() == "ACK")
    {
        const SipMessage* last = txn.LastResponse();
        return last == nullptr || HeaderTag(*last, "To") == tag;
    }
    return HeaderTag(txn.Request(), "To") == tag;
}

/// §18.2.1 and RFC 3581 §4: record where the request really came from in its top Via, so
/// responses built from it (MakeResponseTo copies Via) route back to the source.
SipMessage
StampReceived(SipMessage request, const Via& topVia, const Address& from)
{
    Via via = topVia;
    bool changed = false;
    if (abnf::UnbracketHost(via.host) != from.host)
    {
        SetParam(via.params, "received", from.host);
        changed = true;
    }
    if (via.HasRport() && !via.Rport())
    {
        SetParam(via.params, "rport", std::to_string(from.port));
        SetParam(via.params, "received", from.host); // RFC 3581: even when equal
        changed = true;
    }
    if (changed)
    {
        ReplaceTopVia(request, std::move(via));
    }
    return request;
}

std::string
MakeBranch(RandomSource& random)
{
    return std::string(kBranchCookie) + random.Token(16);
}

Address
ResponseDestination(const SipMessage& response, const Address& requestSource)
{
    if (IsReliable(requestSource.transport))
    {
        return requestSource; // same connection (§18.2.2)
    }
    const auto via = TopVia(response);
    if (!via || via->host.empty())
    {
        return requestSource;
    }
    Address target;
    target.transport = requestSource.transport;
    const uint16_t sentByPort = via->port.value_or(5060);
    if (const auto maddr = via->Maddr())
    {
        target.host = std::string(abnf::UnbracketHost(*maddr));
        target.port = sentByPort;
    }
    else if (const auto received = via->Received())
    {
        target.host = std::string(abnf::UnbracketHost(*received));
        target.port = via->Rport().value_or(sentByPort);
    }
    else
    {
        target.host = std::string(abnf::UnbracketHost(via->host));
        target.port = via->Rport().value_or(sentByPort);
    }
    return target;
}

} // namespace sipsim
