// Route processing of a proxy: §16.4 pre-processing, §16.6 steps 2-7, §16.12.
#include "proxy_routing.h"

#include "sip/abnf.h"
#include "sip/headers.h"

#include <algorithm>
#include <vector>

namespace sipsim
{

namespace
{

/// Replaces every line of a list header by one line with `values`, at the position of the
/// first line; removes the header when `values` is empty.
void
ReplaceList(SipMessage& message, std::string_view name, const std::vector<std::string>& values)
{
    auto& headers = message.MutableHeaders();
    auto first = std::find_if(headers.begin(), headers.end(),
                              [&](const HeaderField& f) { return HeaderNameEquals(f.name, name); });
    const auto position = first - headers.begin();
    message.Remove(name);
    if (values.empty())
    {
        return;
    }
    std::string joined;
    for (const std::string& v : values)
    {
        joined += joined.empty() ? v : ", " + v;
    }
    auto& after = message.MutableHeaders();
    const auto at = std::min<std::ptrdiff_t>(position, static_cast<std::ptrdiff_t>(after.size()));
    after.insert(after.begin() + at, HeaderField{CanonicalHeaderName(name), std::move(joined)});
}

std::vector<std::string>
ListValues(const SipMessage& message, std::string_view name)
{
    std::vector<std::string> values;
    for (std::string_view v : message.GetAll(name))
    {
        values.emplace_back(v);
    }
    return values;
}

std::optional<Address>
ResolveHop(const NextHop& hop, const ProxyConfig& config)
{
    if (hop.address)
    {
        return hop.address;
    }
    return config.resolver.Resolve(hop.host, hop.port, config.transport);
}

} // namespace

bool
IsOwnHost(std::string_view host, const ProxyConfig& config)
{
    return abnf::EqualsNoCase(host, config.hostName) || host == config.localAddress.host;
}

bool
IsOwnDomain(std::string_view host, const ProxyConfig& config)
{
    return std::any_of(config.domains.begin(), config.domains.end(),
                       [&](const std::string& d) { return abnf::EqualsNoCase(d, host); });
}

bool
IsOwnUri(const SipUriTarget& target, const ProxyConfig& config)
{
    return target.user.empty() && IsOwnHost(target.host, config) &&
           target.PortOrDefault() == config.localAddress.port;
}

bool
IsOwnUri(const SipUri& uri, const ProxyConfig& config)
{
    return IsOwnUri(SipUriTarget{uri.scheme == "sips", uri.user, uri.host, uri.port}, config);
}

namespace
{

/// §16.4: a top Route naming this proxy is removed. `topUri` may point into `request`:
/// it is read before the removal. It comes from a Route value already checked, so only
/// where it points is read, not parsed again.
void
RemoveOwnTopRoute(SipMessage& request, std::string_view topUri, const ProxyConfig& config)
{
    if (!IsSipScheme(topUri))
    {
        return;
    }
    const auto target = SipUriTarget::OfValidUri(topUri);
    if (target && IsOwnUri(*target, config))
    {
        request.RemoveFirstValue("Route");
    }
}

} // namespace

bool
PreprocessRoute(SipMessage& request, const ProxyConfig& config, std::string& error)
{
    const auto top = GetTopRouteUri(request, "Route");
    if (!top.Ok())
    {
        error = top.Error().reason;
        return false;
    }
    if (!*top)
    {
        return true;
    }
    if (IsSipScheme(request.RequestUri()))
    {
        const auto ruri = RequestSipUri(request);
        if (ruri && IsOwnUri(*ruri, config))
        {
            // A strict router put our Record-Route URI into the Request-URI; the real
            // target travels as the last Route value (§16.4, §12.2.1.1).
            auto routes = GetRoutes(request, "Route");
            if (!routes.Ok())
            {
                error = routes.Error().reason;
                return false;
            }
            std::vector<std::string> values = ListValues(request, "Route");
            request.SetRequestUri(routes->back().uri);
            values.pop_back();
            ReplaceList(request, "Route", values);
            routes->pop_back();
            if (!routes->empty())
            {
                RemoveOwnTopRoute(request, routes->front().uri, config);
            }
            return true;
        }
    }
    RemoveOwnTopRoute(request, **top, config);
    return true;
}

std::string
TargetRequestUri(const std::string& target)
{
    if (!IsSipScheme(target))
    {
        return target;
    }
    auto uri = SipUri::Parse(target);
    if (!uri.Ok() || (uri->headers.empty() && !uri->Param("method")))
    {
        return target;
    }
    uri->headers.clear();
    RemoveParam(uri->params, "method");
    return uri->ToString();
}

void
InsertHeaderAfter(SipMessage& message, std::string_view after, std::string_view name,
                  std::string value)
{
    auto& headers = message.MutableHeaders();
    // Index just past the last line named `wanted`, or 0 when there is none.
    auto pastLast = [&](std::string_view wanted) {
        std::size_t past = 0;
        for (std::size_t i = 0; i < headers.size(); ++i)
        {
            if (HeaderNameEquals(headers[i].name, wanted))
            {
                past = i + 1;
            }
        }
        return past;
    };
    std::size_t position = pastLast(after);
    if (position == 0)
    {
        position = pastLast("Via");
    }
    if (position == 0)
    {
        position = headers.size();
    }
    headers.insert(headers.begin() + static_cast<std::ptrdiff_t>(position),
                   HeaderField{CanonicalHeaderName(name), std::move(value)});
}

void
UpdateMaxForwards(SipMessage& copy)
{
    const auto value = GetMaxForwards(copy);
    if (value.Ok())
    {
        copy.Set("Max-Forwards", std::to_string(std::max(0, *value - 1)));
    }
    else
    {
        copy.Remove("Max-Forwards");
        InsertHeaderAfter(copy, "Via", "Max-Forwards", "70");
    }
}

bool
CreatesDialog(std::string_view method)
{
    return method == "INVITE" || method == "SUBSCRIBE" || method == "REFER";
}

void
InsertRecordRoute(SipMessage& copy, const ProxyConfig& config)
{
    std::string value = "<sip:" + config.hostName;
    if (config.localAddress.port != 5060)
    {
        value += ":" + std::to_string(config.localAddress.port);
    }
    value += ";lr>";
    if (copy.Has("Record-Route"))
    {
        copy.Prepend("Record-Route", std::move(value));
    }
    else
    {
        InsertHeaderAfter(copy, "Max-Forwards", "Record-Route", std::move(value));
    }
}

namespace
{

/// The top Route's URI when it names a loose router (lr); nullopt when there is no Route or
/// its first entry is not such a SIP URI.
std::optional<SipUri>
LooseTopRoute(const SipMessage& message)
{
    const auto topUri = GetTopRouteUri(message, "Route");
    if (!topUri.Ok() || !*topUri)
    {
        return std::nullopt;
    }
    auto top = SipUri::Parse(**topUri);
    if (!top.Ok() || !top->HasLr())
    {
        return std::nullopt;
    }
    return std::move(top).Value();
}

} // namespace

std::optional<SipUri>
PostprocessRoute(SipMessage& copy)
{
    const auto topUri = GetTopRouteUri(copy, "Route");
    if (!topUri.Ok() || !*topUri)
    {
        return std::nullopt;
    }
    const std::string first(**topUri);
    auto top = SipUri::Parse(first);
    if (!top.Ok())
    {
        return std::nullopt;
    }
    if (top->HasLr())
    {
        return std::move(top).Value();
    }
    std::vector<std::string> values = ListValues(copy, "Route");
    values.push_back("<" + copy.RequestUri() + ">");
    copy.SetRequestUri(first);
    values.erase(values.begin());
    ReplaceList(copy, "Route", values);
    return LooseTopRoute(copy);
}

std::optional<Address>
ResolveUri(const SipUri& uri, const ProxyConfig& config)
{
    if (uri.Param("maddr"))
    {
        return config.resolver.Resolve(uri, config.transport);
    }
    std::string lowered;
    const std::string_view host = abnf::LowerView(uri.host, lowered);
    if (auto exact = config.staticRoutes.find(host); exact != config.staticRoutes.end())
    {
        return ResolveHop(exact->second, config);
    }
    if (auto direct = config.resolver.Resolve(uri, config.transport))
    {
        return direct;
    }
    for (const auto& [domain, hop] : config.staticRoutes)
    {
        // A subdomain: "." domain at the end of the host.
        if (host.size() > domain.size() + 1 && host[host.size() - domain.size() - 1] == '.' &&
            abnf::EqualsNoCase(host.substr(host.size() - domain.size()), domain))
        {
            return ResolveHop(hop, config);
        }
    }
    if (config.defaultRoute)
    {
        return ResolveHop(*config.defaultRoute, config);
    }
    return std::nullopt;
}

std::optional<Address>
NextHopAddress(const SipMessage& copy, const std::optional<SipUri>& looseTopRoute,
               const ProxyConfig& config)
{
    if (looseTopRoute)
    {
        return ResolveUri(*looseTopRoute, config);
    }
    const auto uri = RequestSipUri(copy);
    if (!uri)
    {
        return std::nullopt;
    }
    return ResolveUri(*uri, config);
}

void
PrependProxyVia(SipMessage& copy, const ProxyConfig& config, Transport transport,
                std::string branch)
{
    Via via;
    via.transport = TransportName(transport);
    via.host = config.hostName;
    via.port = config.localAddress.port;
    via.params.push_back(GenericParam{"branch", std::move(branch)});
    PushTopVia(copy, std::move(via));
}

} // namespace sipsim
