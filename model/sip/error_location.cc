// Mapping semantic errors back to a position in the text. Runs only when a message is
// rejected, so the parser's hot path keeps no per-header positions.
#include "lex.h"
#include "message.h"

namespace sipsim
{

namespace
{

/// The header a semantic error is about: the longest header name the reason starts with,
/// else the earliest header name it mentions as a word. Returns an index into the headers.
std::size_t
FindBlamedHeader(const SipMessage& message, std::string_view reason)
{
    const std::vector<HeaderField>& headers = message.Headers();
    std::size_t best = headers.size();
    std::size_t bestLength = 0;
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        std::string_view name = headers[i].name;
        if (name.size() > bestLength && reason.size() >= name.size() &&
            lex::EqualsIgnoreCase(reason.substr(0, name.size()), name) &&
            (reason.size() == name.size() || !lex::IsTokenChar(reason[name.size()])))
        {
            best = i;
            bestLength = name.size();
        }
    }
    if (best != headers.size())
    {
        return best;
    }
    std::size_t earliest = std::string_view::npos;
    for (std::size_t i = 0; i < headers.size(); ++i)
    {
        std::string_view name = headers[i].name;
        for (std::size_t at = reason.find(name); at != std::string_view::npos;
             at = reason.find(name, at + 1))
        {
            bool wordStart = at == 0 || !lex::IsTokenChar(reason[at - 1]);
            std::size_t after = at + name.size();
            bool wordEnd = after == reason.size() || !lex::IsTokenChar(reason[after]);
            if (wordStart && wordEnd)
            {
                if (at < earliest)
                {
                    earliest = at;
                    best = i;
                }
                break;
            }
        }
    }
    return best;
}

/// Line and value column of header number `index`, by re-walking the (already valid) text.
/// Only runs on the error path, so the hot path keeps no per-header positions.
void
LocateHeader(std::string_view data, std::size_t index, int& line, int& column)
{
    int lineNo = 1;
    std::size_t pos = lex::SkipLeadingBlankLines(data, lineNo);
    std::size_t header = 0;
    bool first = true; // the start line
    while (pos < data.size())
    {
        std::size_t nl = data.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? data.size() : nl;
        std::string_view text = data.substr(pos, end - pos);
        if (!text.empty() && text.back() == '\r')
        {
            text.remove_suffix(1);
        }
        if (!first)
        {
            if (text.empty())
            {
                return;
            }
            if (!lex::IsWsp(text[0]))
            {
                if (header == index)
                {
                    std::size_t colon = text.find(':');
                    std::size_t value = colon == std::string_view::npos ? 0 : colon + 1;
                    while (value < text.size() && lex::IsWsp(text[value]))
                    {
                        ++value;
                    }
                    line = lineNo;
                    column = static_cast<int>(value) + 1;
                    return;
                }
                ++header;
            }
        }
        first = false;
        pos = end + 1;
        ++lineNo;
    }
}

} // namespace

ParseError
lex::LocateSemanticError(std::string_view data, const SipMessage& message, int startLine,
                         ParseError error)
{
    if (error.line > 0)
    {
        return error;
    }
    std::string_view reason = error.reason;
    if (message.IsRequest() && (reason.find("Request-URI") != std::string_view::npos ||
                                reason.rfind("request method", 0) == 0))
    {
        error.line = startLine;
        error.column = static_cast<int>(message.Method().size()) + 2;
        return error;
    }
    std::size_t index = FindBlamedHeader(message, reason);
    if (index < message.Headers().size())
    {
        LocateHeader(data, index, error.line, error.column);
    }
    return error;
}

} // namespace sipsim
