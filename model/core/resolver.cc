#include "resolver.h"

#include "sip/abnf.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

namespace
{

bool
IsIpLiteral(const std::string& host)
{
    if (!host.empty() && host.front() == '[')
    {
        return true;
    }
    return !host.empty() && std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isdigit(c) || c == '.';
    });
}

} // namespace

void
Resolver::Add(const std::string& host, Address address)
{
    m_hosts[abnf::ToLower(host)] = std::move(address);
}

std::optional<Address>
Resolver::Resolve(const std::string& host, std::optional<uint16_t> port, Transport transport) const
{
    auto it = m_hosts.find(abnf::ToLower(host));
    if (it != m_hosts.end())
    {
        Address address = it->second;
        if (port)
        {
            address.port = *port;
        }
        address.transport = transport;
        return address;
    }
    if (IsIpLiteral(host))
    {
        std::string literal = host;
        if (literal.front() == '[' && literal.back() == ']')
        {
            literal = literal.substr(1, literal.size() - 2);
        }
        return Address{literal, port.value_or(5060), transport};
    }
    return std::nullopt;
}

std::optional<Address>
Resolver::Resolve(const SipUri& uri, Transport defaultTransport) const
{
    Transport transport = defaultTransport;
    if (const GenericParam* param = uri.Param("transport"); param && param->value)
    {
        std::string value = abnf::ToLower(*param->value);
        transport = value == "tcp" ? Transport::Tcp : (value == "udp" ? Transport::Udp : transport);
    }
    std::string host = uri.host;
    if (const GenericParam* maddr = uri.Param("maddr"); maddr && maddr->value)
    {
        host = *maddr->value;
    }
    std::optional<uint16_t> port = uri.port;
    if (!port && uri.scheme == "sips")
    {
        port = 5061;
    }
    return Resolve(host, port, transport);
}

} // namespace sipsim
