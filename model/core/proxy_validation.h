#ifndef SIPSIM_CORE_PROXY_VALIDATION_H
#define SIPSIM_CORE_PROXY_VALIDATION_H

#include "proxy_config.h"
#include "sip/headers.h"
#include "sip/message.h"

#include <string>
#include <vector>

namespace sipsim
{

/// The loop-detection part of our branches (§16.6 step 8): a hash of what decides how a
/// request is processed -- From tag, Call-ID, CSeq number, Request-URI as received, the
/// Via that was on top when we received it, and the Route set as received. To tag,
/// Proxy-Require and Proxy-Authorization are left out so that a CANCEL and the ACK for a
/// non-2xx (which lack them or carry another To tag) hash like their INVITE, as the
/// stateless branch rule needs (§16.11). The top Via enters as its text: the hop below
/// forwards it unchanged, so the loop check hashes the same bytes without parsing them.
/// 16 hex digits.
std::string LoopHash(const SipMessage& request, std::string_view receivedTopVia);
/// LoopHash with the request's own top Via element; empty when it has no Via.
std::string LoopHash(const SipMessage& request);

/// Whether `via` is one we insert: our host name or address with our port.
bool IsOwnVia(const Via& via, const ProxyConfig& config);

/// §16.3 step 4: a Via of ours whose branch carries the loop hash this request would get
/// now, computed with the Via below it as the received top Via. Requests whose routing
/// inputs changed (a spiral) hash differently and pass.
bool DetectLoop(const SipMessage& request, const ProxyConfig& config);

/// Proxy-Require option tags not in `supported` (§16.3 step 5), in order of appearance.
std::vector<std::string> UnsupportedProxyRequire(const SipMessage& request,
                                                 const std::vector<std::string>& supported);

/// A new stateful branch: cookie, random unique part, then "." and the loop hash.
std::string StatefulBranch(RandomSource& random, const std::string& loopHash);
/// The §16.11 branch: a hash of the received branch when it has the magic cookie, else of
/// top Via, To tag, From tag, Call-ID, CSeq number and Request-URI -- the same for every
/// retransmission, and for a CANCEL or non-2xx ACK the same as for its INVITE. Followed by
/// "." and the loop hash when `loopHash` is not empty.
std::string StatelessBranch(const SipMessage& request, const std::string& loopHash);

/// A To tag derived from the request (Call-ID, From tag, CSeq number, top Via branch), so a
/// stateless element answers retransmissions, and the ACK to its own non-2xx, the same.
std::string StatelessToTag(const SipMessage& request);

/// §18.2.1 / RFC 3581 at a stateless element: received= (and rport) on the top Via when
/// the packet came from elsewhere than the sent-by.
SipMessage StampReceived(const SipMessage& request, const Address& from);

/// Comma-joined list, e.g. for Unsupported.
std::string JoinList(const std::vector<std::string>& items);

} // namespace sipsim

#endif
