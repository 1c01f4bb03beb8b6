// ParseMessage: one pass over the bytes, RFC 3261 §7 and §25 grammar for the start line and
// header framing; the typed header checks live in ValidateSemantics (headers.h).
#include "headers.h"
#include "lex.h"
#include "message.h"

namespace sipsim
{

namespace
{

/// "'x'" for printable characters, "0xNN" otherwise, so reasons stay one readable line.
std::string
DescribeChar(char c)
{
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x21 && u < 0x7f)
    {
        return std::string("'") + c + "'";
    }
    static constexpr char kHex[] = "0123456789ABCDEF";
    return std::string("0x") + kHex[u >> 4] + kHex[u & 0xF];
}

/// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is spoken. Empty reason when fine.
std::string
CheckVersion(std::string_view version)
{
    if (lex::EqualsIgnoreCase(version, "SIP/2.0"))
    {
        return {};
    }
    bool wellFormed = version.size() > 4 && lex::EqualsIgnoreCase(version.substr(0, 4), "SIP/");
    if (wellFormed)
    {
        std::string_view number = version.substr(4);
        std::size_t dot = number.find('.');
        wellFormed = dot != std::string_view::npos && dot > 0 && dot + 1 < number.size();
        for (std::size_t i = 0; wellFormed && i < number.size(); ++i)
        {
            wellFormed = i == dot || (number[i] >= '0' && number[i] <= '9');
        }
    }
    if (wellFormed)
    {
        return "unsupported SIP version " + std::string(version);
    }
    return "malformed SIP version '" + std::string(version) + "'";
}

class MessageParser
{
public:
    MessageParser(std::string_view data, Framing framing) : m_data(data), m_framing(framing) {}

    /// Fills `message`; on failure returns false with m_error set.
    bool Run(SipMessage& message);

    const ParseError& Error() const { return m_error; }
    int StartLine() const { return m_startLine; }

private:
    bool Fail(std::string reason, int line, int column = 0)
    {
        m_error = MakeError(std::move(reason), line, column);
        return false;
    }

    /// Finds the line starting at m_pos: [m_pos, contentEnd) without its CRLF; `next` is the
    /// offset after the terminator. Fails on a missing terminator or a bare CR.
    bool ReadLine(std::size_t& contentEnd, std::size_t& next, const char* what);
    bool ParseStartLine(std::string_view line, SipMessage& message);
    bool ParseRequestLine(std::string_view line, SipMessage& message);
    bool ParseStatusLine(std::string_view line, SipMessage& message);
    bool ParseHeaders(SipMessage& message);
    bool NoteContentLength(std::string_view value, int line, int column);
    bool TakeBody(SipMessage& message);

    std::string_view m_data;
    Framing m_framing;
    std::size_t m_pos = 0;
    int m_line = 1;
    int m_startLine = 1;
    ParseError m_error;

