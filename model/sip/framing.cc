// Message boundaries on stream transports (RFC 3261 §18.3): the header section ends at the
// first empty line and Content-Length, mandatory there, gives the body size.
#include "lex.h"
#include "message.h"

#include <string>

namespace sipsim
{

namespace
{

/// A header section larger than this is treated as garbage rather than waited on forever.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

FrameScan
FrameError(std::size_t skip, std::string reason, int line)
{
    FrameScan scan;
    scan.status = FrameScan::Status::Error;
    scan.skip = skip;
    scan.error = MakeError(std::move(reason), line);
    return scan;
}

/// Collects the Content-Length header values seen so far, checking each one.
struct LengthTracker
{
    bool have = false;
    std::size_t value = 0;
    std::string problem; ///< non-empty once a value is invalid or conflicting
    int problemLine = 0;

    void Note(std::string_view text, int line)
    {
        if (!problem.empty())
        {
            return;
        }
        text = lex::TrimWsp(text);
        std::size_t length = 0;
        switch (lex::ParseContentLength(text, length))
        {
        case lex::LengthStatus::NotANumber:
            problem = "Content-Length '" + std::string(text) + "' is not a non-negative number";
            problemLine = line;
            return;
        case lex::LengthStatus::TooLarge:
            problem = "Content-Length " + std::string(text) + " is too large";
            problemLine = line;
            return;
        case lex::LengthStatus::Ok:
            break;
        }
        if (have && length != value)
        {
            problem = "conflicting Content-Length values " + std::to_string(value) + " and " +
                      std::to_string(length);
            problemLine = line;
            return;
        }
        have = true;
        value = length;
    }
};

} // namespace

FrameScan
ScanStreamFrame(std::string_view buffer)
{
    FrameScan scan;
    int keepAliveLines = 0;
    std::size_t pos = lex::SkipLeadingBlankLines(buffer, keepAliveLines);
    scan.skip = pos;
    if (pos >= buffer.size() || (pos + 1 == buffer.size() && buffer[pos] == '\r'))
    {
        return scan; // only keep-alives so far (a lone CR may be half of one)
    }

    LengthTracker length;
    bool inLength = false; // the current (possibly folded) header is Content-Length
    std::string lengthText;
    int lengthLine = 0;
    int line = 1;
    std::size_t lineStart = pos;
    std::size_t headerEnd = std::string_view::npos;
    for (;;)
    {
        std::size_t nl = buffer.find('\n', lineStart);
        if (nl == std::string_view::npos)
        {
            if (buffer.size() - scan.skip > kMaxHeaderBytes)
            {
                return FrameError(
                    scan.skip,
                    "header section exceeds " + std::to_string(kMaxHeaderBytes) + " bytes", line);
            }
            scan.status = FrameScan::Status::NeedMore;
            return scan;
        }
        std::string_view text = buffer.substr(lineStart, nl - lineStart);
        if (!text.empty() && text.back() == '\r')
        {
            text.remove_suffix(1);
        }
        bool continuation = !text.empty() && lex::IsWsp(text[0]);
        if (inLength && continuation)
        {
            lengthText.push_back(' ');
            lengthText.append(text);
        }
        else if (inLength)
        {
            length.Note(lengthText, lengthLine);
            inLength = false;
        }
        if (line > 1 && text.empty())
        {
            headerEnd = nl + 1;
            break;
        }
        if (line > 1 && !continuation)
        {
            std::size_t colon = text.find(':');
            if (colon != std::string_view::npos &&
                HeaderNameEquals(lex::TrimWsp(text.substr(0, colon)), "Content-Length"))
            {
                inLength = true;
                lengthText.assign(text.substr(colon + 1));
                lengthLine = line;
            }
        }
        lineStart = nl + 1;
        ++line;
    }

    if (!length.problem.empty())
    {
        return FrameError(scan.skip, length.problem, length.problemLine);
    }
    if (!length.have)
    {
        return FrameError(scan.skip, "missing Content-Length (mandatory on stream transports)", 0);
    }
    std::size_t total = headerEnd - scan.skip + length.value;
    if (buffer.size() - scan.skip < total)
    {
        scan.status = FrameScan::Status::NeedMore;
        return scan;
    }
    scan.status = FrameScan::Status::Complete;
    scan.length = total;
    return scan;
}

} // namespace sipsim
