#ifndef SIPSIM_TXN_MATCHING_H
#define SIPSIM_TXN_MATCHING_H

// Internal to the transaction layer: request/response matching keys and Via stamping.

#include "sip/headers.h"
#include "sip/message.h"
#include "transaction.h"

#include <string>
#include <string_view>

namespace sipsim
{

/// Whether a branch carries the RFC 3261 magic cookie (and something after it).
bool HasCookie(std::string_view branch);

/// The §17.2.3 matching key of a request; `method` is INVITE for an ACK (or for a CANCEL
/// looked up against its INVITE, §9.2), else the request's method.
std::string ServerKey(const SipMessage& request, const Via& topVia, std::string_view method);

/// RFC 2543 matching also compares To tags (not part of the key): an INVITE retransmission
/// carries the original To tag; an ACK carries the tag of the response sent.
bool MatchesLegacy(const ServerTransaction& txn, const SipMessage& request);

/// §18.2.1 / RFC 3581: a copy of `request` whose top Via records where the request really
/// came from (received=, rport filled in).
/// `request` by value: given up with std::move, its header lines are changed in place.
SipMessage StampReceived(SipMessage request, const Via& topVia, const Address& from);

} // namespace sipsim

#endif