    // Content-Length as seen in the headers.
    bool m_haveLength = false;
    bool m_lengthConflict = false;
    std::size_t m_length = 0;
    std::size_t m_conflictingLength = 0;
    int m_lengthLine = 0;
};

bool
MessageParser::ReadLine(std::size_t& contentEnd, std::size_t& next, const char* what)
{
    const char* begin = m_data.data() + m_pos;
    const char* end = m_data.data() + m_data.size();
    const char* lineBreak = lex::FindLineBreak(begin, end);
    std::size_t lineLength = static_cast<std::size_t>(lineBreak - begin);
    if (lineBreak == end || (*lineBreak == '\r' && lineBreak + 1 == end))
    {
        return Fail(std::string(what) + " is not terminated by CRLF", m_line);
    }
    if (*lineBreak == '\n')
    {
        next = m_pos + lineLength + 1; // a bare LF is tolerated as a line end
    }
    else if (lineBreak[1] == '\n')
    {
        next = m_pos + lineLength + 2;
    }
    else
    {
        // A CR may only appear as part of the line terminator (§7: CRLF ends every line).
        return Fail(std::string("bare CR in ") + what, m_line, static_cast<int>(lineLength) + 1);
    }
    contentEnd = m_pos + lineLength;
    return true;
}

bool
MessageParser::Run(SipMessage& message)
{
    m_pos = lex::SkipLeadingBlankLines(m_data, m_line);
    if (m_pos >= m_data.size())
    {
        return Fail("empty message", m_line);
    }
    m_startLine = m_line;
    std::size_t contentEnd = 0;
    std::size_t next = 0;
    if (!ReadLine(contentEnd, next, "start line"))
    {
        return false;
    }
    if (!ParseStartLine(m_data.substr(m_pos, contentEnd - m_pos), message))
    {
        return false;
    }
    m_pos = next;
    ++m_line;
    return ParseHeaders(message) && TakeBody(message);
}

bool
MessageParser::ParseStartLine(std::string_view line, SipMessage& message)
{
    if (line.size() >= 4 && lex::EqualsIgnoreCase(line.substr(0, 4), "SIP/"))
    {
        return ParseStatusLine(line, message);
    }
    return ParseRequestLine(line, message);
}

bool
MessageParser::ParseRequestLine(std::string_view line, SipMessage& message)
{
    // Request-Line = Method SP Request-URI SP SIP-Version: exactly two single spaces.
    std::size_t methodEnd = 0;
    while (methodEnd < line.size() && lex::IsTokenChar(line[methodEnd]))
    {
        ++methodEnd;
    }
    if (methodEnd == 0)
    {
        if (line.empty() || lex::IsWsp(line[0]))
        {
            return Fail("request line starts with whitespace", m_line, 1);
        }
        return Fail("invalid character " + DescribeChar(line[0]) + " at start of request line",
                    m_line, 1);
    }
    if (methodEnd == line.size())
    {
        return Fail("request line has no Request-URI", m_line, static_cast<int>(methodEnd) + 1);
    }
    if (line[methodEnd] != ' ')
    {
        return Fail("invalid character " + DescribeChar(line[methodEnd]) + " in method", m_line,
                    static_cast<int>(methodEnd) + 1);
    }
    if (lex::IsWsp(line.back()))
    {
        return Fail("trailing whitespace after the SIP version in request line", m_line,
                    static_cast<int>(line.size()));
    }
    std::size_t uriStart = methodEnd + 1;
    if (uriStart < line.size() && lex::IsWsp(line[uriStart]))
    {
        return Fail("more than one space after the method in request line", m_line,
                    static_cast<int>(uriStart) + 1);
    }
    std::size_t lastSpace = line.rfind(' ');
    if (lastSpace < uriStart)
    {
        return Fail("request line has no SIP version", m_line, static_cast<int>(line.size()) + 1);
    }
    std::string_view uri = line.substr(uriStart, lastSpace - uriStart);
    std::string_view version = line.substr(lastSpace + 1);
    if (uri.empty())
    {
        return Fail("empty Request-URI", m_line, static_cast<int>(uriStart) + 1);
    }
    if (lex::IsWsp(uri.back()))
    {
        return Fail("more than one space before the SIP version in request line", m_line,
                    static_cast<int>(lastSpace));
    }
    for (std::size_t i = 0; i < uri.size(); ++i)
    {
        auto c = static_cast<unsigned char>(uri[i]);
        int column = static_cast<int>(uriStart + i) + 1;
        if (c == ' ' || c == '\t')
        {
            return Fail("Request-URI contains whitespace", m_line, column);
        }
        // Never legal in any URI (RFC 3986 and §25.1), and '<' '>' show a name-addr was
        // pasted where an addr-spec belongs (RFC 4475 ltgtruri).
        if (c < 0x21 || c == 0x7f || c == '<' || c == '>' || c == '"')
        {
            return Fail("invalid character " + DescribeChar(uri[i]) + " in Request-URI", m_line,
                        column);
        }
    }
    std::string versionError = CheckVersion(version);
    if (!versionError.empty())
    {
        return Fail(std::move(versionError), m_line, static_cast<int>(lastSpace) + 2);
    }
    message = SipMessage::MakeRequest(std::string(line.substr(0, methodEnd)), std::string(uri));
    message.SetVersion(std::string(version));
    return true;
}

bool
MessageParser::ParseStatusLine(std::string_view line, SipMessage& message)
{
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase; the phrase may be empty.
    std::size_t versionEnd = line.find(' ');
    std::string_view version = line.substr(0, versionEnd);
    std::string versionError = CheckVersion(version);
    if (!versionError.empty())
    {
        return Fail(std::move(versionError), m_line, 1);
    }
    if (versionEnd == std::string_view::npos)
    {
        return Fail("status line has no status code", m_line, static_cast<int>(line.size()) + 1);
    }
    std::size_t codeStart = versionEnd + 1;
    std::size_t codeEnd = line.find(' ', codeStart);
    std::string_view code =
        line.substr(codeStart, codeEnd == std::string_view::npos ? std::string_view::npos
                                                                 : codeEnd - codeStart);
    int column = static_cast<int>(codeStart) + 1;
    if (code.empty())
    {
        return Fail("more than one space before the status code", m_line, column);
    }
    for (char c : code)
    {
        if (c < '0' || c > '9')
        {
            return Fail("status code '" + std::string(code) + "' is not a number", m_line, column);
        }
    }
    if (code.size() != 3)
    {
        return Fail("status code " + std::string(code) + " is not 3 digits", m_line, column);
    }
    int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (status < 100 || status > 699)
    {
        return Fail("status code " + std::string(code) + " is outside 100..699", m_line, column);
    }
    // A missing SP before an empty reason ("SIP/2.0 100") is tolerated: nothing is ambiguous.
    std::string_view reason =
        codeEnd == std::string_view::npos ? std::string_view() : line.substr(codeEnd + 1);
    message = SipMessage::MakeResponse(status, std::string(reason));
    message.SetVersion(std::string(version));
    return true;
}

bool
MessageParser::ParseHeaders(SipMessage& message)
{
    std::vector<HeaderField>& headers = message.MutableHeaders();
    headers.reserve(16);
    // One copy of the rest of the message that every unfolded value points into: one
    // allocation per message rather than one per value, and copies of the message share it.
    const std::size_t sharedStart = m_pos;
    const HeaderValue shared(m_data.substr(sharedStart));
    for (;;)
    {
        if (m_pos >= m_data.size())
        {
            return Fail("headers are not terminated by an empty line", m_line);
        }
        std::size_t contentEnd = 0;
        std::size_t next = 0;
        if (!ReadLine(contentEnd, next, "header line"))
        {
            return false;
        }
        if (contentEnd == m_pos)
        {
            // The empty line that ends the header section.
            m_pos = next;
            ++m_line;
            return true;
        }
        std::string_view line = m_data.substr(m_pos, contentEnd - m_pos);
        int headerLine = m_line;
        if (lex::IsWsp(line[0]))
        {
            // Continuations of a previous header are consumed with it below.
            return Fail("folded continuation line with no header before it", m_line, 1);
        }

        // header-name HCOLON: the name is a token; whitespace may precede the colon.
        std::size_t nameEnd = 0;
        while (nameEnd < line.size() && lex::IsTokenChar(line[nameEnd]))
        {
            ++nameEnd;
        }
        std::size_t colon = nameEnd;
        while (colon < line.size() && lex::IsWsp(line[colon]))
        {
            ++colon;
        }
        if (colon == line.size() || line[colon] != ':')
        {
            int column = static_cast<int>(colon) + 1;
            if (line.find(':', colon) == std::string_view::npos)
            {
                return Fail("header line has no colon", m_line, column);
            }
            if (nameEnd != colon)
            {
                return Fail("whitespace inside header name", m_line, static_cast<int>(nameEnd) + 1);
            }
            return Fail("invalid character " + DescribeChar(line[colon]) + " in header name",
                        m_line, column);
        }
        if (nameEnd == 0)
        {
            return Fail("empty header name", m_line, 1);
        }
        std::string_view name = line.substr(0, nameEnd);
        std::size_t valueStart = colon + 1;
        while (valueStart < line.size() && lex::IsWsp(line[valueStart]))
        {
            ++valueStart;
        }
        int valueColumn = static_cast<int>(valueStart) + 1;
        std::string_view firstPart = lex::TrimWsp(line.substr(valueStart));

        // LWS folding: each following line that starts with SP/HTAB continues this value;
        // the line break and the whitespace around it become one SP (§7.3.1).
        std::string foldedValue;
        bool folded = false;
        m_pos = next;
        ++m_line;
        while (m_pos < m_data.size() && lex::IsWsp(m_data[m_pos]))
        {
            if (!ReadLine(contentEnd, next, "header line"))
            {
                return false;
            }
            if (!folded)
            {
                foldedValue.assign(firstPart);
                folded = true;
            }
            std::string_view more = lex::TrimWsp(m_data.substr(m_pos, contentEnd - m_pos));
            if (!more.empty())
            {
                if (!foldedValue.empty())
                {
                    foldedValue.push_back(' ');
                }
                foldedValue.append(more);
            }
            m_pos = next;
            ++m_line;
        }
        const std::size_t firstOffset =
            static_cast<std::size_t>(firstPart.data() - m_data.data()) - sharedStart;
        HeaderValue value = folded
                                ? HeaderValue(foldedValue)
                                : shared.Part(shared.view().substr(firstOffset, firstPart.size()));

        HeaderValue canonical = CanonicalHeaderName(name);
        if (canonical == "Content-Length" && !NoteContentLength(value, headerLine, valueColumn))
        {
            return false;
        }
        headers.push_back(HeaderField{std::move(canonical), std::move(value)});
    }
}

bool
MessageParser::NoteContentLength(std::string_view value, int line, int column)
{
    std::size_t length = 0;
    switch (lex::ParseContentLength(value, length))
    {
    case lex::LengthStatus::NotANumber:
        return Fail("Content-Length '" + std::string(value) + "' is not a non-negative number",
                    line, column);
    case lex::LengthStatus::TooLarge:
        return Fail("Content-Length " + std::string(value) + " is too large", line, column);
    case lex::LengthStatus::Ok:
        break;
    }
    if (!m_haveLength)
    {
        m_haveLength = true;
        m_length = length;
        m_lengthLine = line;
    }
    else if (length != m_length && !m_lengthConflict)
    {
        m_lengthConflict = true;
        m_conflictingLength = length;
    }
    return true;
}

bool
MessageParser::TakeBody(SipMessage& message)
{
    std::size_t available = m_data.size() - m_pos;
    bool stream = m_framing == Framing::Stream;
    if (m_lengthConflict)
    {
        // The frame size is unknowable (RFC 4475 mcl01). A datagram still ends where the
        // datagram ends, so the message is kept for the core to answer 400; a stream cannot
        // be resynchronised.
        if (stream)
        {
            return Fail("conflicting Content-Length values " + std::to_string(m_length) + " and " +
                            std::to_string(m_conflictingLength),
                        m_lengthLine);
        }
        message.SetRawBody(std::string(m_data.substr(m_pos)));
        return true;
    }
    if (!m_haveLength)
    {
        if (stream)
        {
            return Fail("missing Content-Length (mandatory on stream transports)", 0);
        }
        message.SetRawBody(std::string(m_data.substr(m_pos)));
        return true;
    }
    if (m_length > available)
    {
        return Fail("Content-Length " + std::to_string(m_length) + " exceeds the " +
                        std::to_string(available) + " bytes of body",
                    m_lengthLine);
    }
    if (stream && m_length < available)
    {
        return Fail(std::to_string(available - m_length) +
                        " bytes follow the body announced by Content-Length " +
                        std::to_string(m_length),
                    m_lengthLine);
    }
    // Over a datagram, bytes beyond Content-Length are discarded (§18.3).
    message.SetRawBody(std::string(m_data.substr(m_pos, m_length)));
    return true;
}

} // namespace

Result<SipMessage>
ParseMessage(std::string_view data, Framing framing, ValidatedLines* seen)
{
    SipMessage message;
    MessageParser parser(data, framing);
    if (!parser.Run(message))
    {
        return parser.Error();
    }
    if (std::optional<ParseError> problem = ValidateSemantics(message, seen))
    {
        return lex::LocateSemanticError(data, message, parser.StartLine(), std::move(*problem));
    }
    return Result<SipMessage>(std::move(message));
}

} // namespace sipsim
