#ifndef SIPSIM_CORE_PROXY_RESPONSE_CONTEXT_H
#define SIPSIM_CORE_PROXY_RESPONSE_CONTEXT_H

#include "sip/message.h"
#include "sip/types.h"
#include "txn/txn_types.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

/// One forwarded copy of a request: a client transaction of a response context.
struct ProxyBranch
{
    ClientTxnId txn;
    Address destination;
    bool provisional = false; ///< a 1xx arrived, so a CANCEL may be sent (§9.1)
    bool done = false;        ///< a final response arrived, or the branch failed
    bool cancelSent = false;
    bool terminated = false; ///< the client transaction is gone
};

/// The §16.6 "response context": a server transaction, its branches, and the best final
/// response seen so far. Held only while any of its transactions lives.
struct ResponseContext
{
    ServerTxnId serverTxn;
    Address source; ///< where the request came from (stateless fallback for responses)
    bool serverAlive = true;
    bool invite = false;
    std::string callId;
    std::vector<ProxyBranch> branches;
    /// The best 3xx-6xx so far (downstream's, or a synthetic 408/503), our Via removed.
    std::optional<SipMessage> best;
    /// WWW-Authenticate / Proxy-Authenticate lines of every 401/407 received (§16.7 step 7).
    std::vector<HeaderField> challenges;
    bool finalSent = false;
    /// CANCEL received, 6xx received or a final forwarded: pending branches are cancelled
    /// (those without a provisional yet as soon as one arrives) and no new ones start.
    bool cancelling = false;

    ProxyBranch* FindBranch(ClientTxnId txn);
    bool AllBranchesDone() const;
    /// Every transaction of the context has terminated: it can be freed.
    bool Finished() const;
};

/// §16.7 step 6 preference, lower is better: 6xx, then 3xx, then 4xx (401, 407, 415, 420,
/// 484 first, as they let the UAC resubmit), then 5xx with 503 last.
int FinalResponseRank(int statusCode);

/// Stores a 3xx-6xx response as a candidate: kept as the best when it ranks better than
/// the current one (the first received wins ties), challenges collected.
void AddFinalResponse(ResponseContext& context, const SipMessage& response);

/// The response to send once every branch is done: the best candidate with every
/// collected challenge (401/407 aggregation), or a 500 in place of a lone 503 (the 503 is
/// about the next hop, not us). nullopt when there is no candidate.
std::optional<SipMessage> BuildBestResponse(const ResponseContext& context);

} // namespace sipsim

#endif
