// SipMessage accessors, header-name canonicalisation and the canonical serializer.
#include "message.h"

#include "abnf.h"
#include "lex.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <vector>

namespace sipsim
{

namespace
{

// Compact forms (RFC 3261 §7.3.3 and the IANA SIP header registry), indexed by letter.
constexpr std::array<std::string_view, 26> kCompactForms = {
    "Accept-Contact",      // a
    "Referred-By",         // b
    "Content-Type",        // c
    "Request-Disposition", // d
    "Content-Encoding",    // e
    "From",                // f
    "",                    // g
    "",                    // h
    "Call-ID",             // i
    "Reject-Contact",      // j
    "Supported",           // k
    "Content-Length",      // l
    "Contact",             // m
    "Identity-Info",       // n
    "Event",               // o
    "",                    // p
    "",                    // q
    "Refer-To",            // r
    "Subject",             // s
    "To",                  // t
    "Allow-Events",        // u
    "Via",                 // v
    "",                    // w
    "Session-Expires",     // x
    "Identity",            // y
    "",                    // z
};

// Header names with a conventional capitalisation that is not plain "Word-Word" (or that
// we simply want normalised): RFC 3261 §20 plus common extensions.
constexpr std::string_view kKnownNames[] = {
    "Accept",
    "Accept-Contact",
    "Accept-Encoding",
    "Accept-Language",
    "Alert-Info",
    "Allow",
    "Allow-Events",
    "Authentication-Info",
    "Authorization",
    "Call-ID",
    "Call-Info",
    "Contact",
    "Content-Disposition",
    "Content-Encoding",
    "Content-Language",
    "Content-Length",
    "Content-Type",
    "CSeq",
    "Date",
    "Error-Info",
    "Event",
    "Expires",
    "From",
    "History-Info",
    "Identity",
    "Identity-Info",
    "In-Reply-To",
    "Max-Forwards",
    "MIME-Version",
    "Min-Expires",
    "Min-SE",
    "Organization",
    "P-Asserted-Identity",
    "P-Preferred-Identity",
    "Path",
    "Priority",
    "Privacy",
    "Proxy-Authenticate",
    "Proxy-Authorization",
    "Proxy-Require",
    "RAck",
    "Reason",
    "Record-Route",
    "Refer-To",
    "Referred-By",
    "Reject-Contact",
    "Replaces",
    "Reply-To",
    "Request-Disposition",
    "Require",
    "Retry-After",
    "Route",
    "RSeq",
    "Server",
    "Service-Route",
    "Session-Expires",
    "SIP-ETag",
    "SIP-If-Match",
    "Subject",
    "Subscription-State",
    "Supported",
    "Timestamp",
    "To",
    "Unsupported",
    "User-Agent",
    "Via",
    "Warning",
    "WWW-Authenticate",
};

// Known names bucketed by lower-case first letter and length, so a lookup usually makes
// a single case-insensitive comparison.
constexpr std::size_t kMaxKnownLength = 32;
constexpr std::size_t kBucketSize = 4;
constexpr std::size_t kKnownCount = sizeof(kKnownNames) / sizeof(kKnownNames[0]);
static_assert(kKnownCount < 255, "bucket entries are 1-based uint8_t indices");

struct NameIndex
{
    /// 1-based indices into kKnownNames; 0 ends a bucket. Bytes keep the table at 3 KiB.
    std::array<std::array<uint8_t, kBucketSize>, 26 * kMaxKnownLength> buckets{};

    NameIndex()
    {
        for (std::size_t i = 0; i < kKnownCount; ++i)
        {
            for (uint8_t& entry : buckets[Slot(kKnownNames[i])])
            {
                if (entry == 0)
                {
                    entry = static_cast<uint8_t>(i + 1);
                    break;
                }
            }
        }
    }

