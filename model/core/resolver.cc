#include "resolver.h"

#include "sip/abnf.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

namespace
{

bool
IsIpLiteral(std::string_view host)
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
    if (!m_hosts || m_hosts.use_count() > 1)
    {
        m_hosts = std::make_shared<Hosts>(m_hosts ? *m_hosts : Hosts{});
    }
    (*m_hosts)[abnf::ToLower(host)] = std::move(address);
}

std::optional<Address>
Resolver::Resolve(std::string_view host, std::optional<uint16_t> port, Transport transport) const
{
    if (m_hosts)
    {
        std::string lowered;
        if (auto it = m_hosts->find(abnf::LowerView(host, lowered)); it != m_hosts->end())
        {
            Address address = it->second;
            if (port)
            {
                address.port = *port;
            }
            address.transport = transport;
            return address;
        }
    }
    if (IsIpLiteral(host))
    {
        if (host.front() == '[' && host.back() == ']')
        {
            host = host.substr(1, host.size() - 2);
        }
        return Address{std::string(host), port.value_or(5060), transport};
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
    std::string_view host = uri.host;
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
