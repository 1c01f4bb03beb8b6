#ifndef SIPSIM_SIP_HEADERS_H
#define SIPSIM_SIP_HEADERS_H

#include "message.h"
#include "result.h"
#include "uri.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

/// The magic cookie that marks RFC 3261 branch IDs (§8.1.1.7).
inline constexpr std::string_view kBranchCookie = "z9hG4bK";

/// One Via entry (§20.42): SIP/2.0/UDP host:port;branch=...;received=...;rport
struct Via
{
    std::string protocolName = "SIP";
    std::string protocolVersion = "2.0";
    std::string transport = "UDP"; ///< upper case as written: UDP, TCP, TLS, SCTP, ...
    std::string host;
    std::optional<uint16_t> port;
    std::vector<GenericParam> params;

    static Result<Via> Parse(std::string_view text);
    std::string ToString() const;

    /// "host" or "host:port" as written; used in transaction matching (§17.2.3).
    std::string SentBy() const;
    void AppendSentBy(std::string& out) const;
    std::string_view Branch() const; ///< a view into params; empty when absent
    std::optional<std::string> Received() const;
    bool HasRport() const;
    std::optional<uint16_t> Rport() const; ///< the value when rport=N was filled in
    std::optional<std::string> Maddr() const;
    std::optional<int> Ttl() const;
    bool operator==(const Via& other) const;
};

/// name-addr / addr-spec with header parameters, as used by From, To, Contact, Route,
/// Record-Route, Reply-To (§20.10, §20.20, §20.39, §20.30, §20.34).
struct NameAddr
{
    std::optional<std::string> displayName; ///< as written, quotes kept when it was quoted
    std::string uri;                        ///< the URI text (any scheme)
    bool angleBrackets = true;              ///< whether the URI was written inside < >
    std::vector<GenericParam> params;       ///< header parameters after the URI

    static Result<NameAddr> Parse(std::string_view text);
    std::string ToString() const;

    /// The URI as a SIP URI, when it is one.
    Result<SipUri> Sip() const { return SipUri::Parse(uri); }
    std::string Tag() const; ///< empty when absent
    void SetTag(std::string tag) { SetParam(params, "tag", std::move(tag)); }
    std::optional<uint32_t> Expires() const; ///< Contact "expires" parameter
    bool operator==(const NameAddr& other) const;
};

/// Contact header value: either "*" or a list of addresses (§20.10).
struct ContactList
{
    bool star = false;
    std::vector<NameAddr> contacts;
    static Result<ContactList> Parse(std::string_view value);
};

/// CSeq (§20.16): a sequence number (parsed values must be below 2**31, §8.1.1.5) and a
/// method.
struct CSeq
{
    uint32_t number = 0;
    std::string method;
    static Result<CSeq> Parse(std::string_view text);
    std::string ToString() const;
    bool operator==(const CSeq& other) const
    {
        return number == other.number && method == other.method;
    }
};

/// WWW-Authenticate / Proxy-Authenticate / Authorization / Proxy-Authorization value
/// (§20.27, §20.44, §20.7, §20.28; RFC 7616): a scheme followed by comma-separated
/// auth-params. Quoted values are stored unquoted with escapes resolved; `quoted` remembers
/// which ones were quoted so the header serialises back as it was.
struct AuthParam
{
    std::string name;
    std::string value;
    bool quoted = false;
    bool operator==(const AuthParam& other) const
    {
        return name == other.name && value == other.value && quoted == other.quoted;
    }
};

struct AuthHeader
{
    std::string scheme = "Digest";
    std::vector<AuthParam> params;

    static Result<AuthHeader> Parse(std::string_view text);
    std::string ToString() const;

    /// The (unquoted) value of a parameter, case-insensitive name.
    std::optional<std::string> Get(std::string_view name) const;
    /// The same without a copy: null when absent; valid while the header is unchanged.
    const std::string* Find(std::string_view name) const;
    /// The items of a list-valued parameter: a challenge's qop="auth,auth-int" or
    /// domain="uri1 uri2" (split at commas and whitespace). Empty when absent.
    std::vector<std::string> GetList(std::string_view name) const;
    /// Sets or appends a parameter.
    void Set(std::string name, std::string value, bool quoted);
    bool operator==(const AuthHeader& other) const;
};

// ---- Typed access on a message ------------------------------------------------------