    /// Bucket of a name starting with a letter and shorter than kMaxKnownLength.
    static std::size_t Slot(std::string_view name)
    {
        return static_cast<std::size_t>(lex::ToLower(name[0]) - 'a') * kMaxKnownLength +
               name.size();
    }
};

const NameIndex&
Index()
{
    static const NameIndex index;
    return index;
}

std::string_view
CompactExpansion(char c)
{
    char lower = lex::ToLower(c);
    if (lower < 'a' || lower > 'z')
    {
        return {};
    }
    return kCompactForms[static_cast<std::size_t>(lower - 'a')];
}

/// Position of the name in kKnownNames (compact forms expanded, any case), or -1.
int
KnownNameIndex(std::string_view name)
{
    if (name.size() == 1)
    {
        const std::string_view expanded = CompactExpansion(name[0]);
        return expanded.empty() ? -1 : KnownNameIndex(expanded);
    }
    if (name.empty() || name.size() >= kMaxKnownLength)
    {
        return -1;
    }
    const char first = lex::ToLower(name[0]);
    if (first < 'a' || first > 'z')
    {
        return -1;
    }
    for (uint8_t entry : Index().buckets[NameIndex::Slot(name)])
    {
        if (entry == 0)
        {
            break;
        }
        // Same size by the bucket; names arrive canonical more often than not.
        const std::string_view known = kKnownNames[entry - 1];
        if (detail::SameBytesOfSize(known.data(), name.data(), name.size()) ||
            lex::EqualsIgnoreCase(known, name))
        {
            return entry - 1;
        }
    }
    return -1;
}

/// The known names as header values, made once: every header line a message gains (the
/// parser, Add, Set) copies its name, and a long one (Proxy-Authorization) would otherwise
/// cost an allocation each time. Never changed after it is built, so threads may share it.
const std::array<HeaderValue, kKnownCount>&
KnownNameValues()
{
    static const std::array<HeaderValue, kKnownCount> values = [] {
        std::array<HeaderValue, kKnownCount> made;
        for (std::size_t i = 0; i < kKnownCount; ++i)
        {
            made[i] = HeaderValue(std::string_view(kKnownNames[i]));
        }
        return made;
    }();
    return values;
}

/// Characters FindTopLevelComma must look at; everything else is skipped by one table load.
struct ListSpecials
{
    bool special[256] = {};
    constexpr ListSpecials()
    {
        special[static_cast<unsigned char>('"')] = true;
        special[static_cast<unsigned char>('<')] = true;
        special[static_cast<unsigned char>('>')] = true;
        special[static_cast<unsigned char>(',')] = true;
    }
};
constexpr ListSpecials kListSpecials{};

/// Offset of the first byte at or after `i` that FindTopLevelComma must look at, or npos.
/// Sixteen bytes per step where SSE2 is there (every x86-64): list values such as Via
/// are scanned at every hop and are mostly plain text between the specials.
std::size_t
NextListSpecial(std::string_view value, std::size_t i)
{
    const std::size_t size = value.size();
    if (i >= size) // a quoted string's skip can stop past the end
    {
        return std::string_view::npos;
    }
    const char* p = value.data() + i;
    const bool found = lex::FindInBlocks<'"', '<', '>', ','>(p, value.data() + size);
    i = static_cast<std::size_t>(p - value.data());
    if (found)
    {
        return i;
    }
    for (; i < size; ++i)
    {
        if (kListSpecials.special[static_cast<unsigned char>(value[i])])
        {
            return i;
        }
    }
    return std::string_view::npos;
}

/// Offset of the first top-level comma at or after `from`, or npos. Commas inside quoted
/// strings (with backslash escapes) and inside <...> do not separate list elements.
std::size_t
FindTopLevelComma(std::string_view value, std::size_t from)
{
    bool inAngle = false;
    const std::size_t size = value.size();
    for (std::size_t i = NextListSpecial(value, from); i < size; i = NextListSpecial(value, i + 1))
    {
        const char c = value[i];
        if (c == '"')
        {
            // Skip the quoted string; an escaped character cannot end it. `i` stops on the
            // closing quote (or past the end), and the search resumes after it.
            for (++i; i < size && value[i] != '"'; ++i)
            {
                i += value[i] == '\\' ? 1 : 0;
            }
        }
        else if (c == ',')
        {
            if (!inAngle)
            {
                return i;
            }
        }
        else
        {
            inAngle = c == '<';
        }
    }
    return std::string_view::npos;
}

/// What follows the first element of a list value (trimmed); empty when it has only one.
std::string_view
AfterFirstElement(std::string_view value)
{
    const std::size_t comma = FindTopLevelComma(value, 0);
    return comma == std::string_view::npos ? std::string_view()
                                           : lex::TrimWsp(value.substr(comma + 1));
}

/// Appends the trimmed top-level elements of a list value. Empty elements ("a,,b") are
/// kept: SIP lists do not allow them, so the typed parsers must see them to reject them.
void
AppendListElements(std::string_view value, std::vector<std::string_view>& out)
{
    HeaderListCursor cursor(value);
    for (std::string_view item; cursor.Next(item);)
    {
        out.push_back(item);
    }
}

} // namespace

HeaderListCursor::HeaderListCursor(std::string_view value)
    : m_value(value), m_done(lex::TrimWsp(value).empty())
{
}

bool
HeaderListCursor::Next(std::string_view& element)
{
    if (m_done)
    {
        return false;
    }
    const std::size_t comma = FindTopLevelComma(m_value, m_pos);
    if (comma == std::string_view::npos)
    {
        element = lex::TrimWsp(m_value.substr(m_pos));
        m_done = true;
    }
    else
    {
        element = lex::TrimWsp(m_value.substr(m_pos, comma - m_pos));
        m_pos = comma + 1;
    }
    return true;
}

std::optional<std::string_view>
FirstHeaderListElement(std::string_view value)
{
    HeaderListCursor cursor(value);
    std::string_view first;
    if (!cursor.Next(first))
    {
        return std::nullopt;
    }
    return first;
}

namespace
{

void
AppendStatusCode(std::string& out, int code)
{
    if (code >= 100 && code <= 999)
    {
        out.push_back(static_cast<char>('0' + code / 100));
        out.push_back(static_cast<char>('0' + code / 10 % 10));
        out.push_back(static_cast<char>('0' + code % 10));
    }
    else
    {
        out.append(std::to_string(code));
    }
}

} // namespace

HeaderValue
CanonicalHeaderName(std::string_view name)
{
    const int known = KnownNameIndex(name);
    return known < 0 ? HeaderValue(name) : KnownNameValues()[known];
}

bool
detail::HeaderNameEqualsSlow(std::string_view a, std::string_view b)
{
    // Stored names are canonical (the parser and Add canonicalise them) and so are the
    // names code asks for: an exact match is the common case and the cheapest test.
    if (a == b || lex::EqualsIgnoreCase(a, b))
    {
        return true;
    }
    if (a.size() != 1 && b.size() != 1)
    {
        return false;
    }
    std::string_view longA = a.size() == 1 ? CompactExpansion(a[0]) : a;
    std::string_view longB = b.size() == 1 ? CompactExpansion(b[0]) : b;
    return !longA.empty() && !longB.empty() && lex::EqualsIgnoreCase(longA, longB);
}

std::vector<std::string_view>
SplitHeaderList(std::string_view value)
{
    std::vector<std::string_view> parts;
    AppendListElements(value, parts);
    return parts;
}

SipMessage
SipMessage::MakeRequest(std::string method, std::string requestUri)
{
    SipMessage message;
    message.m_isRequest = true;
    TextParts& parts = message.WritableParts();
    parts.method = std::move(method);
    parts.requestUri = std::move(requestUri);
    return message;
}

SipMessage
SipMessage::MakeResponse(int statusCode, std::string reasonPhrase)
{
    SipMessage message;
    message.m_isRequest = false;
    message.m_statusCode = statusCode;
    message.WritableParts().reasonPhrase = std::move(reasonPhrase);
    return message;
}

void
SipMessage::SetStatus(int code, std::string reason)
{
    m_statusCode = code;
    WritableParts().reasonPhrase = std::move(reason);
}

const HeaderValue*
SipMessage::Get(std::string_view name) const
{
    for (const HeaderField& field : Headers())
    {
        if (HeaderNameEquals(field.name, name))
        {
            return &field.value;
        }
    }
    return nullptr;
}

std::vector<std::string_view>
SipMessage::GetAll(std::string_view name) const
{
    std::vector<std::string_view> values;
    for (const HeaderField& field : Headers())
    {
        if (HeaderNameEquals(field.name, name))
        {
            AppendListElements(field.value, values);
        }
    }
    return values;
}

std::size_t
SipMessage::Count(std::string_view name) const
{
    std::size_t count = 0;
    for (const HeaderField& field : Headers())
    {
        count += HeaderNameEquals(field.name, name) ? 1 : 0;
    }
    return count;
}

void
SipMessage::Add(std::string_view name, HeaderValue value)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    headers.push_back(HeaderField{CanonicalHeaderName(name), std::move(value)});
}

