// Parsing of the `sipsim peer` vocabulary: host:port, user lists (durations: ParseDuration).
#include "peer_options.h"

#include "event_loop.h"
#include "socket_util.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace sipsim
{

const char*
PeerRoleName(PeerRole role)
{
    switch (role)
    {
    case PeerRole::Ua:
        return "ua";
    case PeerRole::Proxy:
        return "proxy";
    case PeerRole::Registrar:
        return "registrar";
    }
    return "?";
}

Result<Address>
ParseHostPort(const std::string& text, uint16_t defaultPort, Transport transport)
{
    Address address;
    address.transport = transport;
    address.port = defaultPort;
    std::string portText;
    if (!text.empty() && text.front() == '[')
    {
        const auto close = text.find(']');
        if (close == std::string::npos)
        {
            return MakeError("bad address '" + text + "'");
        }
        address.host = text.substr(1, close - 1);
        if (close + 1 < text.size())
        {
            if (text[close + 1] != ':')
            {
                return MakeError("bad address '" + text + "'");
            }
            portText = text.substr(close + 2);
        }
    }
    else
    {
        const auto colon = text.rfind(':');
        if (colon != std::string::npos && text.find(':') == colon)
        {
            address.host = text.substr(0, colon);
            portText = text.substr(colon + 1);
        }
        else
        {
            address.host = text; // a bare IPv4 address, or an IPv6 one without port
        }
    }
    if (!portText.empty())
    {
        char* end = nullptr;
        const long port = std::strtol(portText.c_str(), &end, 10);
        if (*end != '\0' || port < 0 || port > 65535)
        {
            return MakeError("bad port in '" + text + "'");
        }
        address.port = static_cast<uint16_t>(port);
    }
    // Numeric only: the peer does no DNS, and a name here is almost always a typo.
    if (!peer_detail::MakeSocketAddress(address.host, address.port))
    {
        return MakeError("'" + text + "' is not a numeric IP address with an optional port");
    }
    return address;
}

Result<std::map<std::string, std::string>>
ParseUserList(const std::string& text)
{
    std::map<std::string, std::string> users;
    std::size_t start = 0;
    while (start <= text.size())
    {
        const auto comma = text.find(',', start);
        const std::string item =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            return MakeError("bad user '" + item + "' (expected user=password)");
        }
        users[item.substr(0, eq)] = item.substr(eq + 1);
        if (comma == std::string::npos)
        {
            break;
        }
        start = comma + 1;
    }
    return users;
}

std::string
ValidatePeerOptions(const PeerOptions& options)
{
    if (options.role != PeerRole::Ua && options.callTarget)
    {
        return "--call needs --role ua";
    }
    if (options.role != PeerRole::Ua && options.registerUri)
    {
        return "--register needs --role ua";
    }
    if (options.calls < 0)
    {
        return "--calls must be >= 0";
    }
    if (!(options.rate > 0))
    {
        return "--rate must be > 0";
    }
    if (options.auth && options.users.empty())
    {
        return "--auth needs --users user=password,...";
    }
    if (options.timers.t1 <= Duration::zero() || options.timers.t2 < options.timers.t1)
    {
        return "timers need 0 < T1 <= T2";
    }
    if (!options.allowRemote)
    {
        if (!IsLoopbackHost(options.listen.host))
        {
            return "--listen " + options.listen.host +
                   " is not a loopback address (pass --allow-remote to bind elsewhere)";
        }
        if (options.nextHop && !IsLoopbackHost(options.nextHop->host))
        {
            return "--next-hop " + options.nextHop->host + " is not a loopback address";
        }
    }
    return {};
}

std::string
UriHost(const std::string& host)
{
    return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

namespace
{

std::optional<Address>
NextHopOf(const PeerOptions& options)
{
    std::optional<Address> hop = options.nextHop;
    if (hop)
    {
        hop->transport = options.transport;
    }
    return hop;
}

} // namespace

UserAgentConfig
MakeUserAgentConfig(const PeerOptions& options, uint16_t port)
{
    UserAgentConfig config;
    config.user = options.user;
    config.domain = options.domain;
    config.hostName = UriHost(options.listen.host);
    config.localAddress = Address{options.listen.host, port, options.transport};
    config.outboundProxy = NextHopOf(options);
    config.timers = options.timers;
    config.transport = options.transport;
    if (!options.password.empty())
    {
        config.credentials = DigestAccount{options.user, options.password};
    }
    config.callee = options.callee;
    return config;
}

ProxyConfig
MakeProxyConfig(const PeerOptions& options, uint16_t port)
{
    ProxyConfig config;
    config.hostName = UriHost(options.listen.host);
    config.localAddress = Address{options.listen.host, port, options.transport};
    config.domains = {options.domain};
    config.timers = options.timers;
    config.transport = options.transport;
    config.stateful = !options.stateless;
    config.recordRoute = options.recordRoute;
    for (const auto& [domain, address] : options.routes)
    {
        Address hop = address;
        hop.transport = options.transport;
        config.staticRoutes[domain] = NextHop::At(hop);
    }
    if (const auto hop = NextHopOf(options))
    {
        config.defaultRoute = NextHop::At(*hop);
    }
    config.registrar = options.role == PeerRole::Registrar;
    if (options.auth)
    {
        DigestServerConfig auth;
        auth.realm = options.realm.empty() ? options.domain : options.realm;
        config.auth = auth;
        for (const auto& [user, password] : options.users)
        {
            config.credentials.AddUser(user, password);
        }
        // A registrar also demands credentials for REGISTER (401, §10.3 step 3).
        config.challengeRegister = config.registrar;
    }
    return config;
}

} // namespace sipsim
