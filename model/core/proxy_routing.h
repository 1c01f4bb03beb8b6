#ifndef SIPSIM_CORE_PROXY_ROUTING_H
#define SIPSIM_CORE_PROXY_ROUTING_H

#include "proxy_config.h"
#include "sip/message.h"
#include "sip/uri.h"

#include <optional>
#include <string>
#include <string_view>

namespace sipsim
{

/// Whether `host` names this proxy (hostName or its address; case-insensitive).
bool IsOwnHost(std::string_view host, const ProxyConfig& config);
/// Whether `host` is one of the domains we are responsible for.
bool IsOwnDomain(std::string_view host, const ProxyConfig& config);
/// Whether a URI designates this proxy itself: our host, our port, no user part (the form
/// we place in Record-Route and expect in Route).
bool IsOwnUri(const SipUri& uri, const ProxyConfig& config);
bool IsOwnUri(const SipUriTarget& target, const ProxyConfig& config);

/// §16.4. Returns false (with `error`) when Route or Request-URI cannot be parsed.
///  - a Request-URI we placed in Record-Route means the previous hop was a strict router:
///    the last Route value becomes the Request-URI;
///  - a top Route naming us is popped.
bool PreprocessRoute(SipMessage& request, const ProxyConfig& config, std::string& error);

/// The Request-URI for a target URI (§16.6 step 2): URI headers and the method parameter,
/// which a Request-URI must not carry, are removed (a regescrt-style contact keeps its
/// escaped Route header in the binding, not in requests sent to it).
std::string TargetRequestUri(const std::string& target);

/// §16.6 steps 3 and 4 on the copy: Max-Forwards decremented (70 added when absent) and,
/// when `recordRoute`, <sip:hostName;lr> put on top of the Record-Route values.
void UpdateMaxForwards(SipMessage& copy);
void InsertRecordRoute(SipMessage& copy, const ProxyConfig& config);
/// Whether we record-route requests of this method (dialog-creating ones).
bool CreatesDialog(std::string_view method);

/// §16.6 step 6 for a top Route without lr (a strict router next): the Request-URI goes to
/// the end of the Route set and the first Route value becomes the Request-URI. Returns the
/// URI of the top Route the copy then carries when it names a loose router (lr), which is
/// where step 7 sends it: parsed here once for both steps. nullopt: no such Route.
std::optional<SipUri> PostprocessRoute(SipMessage& copy);

/// §16.6 step 7: the address for the copy -- `looseTopRoute` (PostprocessRoute's result) if
/// present, else the Request-URI -- via static routes and the Resolver (see ResolveUri).
/// nullopt when nothing resolves.
std::optional<Address> NextHopAddress(const SipMessage& copy,
                                      const std::optional<SipUri>& looseTopRoute,
                                      const ProxyConfig& config);
/// Resolves one URI: maddr, a static route for exactly its host, the Resolver (registered
/// names and IP literals), a static route for a parent domain, the default route.
std::optional<Address> ResolveUri(const SipUri& uri, const ProxyConfig& config);

/// Puts the proxy's Via on top of a forwarded request and remembers it as the parsed top
/// Via (the transaction layer reads it next).
void PrependProxyVia(SipMessage& copy, const ProxyConfig& config, Transport transport,
                     std::string branch);

/// Puts a header line right after the last line named `after` (or after the last Via,
/// or at the end), so forwarded messages keep the RFC 3665 layout.
void InsertHeaderAfter(SipMessage& message, std::string_view after, std::string_view name,
                       std::string value);

} // namespace sipsim

#endif