void
SipMessage::Prepend(std::string_view name, HeaderValue value)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    auto it = headers.begin();
    for (; it != headers.end(); ++it)
    {
        if (HeaderNameEquals(it->name, name))
        {
            break;
        }
    }
    headers.insert(it, HeaderField{CanonicalHeaderName(name), std::move(value)});
}

void
SipMessage::Set(std::string_view name, HeaderValue value)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    bool replaced = false;
    std::size_t out = 0;
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        if (HeaderNameEquals(headers[i].name, name))
        {
            if (replaced)
            {
                continue; // drop later duplicates
            }
            headers[i].name = CanonicalHeaderName(name);
            headers[i].value = std::move(value);
            replaced = true;
        }
        if (out != i)
        {
            headers[out] = std::move(headers[i]);
        }
        ++out;
    }
    headers.resize(out);
    if (!replaced)
    {
        Add(name, std::move(value));
    }
}

std::size_t
SipMessage::Remove(std::string_view name)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    std::size_t before = headers.size();
    std::size_t out = 0;
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        if (HeaderNameEquals(headers[i].name, name))
        {
            continue;
        }
        if (out != i)
        {
            headers[out] = std::move(headers[i]);
        }
        ++out;
    }
    headers.resize(out);
    return before - out;
}

void
SipMessage::RemoveLines(const std::vector<std::size_t>& positions)
{
    if (positions.empty())
    {
        return; // keep the lines shared with other copies
    }
    for (std::size_t position : positions)
    {
        Touch(Headers().at(position).name);
    }
    std::vector<HeaderField>& headers = WritableHeaders();
    for (auto it = positions.rbegin(); it != positions.rend(); ++it)
    {
        headers.erase(headers.begin() + static_cast<std::ptrdiff_t>(*it));
    }
}

