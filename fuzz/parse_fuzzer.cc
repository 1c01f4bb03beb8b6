// libFuzzer target for the SIP message layer. Feeds the input to ParseMessage in both
// framings and to ScanStreamFrame; for every message that parses it checks that the
// canonical form parses back to an equal message, and drives the typed getters, their
// ToString/Parse round trips and the builders. A violated invariant aborts with a note saying
// which one, so libFuzzer keeps the input as a crash reproducer.

#include "sip/headers.h"
#include "sip/message.h"
#include "sip/uri.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sipsim
{
namespace
{

[[noreturn]] void
Fail(const char* invariant, std::string_view detail)
{
    std::fprintf(stderr, "parse_fuzzer: invariant violated: %s\n--- detail (%zu bytes) ---\n%.*s\n",
                 invariant, detail.size(), static_cast<int>(detail.size()), detail.data());
    std::abort();
}

#define FUZZ_CHECK(condition, detail)                                                              \
    do                                                                                             \
    {                                                                                              \
        if (!(condition))                                                                          \
        {                                                                                          \
            Fail(#condition, (detail));                                                            \
        }                                                                                          \
    } while (false)

/// A typed value that parsed must print to text that parses back to the same value.
template <typename T>
void
CheckTypedRoundTrip(const T& value, const char* what)
{
    const std::string text = value.ToString();
    Result<T> again = T::Parse(text);
    if (!again.Ok())
    {
        Fail(what, text + "\n(re-parse: " + again.Error().ToString() + ")");
    }
    if (!(again.Value() == value))
    {
        Fail(what, text + "\n(re-parse differs: " + again->ToString() + ")");
    }
}

void
ExerciseNameAddr(const NameAddr& address)
{
    CheckTypedRoundTrip(address, "NameAddr ToString/Parse round trip");
    (void)address.Tag();
    (void)address.Expires();
    Result<SipUri> uri = address.Sip();
    if (uri.Ok())
    {
        CheckTypedRoundTrip(uri.Value(), "SipUri ToString/Parse round trip");
        (void)uri->UnescapedUser();
        (void)uri->HostPort();
        (void)uri->PortOrDefault();
        FUZZ_CHECK(uri->Equivalent(uri.Value()), uri->ToString());
    }
}

void
ExerciseTypedHeaders(const SipMessage& message)
{
    Result<std::vector<Via>> vias = GetVias(message);
    if (vias.Ok())
    {
        for (const Via& via : vias.Value())
        {
            CheckTypedRoundTrip(via, "Via ToString/Parse round trip");
            (void)via.SentBy();
            (void)via.Branch();
            (void)via.Received();
            (void)via.Rport();
            (void)via.Maddr();
            (void)via.Ttl();
        }
        Result<Via> top = GetTopVia(message);
        FUZZ_CHECK(top.Ok() == !vias->empty(), message.Serialize());
    }
    for (Result<NameAddr> address : {GetFrom(message), GetTo(message)})
    {
        if (address.Ok())
        {
            ExerciseNameAddr(address.Value());
        }
    }
    Result<CSeq> cseq = GetCSeq(message);
    if (cseq.Ok())
    {
        CheckTypedRoundTrip(cseq.Value(), "CSeq ToString/Parse round trip");
    }
    (void)GetCallId(message);
    (void)GetMaxForwards(message);
    (void)GetExpires(message);
    (void)GetContentLength(message);
    Result<ContactList> contacts = GetContacts(message);
    if (contacts.Ok())
    {
        for (const NameAddr& contact : contacts->contacts)
        {
            ExerciseNameAddr(contact);
        }
    }
    for (const char* name : {"Route", "Record-Route"})
    {
        Result<std::vector<NameAddr>> routes = GetRoutes(message, name);
        if (routes.Ok())
        {
            for (const NameAddr& route : routes.Value())
            {
                ExerciseNameAddr(route);
            }
        }
    }
    for (const char* name : {"Require", "Supported", "Proxy-Require", "Unsupported"})
    {
        (void)GetOptionTags(message, name);
    }
    for (const HeaderField& field : message.Headers())
    {
        if (HeaderNameEquals(field.name, "WWW-Authenticate") ||
            HeaderNameEquals(field.name, "Proxy-Authenticate") ||
            HeaderNameEquals(field.name, "Authorization") ||
            HeaderNameEquals(field.name, "Proxy-Authorization"))
        {
            Result<AuthHeader> auth = AuthHeader::Parse(field.value);
            if (auth.Ok())
            {
                CheckTypedRoundTrip(auth.Value(), "AuthHeader ToString/Parse round trip");
                (void)auth->Get("response");
            }
        }
        (void)SplitHeaderList(field.value);
        FUZZ_CHECK(CanonicalHeaderName(CanonicalHeaderName(field.name)) ==
                       CanonicalHeaderName(field.name),
                   field.name);
    }
    if (message.IsRequest() && IsSipScheme(message.RequestUri()))
    {
        Result<SipUri> uri = SipUri::Parse(message.RequestUri());
        if (uri.Ok())
        {
            CheckTypedRoundTrip(uri.Value(), "Request-URI ToString/Parse round trip");
        }
    }
    (void)ValidateSemantics(message);
}

/// Builders on a parsed request produce messages that parse.
void
ExerciseBuilders(const SipMessage& request)
{
    if (!request.IsRequest() || request.Method() == "ACK")
    {
        return;
    }
    SipMessage response = MakeResponseTo(request, 486, "Busy Here", "fuzztag");
    Result<SipMessage> parsed = ParseMessage(response.Serialize(), Framing::Stream);
    FUZZ_CHECK(parsed.Ok(), response.Serialize() + "\n(" + parsed.Error().ToString() + ")");
    if (request.Method() == "INVITE")
    {
        SipMessage ack = MakeAckForNon2xx(request, response);
        Result<SipMessage> ackParsed = ParseMessage(ack.Serialize(), Framing::Stream);
        FUZZ_CHECK(ackParsed.Ok(), ack.Serialize() + "\n(" + ackParsed.Error().ToString() + ")");
        SipMessage cancel = MakeCancel(request);
        Result<SipMessage> cancelParsed = ParseMessage(cancel.Serialize(), Framing::Stream);
        FUZZ_CHECK(cancelParsed.Ok(),
                   cancel.Serialize() + "\n(" + cancelParsed.Error().ToString() + ")");
    }
}

void
CheckMessage(const SipMessage& message, Framing framing)
{
    const std::string wire = message.Serialize();
    std::string appended;
    message.SerializeTo(appended);
    FUZZ_CHECK(appended == wire, wire);

    Result<SipMessage> again = ParseMessage(wire, framing);
    if (!again.Ok())
    {
        Fail("serialised message re-parses", wire + "\n(" + again.Error().ToString() + ")");
    }
    if (again.Value() != message)
    {
        Fail("re-parsed message equals the original",
             wire + "\n--- re-serialised ---\n" + again->Serialize());
    }
    FUZZ_CHECK(again->Serialize() == wire, wire);

    ExerciseTypedHeaders(message);
    ExerciseBuilders(message);
}

void
CheckStreamScan(std::string_view input)
{
    FrameScan scan = ScanStreamFrame(input);
    switch (scan.status)
    {
    case FrameScan::Status::Complete: {
        FUZZ_CHECK(scan.length > 0 && scan.skip <= input.size() &&
                       scan.length <= input.size() - scan.skip,
                   input);
        // A complete frame is handed to the stream parser, as a TCP transport would.
        Result<SipMessage> framed =
            ParseMessage(input.substr(scan.skip, scan.length), Framing::Stream);
        if (framed.Ok())
        {
            CheckMessage(framed.Value(), Framing::Stream);
        }
        break;
    }
    case FrameScan::Status::NeedMore:
        FUZZ_CHECK(scan.skip <= input.size(), input);
        break;
    case FrameScan::Status::Error:
        break;
    }
}

} // namespace
} // namespace sipsim

extern "C" int
LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace sipsim;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    for (Framing framing : {Framing::Datagram, Framing::Stream})
    {
        Result<SipMessage> message = ParseMessage(input, framing);
        if (message.Ok())
        {
            CheckMessage(message.Value(), framing);
        }
    }
    CheckStreamScan(input);
    return 0;
}
