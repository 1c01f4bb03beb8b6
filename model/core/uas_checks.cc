#include "uas_checks.h"

#include "sip/headers.h"
#include "sip/uri.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

namespace
{

std::string
Lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view
Trim(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    {
        text.remove_suffix(1);
    }
    return text;
}

/// "application/SDP ; charset=x" -> "application/sdp".
std::string
MediaType(std::string_view value)
{
    return Lower(Trim(value.substr(0, value.find(';'))));
}

bool
Contains(const std::vector<std::string>& list, std::string_view item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

std::string
Join(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& item : items)
    {
        if (!out.empty())
        {
            out += ", ";
        }
        out += item;
    }
    return out;
}

/// Methods RFC 3261 and its common extensions define: a UA that does not do them answers
/// 405; anything else is a method it does not even recognise, 501 (§21.5.2).
bool
IsKnownMethod(const std::string& method)
{
    static const std::vector<std::string> kKnown = {
        "INVITE",    "ACK",    "CANCEL",  "BYE",  "OPTIONS", "REGISTER", "PRACK",
        "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER",   "MESSAGE",  "UPDATE"};
    return Contains(kKnown, method);
}

/// Content-Disposition: ...;handling=optional lets a UAS ignore a body it cannot read.
bool
BodyIsOptional(const SipMessage& request)
{
    const HeaderValue* disposition = request.Get("Content-Disposition");
    return disposition != nullptr &&
           Lower(*disposition).find("handling=optional") != std::string::npos;
}

bool
AcceptsSdp(const SipMessage& request)
{
    if (!request.Has("Accept"))
    {
        return true; // §20.1: absent means application/sdp
    }
    for (std::string_view range : request.GetAll("Accept"))
    {
        std::string type = MediaType(range);
        if (type == "application/sdp" || type == "application/*" || type == "*/*")
        {
            return true;
        }
    }
    return false;
}

} // namespace

std::string
AllowValue(const UasCapabilities& caps)
{
    return Join(caps.methods);
}

std::optional<UasRejection>
InspectRequest(const SipMessage& request, const UasCapabilities& caps, bool inDialog)
{
    const std::string& method = request.Method();
    if (!Contains(caps.methods, method))
    {
        const bool known = IsKnownMethod(method);
        return UasRejection{known ? 405 : 501,
                            known ? "Method Not Allowed" : "Not Implemented",
                            {{"Allow", AllowValue(caps)}}};
    }

    if (!inDialog)
    {
        if (!IsSipScheme(request.RequestUri()))
        {
            return UasRejection{416, "Unsupported URI Scheme", {}};
        }
        const auto uri = RequestSipUri(request);
        if (!uri)
        {
            return UasRejection{400, "Bad Request (malformed Request-URI)", {}};
        }
        if (!caps.user.empty() && uri->UnescapedUser() != caps.user)
        {
            return UasRejection{404, "Not Found", {}};
        }
    }

    if (method != "ACK" && method != "CANCEL")
    {
        std::vector<std::string> unsupported;
        for (const std::string& tag : GetOptionTags(request, "Require"))
        {
            if (!Contains(caps.optionTags, tag) && !Contains(unsupported, tag))
            {
                unsupported.push_back(tag);
            }
        }
        if (!unsupported.empty())
        {
            return UasRejection{420, "Bad Extension", {{"Unsupported", Join(unsupported)}}};
        }
    }

    if (!request.Body().empty() && !BodyIsOptional(request))
    {
        const HeaderValue* type = request.Get("Content-Type");
        if (type == nullptr || !Contains(caps.contentTypes, MediaType(*type)))
        {
            return UasRejection{
                415, "Unsupported Media Type", {{"Accept", Join(caps.contentTypes)}}};
        }
        for (std::string_view coding : request.GetAll("Content-Encoding"))
        {
            if (Lower(Trim(coding)) != "identity")
            {
                return UasRejection{
                    415, "Unsupported Media Type", {{"Accept-Encoding", "identity"}}};
            }
        }
    }

    if (method == "INVITE" && !AcceptsSdp(request))
    {
        std::string agent = caps.hostName.empty() ? std::string("-") : caps.hostName;
        return UasRejection{
            406,
            "Not Acceptable",
            {{"Warning", "399 " + agent + " \"Answers can only be sent as application/sdp\""}}};
    }
    return std::nullopt;
}

} // namespace sipsim