bool
SipMessage::RemoveFirstValue(std::string_view name)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    for (auto it = headers.begin(); it != headers.end(); ++it)
    {
        if (!HeaderNameEquals(it->name, name))
        {
            continue;
        }
        const std::string_view rest = AfterFirstElement(it->value);
        if (rest.empty())
        {
            headers.erase(it);
        }
        else
        {
            it->value = it->value.Part(rest);
        }
        return true;
    }
    return false;
}

void
SipMessage::ReplaceFirstValue(std::string_view name, HeaderValue value)
{
    Touch(name);
    std::vector<HeaderField>& headers = WritableHeaders();
    for (auto it = headers.begin(); it != headers.end(); ++it)
    {
        if (!HeaderNameEquals(it->name, name))
        {
            continue;
        }
        const std::string_view rest = AfterFirstElement(it->value);
        if (rest.empty())
        {
            it->name = CanonicalHeaderName(name);
            it->value = std::move(value);
        }
        else
        {
            it->value = it->value.Part(rest);
            headers.insert(it, HeaderField{CanonicalHeaderName(name), std::move(value)});
        }
        return;
    }
    headers.push_back(HeaderField{CanonicalHeaderName(name), std::move(value)});
}

const std::vector<HeaderField>&
SipMessage::NoHeaders()
{
    static const std::vector<HeaderField> none;
    return none;
}

