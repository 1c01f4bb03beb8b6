#ifndef SIPSIM_SIP_MESSAGE_H
#define SIPSIM_SIP_MESSAGE_H

#include "header_value.h"
#include "result.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipsim
{

struct Via;
struct SipUri;

/// One header line as it appears on the wire after unfolding. The name is stored in its
/// canonical long form for headers we know ("v" and "via" become "Via"); unknown header
/// names are kept verbatim. The value has surrounding whitespace trimmed and folded
/// continuation lines joined with a single space; copies of it share its bytes.
struct HeaderField
{
    /// Canonical spelling (CanonicalHeaderName). A HeaderValue, not a std::string: names
    /// are short and kept inline, so copying a message's lines (every hop does) copies no
    /// string.
    HeaderValue name;
    HeaderValue value;

    bool operator==(const HeaderField& other) const
    {
        return name == other.name && value == other.value;
    }
};

/// The canonical spelling for a header name: compact forms expanded and known names in
/// their RFC capitalisation ("call-id" -> "Call-ID", "i" -> "Call-ID"); unknown names as given.
HeaderValue CanonicalHeaderName(std::string_view name);

namespace detail
{
bool HeaderNameEqualsSlow(std::string_view a, std::string_view b);

/// Byte equality of two strings of one size, without a library call when they are at most
/// 16 bytes (header names): two loads each, overlapping when the size is not a power of two.
inline bool
SameBytesOfSize(const char* a, const char* b, std::size_t size)
{
    auto load8 = [](const char* at) {
        std::uint64_t word;
        std::memcpy(&word, at, sizeof(word));
        return word;
    };
    auto load4 = [](const char* at) {
        std::uint32_t word;
        std::memcpy(&word, at, sizeof(word));
        return word;
    };
    if (size >= 8 && size <= 16)
    {
        return ((load8(a) ^ load8(b)) | (load8(a + size - 8) ^ load8(b + size - 8))) == 0;
    }
    if (size >= 4 && size < 8)
    {
        return ((load4(a) ^ load4(b)) | (load4(a + size - 4) ^ load4(b + size - 4))) == 0;
    }
    if (size < 4)
    {
        for (std::size_t i = 0; i < size; ++i)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        return true;
    }
    return std::memcmp(a, b, size) == 0;
}
} // namespace detail

/// Case-insensitive, compact-form-aware header name comparison ("v" matches "Via").
/// Inline tests first: most comparisons are between different names, and only one-letter
/// compact forms can match a name of another length. Names of one length longer than a
/// letter match only if their first and last letters do; a header search meets many such
/// pairs ("CSeq"/"From", "Call-ID"/"Contact"). Setting bit 0x20 folds letters' case and
/// never separates two equal characters, so a difference after it is a real one. Stored
/// names are canonical and so are most names asked for: an exact match ends it inline.
inline bool
HeaderNameEquals(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
    {
        if (a.size() != 1 && b.size() != 1)
        {
            return false;
        }
    }
    else if (a.size() > 1)
    {
        if ((((a.front() ^ b.front()) | (a.back() ^ b.back())) & ~0x20) != 0)
        {
            return false;
        }
        if (detail::SameBytesOfSize(a.data(), b.data(), a.size()))
        {
            return true;
        }
    }
    return detail::HeaderNameEqualsSlow(a, b);
}

/// Splits a header value at top-level commas, ignoring commas inside quoted strings and
/// angle brackets (a backslash escapes the next character inside quotes). Each element is
/// trimmed; empty elements ("a,,b") are kept so typed parsers can reject them, and an
/// all-blank value gives no elements. Used for Via, Contact, Route, Record-Route, ...
std::vector<std::string_view> SplitHeaderList(std::string_view value);
/// The elements SplitHeaderList returns, one at a time and without building a vector:
///     HeaderListCursor cursor(value); for (std::string_view item; cursor.Next(item);) ...
class HeaderListCursor
{
public:
    explicit HeaderListCursor(std::string_view value);
    bool Next(std::string_view& element);

private:
    std::string_view m_value;
    std::size_t m_pos = 0;
    bool m_done = false;
};

/// SplitHeaderList(value).front() without splitting the rest; nullopt for a blank value.
std::optional<std::string_view> FirstHeaderListElement(std::string_view value);

/// A SIP request or response (RFC 3261 §7). Headers keep their order; the body is opaque.
class SipMessage
{
public:
    static SipMessage MakeRequest(std::string method, std::string requestUri);
    static SipMessage MakeResponse(int statusCode, std::string reasonPhrase);

    bool IsRequest() const { return m_isRequest; }
    bool IsResponse() const { return !m_isRequest; }

    // Request line (meaningful for requests only).
    const std::string& Method() const { return Parts().method; }
    const std::string& RequestUri() const { return Parts().requestUri; }
    void SetMethod(std::string method) { WritableParts().method = std::move(method); }
    void SetRequestUri(std::string uri)
    {
        if (uri == Parts().requestUri)
        {
            return; // a proxy's target is mostly the Request-URI: keep the shared parts and parse
        }
        WritableParts().requestUri = std::move(uri);
        m_requestSipUri.reset();
        m_requestUriParsed = false;
    }

    // Status line (meaningful for responses only).
    int StatusCode() const { return m_statusCode; }
    const std::string& ReasonPhrase() const { return Parts().reasonPhrase; }
    void SetStatus(int code, std::string reason);

    const std::string& Version() const { return Parts().version; }
    void SetVersion(std::string version) { WritableParts().version = std::move(version); }

    const std::vector<HeaderField>& Headers() const { return m_headers ? *m_headers : NoHeaders(); }
    /// Direct header access; forgets the parsed top Via, as a change to Via lines does. Do not
    /// keep the reference across a copy of the message: the copy shares the lines.
    std::vector<HeaderField>& MutableHeaders()
    {
        ForgetParsed();
        return WritableHeaders();
    }

    /// The value of the first header with that name, or nullptr.
    const HeaderValue* Get(std::string_view name) const;
    /// Every value of that header across all its lines, split at top-level commas
    /// (for list-valued headers such as Via, Route, Contact). Views into this message.
    std::vector<std::string_view> GetAll(std::string_view name) const;
    /// Number of header lines with that name.
    std::size_t Count(std::string_view name) const;
    bool Has(std::string_view name) const { return Get(name) != nullptr; }

    /// Appends a header line (name canonicalised).
    void Add(std::string_view name, HeaderValue value);
    /// Inserts a header line before the first line with the same name, or appends.
    void Prepend(std::string_view name, HeaderValue value);
    /// Replaces the first line with that name (removing the others), or appends.
    void Set(std::string_view name, HeaderValue value);
    /// Removes every line with that name; returns how many.
    std::size_t Remove(std::string_view name);
    /// Removes the header lines at these positions in Headers() (ascending, each valid).
    void RemoveLines(const std::vector<std::size_t>& positions);
    /// Removes the first element of a list-valued header (e.g. the top Via), dropping the
    /// line when it becomes empty. Returns false if there was none.
    bool RemoveFirstValue(std::string_view name);
    /// Replaces the first element of a list-valued header where it stands: the line's value
    /// when it holds one element, else a line of its own just above the rest of that line.
    /// Appends a line when there is none.
    void ReplaceFirstValue(std::string_view name, HeaderValue value);

    const std::string& Body() const { return Parts().body; }
    /// Sets the body and the Content-Length header to match.
    void SetBody(std::string body);
    /// Sets the body and the Content-Type and Content-Length headers.
    void SetBody(std::string body, std::string_view contentType);
    /// Sets the body alone, leaving every header as it is (the parser uses it; so can tests
    /// that need a body and Content-Length that disagree).
    void SetRawBody(std::string body) { WritableParts().body = std::move(body); }

    bool operator==(const SipMessage& other) const;
    bool operator!=(const SipMessage& other) const { return !(*this == other); }

    /// Canonical wire form: start line, "Name: value" CRLF per header, CRLF, body.
    std::string Serialize() const;
    /// Appends the canonical wire form to out (avoids a copy on the hot path).
    void SerializeTo(std::string& out) const;

    /// The top Via parsed at most once per header state: the transaction layer, the proxy
    /// and response routing all read it, several times per message per hop. Set by
    /// TopVia() (headers.h); copies share it; a change to a Via line drops it (changes to
    /// other headers cannot move the top Via), and so does MutableHeaders().
    bool HasParsedTopVia() const { return m_topViaParsed; }
    const std::shared_ptr<const Via>& ParsedTopVia() const { return m_topVia; }
    void RememberTopVia(std::shared_ptr<const Via> via) const
    {
        m_topVia = std::move(via);
        m_topViaParsed = true;
    }

    /// The Request-URI parsed at most once per value, like the top Via: validation, the
    /// proxy's routing and target set, and the UAS checks all read it. Set by RequestSipUri()
    /// (headers.h); copies share it; SetRequestUri with another value drops it.
    bool HasParsedRequestUri() const { return m_requestUriParsed; }
    const std::shared_ptr<const SipUri>& ParsedRequestUri() const { return m_requestSipUri; }
    void RememberRequestUri(std::shared_ptr<const SipUri> uri) const
    {
        m_requestSipUri = std::move(uri);
        m_requestUriParsed = true;
    }

private:
    /// The start line's strings and the body, shared between copies like the header lines
    /// until one changes: transactions, proxies and dialogs copy messages several times per
    /// hop, and a copy of these (Request-URI, body) costs an allocation each.
    struct TextParts
    {
        std::string method;
        std::string requestUri;
        std::string reasonPhrase;
        std::string version = "SIP/2.0";
        std::string body;

        bool operator==(const TextParts& other) const
        {
            return method == other.method && requestUri == other.requestUri &&
                   reasonPhrase == other.reasonPhrase && version == other.version &&
                   body == other.body;
        }
    };
    const TextParts& Parts() const { return m_parts ? *m_parts : DefaultParts(); }
    /// The parts, unshared first.
    TextParts& WritableParts();
    static const TextParts& DefaultParts();
    static const std::vector<HeaderField>& NoHeaders();
    /// The header lines, unshared first: copies of a message share them until one changes
    /// (transactions keep copies of nearly every message and most are never modified).
    std::vector<HeaderField>& WritableHeaders();
    /// Called by every mutator with the header name it changes.
    void Touch(std::string_view name)
    {
        if (HeaderNameEquals(name, "Via"))
        {
            ForgetParsed();
        }
    }
    void ForgetParsed()
    {
        m_topVia.reset();
        m_topViaParsed = false;
    }

    bool m_isRequest = true;
    int m_statusCode = 0;
    std::shared_ptr<TextParts> m_parts;                  ///< null: DefaultParts()
    std::shared_ptr<std::vector<HeaderField>> m_headers; ///< null: no header lines
    mutable std::shared_ptr<const Via> m_topVia; ///< null with m_topViaParsed: none or malformed
    mutable bool m_topViaParsed = false;
    /// null with m_requestUriParsed: not a sip:/sips: URI, or malformed
    mutable std::shared_ptr<const SipUri> m_requestSipUri;
    mutable bool m_requestUriParsed = false;
};

class ValidatedLines; // validated_lines.h

/// How strict the parser is about framing.
enum class Framing
{
    Datagram, ///< UDP: Content-Length optional; when absent the body runs to the end
    Stream,   ///< TCP: Content-Length mandatory; exactly one message must be given
};

/// Parses exactly one SIP message. Never throws; malformed input yields a ParseError with
/// a reason and, where known, the line and column. Checks performed: start line grammar
/// (single spaces, no trailing whitespace, Request-URI without whitespace or '<' '>' '"'),
/// SIP version 2.0, status code 100..699, header line syntax (token names, folding),
/// Content-Length numeric and not larger than the body, then ValidateSemantics (typed
/// Via/From/To/CSeq/..., CSeq method matching the request method). Leading CRLFs are
/// skipped (§7.5) and a bare LF is tolerated as a line end. Missing or repeated mandatory
/// headers are NOT errors here (RFC 4475 insuf, multi01): the core answers those with 400
/// after CheckMandatoryHeaders. Datagram framing with conflicting Content-Length values
/// keeps the rest of the datagram as the body (RFC 4475 mcl01); stream framing rejects it.
/// `seen` (optional) spares re-checking header lines this element validated before.
Result<SipMessage> ParseMessage(std::string_view data, Framing framing = Framing::Datagram,
                                ValidatedLines* seen = nullptr);

/// Outcome of looking for one message boundary in a byte stream (TCP).
struct FrameScan
{
    enum class Status
    {
        Complete, ///< a message of `length` bytes starts at the front of the buffer
        NeedMore, ///< keep reading
        Error,    ///< the stream cannot be framed (e.g. missing Content-Length)
    };
    Status status = Status::NeedMore;
    std::size_t skip = 0;   ///< leading CRLF keep-alive bytes before the message
    std::size_t length = 0; ///< message length in bytes, after the skipped prefix
    ParseError error;
};

/// Finds the end of the first message in a stream buffer (RFC 3261 §18.3). Leading CRLFs
/// (keep-alives, RFC 5626) are reported in `skip`; the message is buffer[skip, skip+length).
FrameScan ScanStreamFrame(std::string_view buffer);

} // namespace sipsim

#endif
