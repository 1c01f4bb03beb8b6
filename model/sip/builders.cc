// Messages the protocol core derives from others: responses (§8.2.6), the ACK for a
// non-2xx final response (§17.1.1.3) and CANCEL (§9.1).

#include "headers.h"

namespace sipsim
{

namespace
{

void
CopyFirst(const SipMessage& from, SipMessage& to, std::string_view name)
{
    if (const HeaderValue* value = from.Get(name))
    {
        to.Add(name, *value);
    }
}

void
CopyAll(const SipMessage& from, SipMessage& to, std::string_view name)
{
    for (const auto& field : from.Headers())
    {
        if (HeaderNameEquals(field.name, name))
        {
            to.Add(name, field.value);
        }
    }
}

/// Top Via, Max-Forwards and Route set shared by ACK and CANCEL: both travel the same path
/// as the request they refer to and must match its client transaction (§17.1.3).
void
AddPathHeaders(const SipMessage& request, SipMessage& out)
{
    auto vias = request.GetAll("Via");
    if (!vias.empty())
    {
        out.Add("Via", std::string(vias.front()));
        if (request.HasParsedTopVia())
        {
            out.RememberTopVia(request.ParsedTopVia()); // the same text: no parse again
        }
    }
    const HeaderValue* maxForwards = request.Get("Max-Forwards");
    out.Add("Max-Forwards", maxForwards ? *maxForwards : HeaderValue("70"));
    CopyAll(request, out, "Route");
}

/// "<number of request's CSeq> <method>"; a request without a valid CSeq yields 0.
std::string
CSeqWithMethod(const SipMessage& request, std::string_view method)
{
    auto cseq = GetCSeq(request);
    CSeq out;
    out.number = cseq ? cseq->number : 0;
    out.method = std::string(method);
    return out.ToString();
}

/// Whether a To value is a well-formed name-addr without a tag yet.
bool
CanTakeTag(std::string_view to)
{
    const auto addr = NameAddr::Parse(to);
    return addr.Ok() && addr->Tag().empty();
}

} // namespace

SipMessage
MakeResponseTo(const SipMessage& request, int statusCode, std::string reasonPhrase,
               std::string_view toTag)
{
    if (reasonPhrase.empty())
    {
        reasonPhrase = std::string(DefaultReasonPhrase(statusCode));
    }
    SipMessage response = SipMessage::MakeResponse(statusCode, std::move(reasonPhrase));
    CopyAll(request, response, "Via");
    if (request.HasParsedTopVia())
    {
        // The same Via lines: response routing reads the top one without parsing it again.
        response.RememberTopVia(request.ParsedTopVia());
    }
    CopyFirst(request, response, "From");
    if (const HeaderValue* to = request.Get("To"))
    {
        // Appending keeps the request's To byte-for-byte apart from the new tag, which
        // is what the UAC compares when it builds the dialog (§12.1.2). The To is parsed
        // only when a tag may be added: most responses (100, proxies' errors) add none.
        if (!toTag.empty() && CanTakeTag(*to))
        {
            std::string value = to->str();
            value += ";tag=";
            value += toTag;
            response.Add("To", std::move(value));
        }
        else
        {
            response.Add("To", *to);
        }
    }
    CopyFirst(request, response, "Call-ID");
    CopyFirst(request, response, "CSeq");
    if (statusCode == 100)
    {
        // §8.2.6.1: a 100 (Trying) echoes the request's Timestamp.
        CopyFirst(request, response, "Timestamp");
    }
    response.Add("Content-Length", "0");
    return response;
}

SipMessage
MakeAckForNon2xx(const SipMessage& invite, const SipMessage& response)
{
    SipMessage ack = SipMessage::MakeRequest("ACK", invite.RequestUri());
    AddPathHeaders(invite, ack);
    CopyFirst(invite, ack, "From");
    // The To comes from the response so that it carries the UAS's tag.
    CopyFirst(response.Has("To") ? response : invite, ack, "To");
    CopyFirst(invite, ack, "Call-ID");
    ack.Add("CSeq", CSeqWithMethod(invite, "ACK"));
    ack.Add("Content-Length", "0");
    return ack;
}

SipMessage
MakeCancel(const SipMessage& request)
{
    SipMessage cancel = SipMessage::MakeRequest("CANCEL", request.RequestUri());
    AddPathHeaders(request, cancel);
    CopyFirst(request, cancel, "From");
    CopyFirst(request, cancel, "To");
    CopyFirst(request, cancel, "Call-ID");
    cancel.Add("CSeq", CSeqWithMethod(request, "CANCEL"));
    cancel.Add("Content-Length", "0");
    return cancel;
}

} // namespace sipsim