const SipMessage::TextParts&
SipMessage::DefaultParts()
{
    static const TextParts defaults;
    return defaults;
}

SipMessage::TextParts&
SipMessage::WritableParts()
{
    if (!m_parts)
    {
        m_parts = std::make_shared<TextParts>();
    }
    else if (m_parts.use_count() > 1)
    {
        m_parts = std::make_shared<TextParts>(*m_parts);
    }
    return *m_parts;
}

std::vector<HeaderField>&
SipMessage::WritableHeaders()
{
    // Room for the lines a builder adds, or a proxy adds to its copy (Via, Record-Route),
    // without regrowing: growth re-allocates and moves every line.
    constexpr std::size_t kSpare = 4;
    constexpr std::size_t kTypicalMessage = 16;
    if (!m_headers)
    {
        m_headers = std::make_shared<std::vector<HeaderField>>();
        m_headers->reserve(kTypicalMessage);
    }
    else if (m_headers.use_count() > 1)
    {
        auto copy = std::make_shared<std::vector<HeaderField>>();
        copy->reserve(m_headers->size() + kSpare);
        copy->assign(m_headers->begin(), m_headers->end());
        m_headers = std::move(copy);
    }
    return *m_headers;
}

void
SipMessage::SetBody(std::string body)
{
    const std::size_t length = body.size();
    WritableParts().body = std::move(body);
    Set("Content-Length", std::to_string(length));
}

void
SipMessage::SetBody(std::string body, std::string_view contentType)
{
    Set("Content-Type", std::string(contentType));
    SetBody(std::move(body));
}

bool
SipMessage::operator==(const SipMessage& other) const
{
    return m_isRequest == other.m_isRequest && m_statusCode == other.m_statusCode &&
           Parts() == other.Parts() && Headers() == other.Headers();
}

std::string
SipMessage::Serialize() const
{
    std::string out;
    SerializeTo(out);
    return out;
}

void
SipMessage::SerializeTo(std::string& out) const
{
    std::string code; // status codes outside 100..999 (only in tests) have other widths
    if (!m_isRequest)
    {
        AppendStatusCode(code, m_statusCode);
    }
    // Size everything first (an upper bound: an empty value drops a space).
    const TextParts& parts = Parts();
    std::size_t size = parts.version.size() + 2 + 2 + parts.body.size();
    size += m_isRequest ? parts.method.size() + parts.requestUri.size() + 2
                        : code.size() + parts.reasonPhrase.size() + 2;
    for (const HeaderField& field : Headers())
    {
        size += field.name.size() + field.value.size() + 4;
    }
    // Write through a cursor into the sized buffer: one append call per piece costs more
    // than the copying itself (this runs for every message sent).
    const std::size_t start = out.size();
    out.resize(start + size + HeaderValue::kPaddedCopySlack); // room for one padded copy
    char* cursor = out.data() + start;
    auto put = [&cursor](std::string_view piece) { abnf::PutBytes(cursor, piece); };
    if (m_isRequest)
    {
        put(parts.method);
        put(" ");
        put(parts.requestUri);
        put(" ");
        put(parts.version);
    }
    else
    {
        put(parts.version);
        put(" ");
        put(code);
        put(" ");
        put(parts.reasonPhrase);
    }
    put("\r\n");
    for (const HeaderField& field : Headers())
    {
        cursor = field.name.CopyPadded(cursor);
        if (field.value.empty())
        {
            put(":");
        }
        else
        {
            put(": "); // constant sizes: copies the compiler writes out, no memcpy call
            put(field.value);
        }
        put("\r\n");
    }
    put("\r\n");
    put(parts.body);
    out.resize(static_cast<std::size_t>(cursor - out.data()));
}

} // namespace sipsim
