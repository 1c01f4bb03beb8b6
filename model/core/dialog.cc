#include "dialog.h"

#include "sip/headers.h"

#include <algorithm>

namespace sipsim
{

namespace
{

std::vector<std::string>
RecordRoutes(const SipMessage& message)
{
    std::vector<std::string> routes;
    for (std::string_view item : message.GetAll("Record-Route"))
    {
        routes.emplace_back(item);
    }
    return routes;
}

std::string
ContactUri(const SipMessage& message)
{
    auto contacts = GetContacts(message);
    if (contacts.Ok() && !contacts->star && !contacts->contacts.empty())
    {
        return contacts->contacts.front().uri;
    }
    return {};
}

uint32_t
CSeqNumber(const SipMessage& message)
{
    auto cseq = GetCSeq(message);
    return cseq.Ok() ? cseq->number : 0;
}

std::string
ValueOf(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    return value ? value->str() : std::string();
}

/// "sip:p1.example.com;lr" has lr; URIs that are not SIP are never loose routers.
bool
IsLooseRoute(const std::string& uri)
{
    auto sip = SipUri::Parse(uri);
    return sip.Ok() && sip->HasLr();
}

/// A Request-URI may not carry the header parameters of a Route entry (§12.2.1.1 "with
/// all parameters that are not allowed in a Request-URI stripped"): method and any
/// URI headers.
std::string
AsRequestUri(const std::string& uri)
{
    auto sip = SipUri::Parse(uri);
    if (!sip.Ok())
    {
        return uri;
    }
    RemoveParam(sip->params, "method");
    sip->headers.clear();
    return sip->ToString();
}

} // namespace

std::string
UriOf(const std::string& nameAddr)
{
    auto addr = NameAddr::Parse(nameAddr);
    return addr.Ok() ? addr->uri : nameAddr;
}

std::string
WithoutTag(const std::string& value)
{
    auto addr = NameAddr::Parse(value);
    if (!addr.Ok() || addr->Tag().empty())
    {
        return value;
    }
    RemoveParam(addr->params, "tag");
    return addr->ToString();
}

Dialog
MakeUacDialog(const SipMessage& request, const SipMessage& response)
{
    Dialog dialog;
    dialog.callId = std::string(CallIdView(request));
    dialog.localTag = HeaderTag(request, "From");
    dialog.remoteTag = HeaderTag(response, "To");
    dialog.localUri = WithoutTag(ValueOf(request, "From"));
    dialog.remoteUri = WithoutTag(ValueOf(response, "To"));
    dialog.localSeq = CSeqNumber(request);
    dialog.routeSet = RecordRoutes(response);
    std::reverse(dialog.routeSet.begin(), dialog.routeSet.end());
    dialog.remoteTarget = ContactUri(response);
    if (dialog.remoteTarget.empty())
    {
        dialog.remoteTarget = request.RequestUri();
    }
    return dialog;
}

Dialog
MakeUasDialog(const SipMessage& request, const std::string& localTag)
{
    Dialog dialog;
    dialog.callId = std::string(CallIdView(request));
    dialog.localTag = localTag;
    dialog.remoteTag = HeaderTag(request, "From");
    dialog.localUri = WithoutTag(ValueOf(request, "To"));
    dialog.remoteUri = WithoutTag(ValueOf(request, "From"));
    dialog.remoteSeq = CSeqNumber(request);
    dialog.routeSet = RecordRoutes(request);
    dialog.remoteTarget = ContactUri(request);
    if (dialog.remoteTarget.empty())
    {
        dialog.remoteTarget = UriOf(dialog.remoteUri);
    }
    return dialog;
}

DialogRouting
RouteWithin(const Dialog& dialog)
{
    DialogRouting routing;
    if (dialog.routeSet.empty())
    {
        routing.requestUri = dialog.remoteTarget;
        routing.nextHopUri = dialog.remoteTarget;
        return routing;
    }
    const std::string& entry = dialog.routeSet.front();
    if (!dialog.firstRoute || dialog.firstRoute->entry != entry)
    {
        std::string uri = UriOf(entry);
        const bool loose = IsLooseRoute(uri);
        dialog.firstRoute = Dialog::FirstRoute{entry, std::move(uri), loose};
    }
    const std::string& first = dialog.firstRoute->uri;
    routing.nextHopUri = first;
    if (dialog.firstRoute->loose)
    {
        routing.requestUri = dialog.remoteTarget;
        routing.routes = dialog.routeSet;
        return routing;
    }
    // Strict router: it expects to find itself in the Request-URI (§12.2.1.1).
    routing.requestUri = AsRequestUri(first);
    routing.routes.assign(dialog.routeSet.begin() + 1, dialog.routeSet.end());
    routing.routes.push_back("<" + dialog.remoteTarget + ">");
    return routing;
}

SipMessage
MakeInDialogRequest(const Dialog& dialog, const std::string& method, uint32_t cseq)
{
    DialogRouting routing = RouteWithin(dialog);
    SipMessage request = SipMessage::MakeRequest(method, routing.requestUri);
    request.Add("Max-Forwards", "70");
    for (const std::string& route : routing.routes)
    {
        request.Add("Route", route);
    }
    request.Add("From", dialog.localUri + ";tag=" + dialog.localTag);
    request.Add("To", dialog.remoteTag.empty() ? dialog.remoteUri
                                               : dialog.remoteUri + ";tag=" + dialog.remoteTag);
    request.Add("Call-ID", dialog.callId);
    CSeq number;
    number.number = cseq;
    number.method = method;
    request.Add("CSeq", number.ToString());
    request.Add("Content-Length", "0");
    return request;
}

} // namespace sipsim