/// All Via entries, top first, across all Via lines.
Result<std::vector<Via>> GetVias(const SipMessage& message);
/// The top Via, with the reason when it is missing or malformed.
Result<Via> GetTopVia(const SipMessage& message);
/// The top Via parsed once per message state (see SipMessage::ParsedTopVia); null when it
/// is missing or malformed. The hot paths use this; GetTopVia when the reason matters.
std::shared_ptr<const Via> TopVia(const SipMessage& message);
/// Puts `via` on top of the message's Via lines and remembers it as the parsed top Via, so
/// the next reader does not parse the text just written.
void PushTopVia(SipMessage& message, Via via);
/// Replaces the top Via element by `via` where it stands (a stamped Via keeps its place
/// at the top of the message, §7.3.1) and remembers it parsed.
void ReplaceTopVia(SipMessage& message, Via via);
/// The Request-URI as a SIP URI, parsed once per value (see SipMessage::ParsedRequestUri);
/// null for another scheme or a malformed URI (SipUri::Parse gives the reason).
std::shared_ptr<const SipUri> RequestSipUri(const SipMessage& request);
Result<NameAddr> GetFrom(const SipMessage& message);
/// The tag parameter of a From or To value, as a view into it: NameAddr::Parse(value)->Tag()
/// without building the NameAddr (transaction, dialog and loop keys read it per message).
/// Empty when there is no tag or the value does not parse.
std::string_view AddressTag(std::string_view value);
/// AddressTag of the message's first line of that header (From, To); empty when absent.
/// Remembered in the header value (HeaderValue::RememberedPiece).
std::string_view HeaderTag(const SipMessage& message, std::string_view headerName);
Result<NameAddr> GetTo(const SipMessage& message);
Result<CSeq> GetCSeq(const SipMessage& message);
/// The Call-ID, or an error when absent.
Result<std::string> GetCallId(const SipMessage& message);
/// GetCallId's value as a view into the message, without the copy; empty when the header is
/// missing or invalid (keys and hashes read it per message).
std::string_view CallIdView(const SipMessage& message);
/// Max-Forwards value (0..255), or an error when absent or malformed.
Result<int> GetMaxForwards(const SipMessage& message);
/// Expires header (delta-seconds).
Result<uint32_t> GetExpires(const SipMessage& message);
/// All Contact lines merged; an empty list when there is none; '*' mixed with addresses
/// is an error.
Result<ContactList> GetContacts(const SipMessage& message);
/// Route or Record-Route entries, top first (empty when absent; each must be in <>).
Result<std::vector<NameAddr>> GetRoutes(const SipMessage& message, std::string_view headerName);
/// GetRoutes(...)->front().uri as a view into the message, checking and scanning the top
/// entry alone (a proxy routes on the top Route only; inbound messages had every entry
/// checked by ValidateSemantics). nullopt when there is no entry.
Result<std::optional<std::string_view>> GetTopRouteUri(const SipMessage& message,
                                                       std::string_view headerName);
/// Option tags of Require / Supported / Proxy-Require / Unsupported.
std::vector<std::string> GetOptionTags(const SipMessage& message, std::string_view headerName);
/// Content-Length value, or an error when absent or malformed.
Result<std::size_t> GetContentLength(const SipMessage& message);

/// Semantic checks the grammar alone does not catch, run by ParseMessage after framing:
/// typed parse of Via, From, To, Call-ID, CSeq (and CSeq method == request method),
/// Max-Forwards 0..255, Expires and Contact expires within 32 bits, Content-Length,
/// Date in RFC 1123 form, Warning codes of 3 digits, Retry-After range, display names,
/// and the Request-URI (a SIP URI must parse; no '<', '>' or headers that are not allowed).
/// Returns the first problem found, naming the header.
/// Only headers that are present are checked: a message missing mandatory headers (RFC 4475
/// insuf) still parses so that the core can answer it; see CheckMandatoryHeaders.
/// With `seen`, lines found there are not checked again and lines that pass are added.
std::optional<ParseError> ValidateSemantics(const SipMessage& message,
                                            ValidatedLines* seen = nullptr);

/// The checks the protocol core makes before acting on a parsed message, answering 400 on
/// failure: To, From, Call-ID, CSeq and Via present (§8.1.1; Max-Forwards is tolerated
/// missing for RFC 2543 peers), and To, From, Call-ID, CSeq, Max-Forwards and
/// Content-Length not repeated (RFC 4475 multi01, mcl01).
std::optional<ParseError> CheckMandatoryHeaders(const SipMessage& message);

// ---- Builders the protocol core needs ------------------------------------------------

/// A response to `request` (§8.2.6): copies Via (all), From, To (adding `toTag` when the
/// To has none and toTag is non-empty), Call-ID, CSeq; Content-Length: 0. An empty
/// reasonPhrase is replaced by DefaultReasonPhrase(statusCode); a 100 also echoes Timestamp.
SipMessage MakeResponseTo(const SipMessage& request, int statusCode, std::string reasonPhrase,
                          std::string_view toTag = {});

/// The ACK a client transaction sends for a non-2xx final response (§17.1.1.3): same
/// Request-URI, top Via only, From, Call-ID and Route as the INVITE, CSeq number of the
/// INVITE with method ACK, To from the response. Max-Forwards is copied from the INVITE
/// (70 when it had none).
SipMessage MakeAckForNon2xx(const SipMessage& invite, const SipMessage& response);

/// CANCEL for a pending request (§9.1): same Request-URI, Call-ID, From, To, CSeq number,
/// Route and top Via as the request; method CANCEL.
SipMessage MakeCancel(const SipMessage& request);

/// Default reason phrase for a status code ("Ringing" for 180, ...).
std::string_view DefaultReasonPhrase(int statusCode);

} // namespace sipsim

#endif
