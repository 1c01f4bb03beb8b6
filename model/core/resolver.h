#ifndef SIPSIM_CORE_RESOLVER_H
#define SIPSIM_CORE_RESOLVER_H

#include "sip/types.h"
#include "sip/uri.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sipsim
{

/// Maps the host part of a SIP URI or Via to a transport address (RFC 3263 stand-in). In a
/// simulation the hosts are the topology's element names; over real sockets they are
/// literal addresses. Injected, so the core does no DNS and reads no global table.
class Resolver
{
public:
    /// Registers `host` (case-insensitive) as reachable at `address`.
    void Add(const std::string& host, Address address);
    /// The address for a host and optional port: a registered name (its port replaced by
    /// `port` when given) or an IP literal; std::nullopt for an unknown name.
    std::optional<Address> Resolve(std::string_view host, std::optional<uint16_t> port,
                                   Transport transport) const;
    /// Resolves a SIP URI, honouring maddr and transport= parameters.
    std::optional<Address> Resolve(const SipUri& uri, Transport defaultTransport) const;

private:
    using Hosts = std::map<std::string, Address, std::less<>>; ///< lower-case host -> address
    /// Copy-on-write: every element of a simulation holds a copy of one resolver, and a
    /// topology-sized table per element would make memory quadratic in the node count.
    std::shared_ptr<Hosts> m_hosts;
};

} // namespace sipsim

#endif
