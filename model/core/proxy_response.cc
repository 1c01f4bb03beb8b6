// Proxy response path: response contexts (§16.7), Timer C (§16.8), transport errors
// (§16.9), CANCEL generation (§16.7 step 10, §16.10) and stateless responses (§16.11).
#include "proxy.h"
#include "proxy_validation.h"
#include "sip/headers.h"

namespace sipsim
{

namespace
{

/// Once our Via is popped, a response's top Via is normally the one its request arrived
/// with (stamped with received=). When the text is that, the request's parsed Via is reused:
/// the response is routed by it here and matched by it at the next hop, without a parse.
void
ReuseRequestVia(SipMessage& response, const SipMessage* request)
{
    if (request == nullptr || !request->HasParsedTopVia() || !request->ParsedTopVia())
    {
        return;
    }
    const HeaderValue* responseVia = response.Get("Via");
    const HeaderValue* requestVia = request->Get("Via");
    if (responseVia == nullptr || requestVia == nullptr)
    {
        return;
    }
    const std::optional<std::string_view> top = FirstHeaderListElement(*responseVia);
    if (top && top == FirstHeaderListElement(*requestVia))
    {
        response.RememberTopVia(request->ParsedTopVia());
    }
}

} // namespace

ResponseContext*
Proxy::ContextOfBranch(ClientTxnId txn, uint64_t* contextId)
{
    const auto it = m_branchContexts.find(txn.value);
    if (it == m_branchContexts.end())
    {
        return nullptr;
    }
    const auto ctx = m_contexts.find(it->second);
    if (ctx == m_contexts.end())
    {
        return nullptr;
    }
    if (contextId != nullptr)
    {
        *contextId = it->second;
    }
    return &ctx->second;
}

void
Proxy::OnResponse(TimePoint now, ClientTxnId txn, SipMessage response)
{
    if (m_cancelTxns.count(txn.value) != 0)
    {
        ++m_counters.responsesAbsorbed; // the answer to a CANCEL of ours
        return;
    }
    ResponseContext* context = ContextOfBranch(txn);
    ProxyBranch* branch = context ? context->FindBranch(txn) : nullptr;
    if (branch == nullptr)
    {
        ++m_counters.responsesAbsorbed;
        return;
    }
    // Step 3: pop our Via; nothing left means it was meant for us.
    response.RemoveFirstValue("Via");
    if (!response.Has("Via"))
    {
        ++m_counters.responsesAbsorbed;
        return;
    }
    if (context->serverAlive)
    {
        ReuseRequestVia(response, m_txn.ServerRequest(context->serverTxn));
    }
    const int code = response.StatusCode();
    if (code < 200)
    {
        // Timer C was re-armed by the transaction for 101-199 (step 2).
        branch->provisional = true;
        if (context->cancelling && !branch->cancelSent && !branch->done)
        {
            SendCancel(now, *branch); // §9.1: a CANCEL waits for a provisional
        }
        if (code == 100 || context->finalSent)
        {
            ++m_counters.responsesAbsorbed; // a 100 is hop-by-hop, never forwarded
            return;
        }
        ForwardResponse(now, *context, response);
        return;
    }
    branch->done = true;
    if (code < 300)
    {
        // Step 5: every 2xx to an INVITE goes upstream at once, even after a final.
        if (!context->invite && context->finalSent)
        {
            ++m_counters.responsesAbsorbed;
            return;
        }
        ForwardResponse(now, *context, response);
        context->finalSent = true;
        CancelPending(now, *context); // step 10
        return;
    }
    if (context->finalSent)
    {
        ++m_counters.responsesAbsorbed; // the client transaction has ACKed it
        return;
    }
    if (code >= 600)
    {
        CancelPending(now, *context); // step 5: a 6xx ends the search
    }
    AddCandidate(now, *context, response);
}

void
Proxy::ForwardResponse(TimePoint now, ResponseContext& context, const SipMessage& response)
{
    ++m_counters.responsesForwarded[response.StatusCode()];
    if (context.serverAlive && m_txn.SendResponse(now, context.serverTxn, response))
    {
        return;
    }
    // Step 9: the server transaction is gone (or past the point of sending this, e.g. a
    // late 2xx after a non-2xx final): forward statelessly to the Via.
    ++m_counters.statelessResponses;
    SendStateless(now, response, ResponseDestination(response, context.source));
}

void
Proxy::AddCandidate(TimePoint now, ResponseContext& context, const SipMessage& response)
{
    AddFinalResponse(context, response);
    MaybeSendBest(now, context);
}

void
Proxy::MaybeSendBest(TimePoint now, ResponseContext& context)
{
    if (context.finalSent || !context.AllBranchesDone())
    {
        return;
    }
    auto best = BuildBestResponse(context);
    if (!best)
    {
        best = SyntheticResponse(context, 408); // step 6: no final at all
    }
    context.finalSent = true;
    Emit(now, ProxyEventKind::BestResponse, *best, best->StatusCode(), {});
    ForwardResponse(now, context, *best);
}

SipMessage
Proxy::SyntheticResponse(const ResponseContext& context, int code)
{
    if (const SipMessage* request = m_txn.ServerRequest(context.serverTxn))
    {
        return MakeResponseTo(*request, code, {}, m_random.Token(10));
    }
    return SipMessage::MakeResponse(code, std::string(DefaultReasonPhrase(code)));
}

void
Proxy::CancelPending(TimePoint now, ResponseContext& context)
{
    if (!context.invite)
    {
        return; // §9.1: non-INVITE requests are not cancelled
    }
    context.cancelling = true;
    for (ProxyBranch& branch : context.branches)
    {
        if (!branch.done && !branch.cancelSent && branch.provisional)
        {
            SendCancel(now, branch);
        }
    }
}

void
Proxy::SendCancel(TimePoint now, ProxyBranch& branch)
{
    const SipMessage* request = m_txn.ClientRequest(branch.txn);
    if (request == nullptr)
    {
        return;
    }
    branch.cancelSent = true;
    // Same top Via (our branch) as the INVITE, so the next hop matches it (§9.1).
    const ClientTxnId cancel = m_txn.SendRequest(now, MakeCancel(*request), branch.destination);
    if (cancel)
    {
        m_cancelTxns[cancel.value] = branch.txn.value;
        ++m_counters.cancelsSent;
    }
}

void
Proxy::OnClientTimeout(TimePoint now, ClientTxnId txn, TimerId timer)
{
    if (const auto cancel = m_cancelTxns.find(txn.value); cancel != m_cancelTxns.end())
    {
        // Our CANCEL went unanswered: give the INVITE branch up as well (408).
        const ClientTxnId invite{cancel->second};
        ResponseContext* context = ContextOfBranch(invite);
        ProxyBranch* branch = context ? context->FindBranch(invite) : nullptr;
        if (branch != nullptr && !branch->done)
        {
            m_txn.AbandonClientTxn(now, invite);
        }
        return;
    }
    ResponseContext* context = ContextOfBranch(txn);
    ProxyBranch* branch = context ? context->FindBranch(txn) : nullptr;
    if (branch == nullptr || branch->done || timer != TimerId::C)
    {
        return; // Timer B / F: the transaction ends itself; OnClientTerminated adds the 408
    }
    // §16.8: CANCEL a branch that got a provisional, else act as if it answered 408.
    ++m_counters.timerCFired;
    const SipMessage* request = m_txn.ClientRequest(txn);
    const SipMessage& about = request != nullptr ? *request : SipMessage();
    if (branch->provisional && !branch->cancelSent)
    {
        Emit(now, ProxyEventKind::TimerC, about, 0, "cancel");
        SendCancel(now, *branch);
        m_txn.RestartTimerC(now, txn); // if even the CANCEL achieves nothing, give up then
        return;
    }
    Emit(now, ProxyEventKind::TimerC, about, 408, "408");
    m_txn.AbandonClientTxn(now, txn);
}

void
Proxy::OnClientFailure(TimePoint now, ClientTxnId txn, int code)
{
    ResponseContext* context = ContextOfBranch(txn);
    ProxyBranch* branch = context ? context->FindBranch(txn) : nullptr;
    if (branch == nullptr || branch->done)
    {
        return;
    }
    branch->done = true;
    AddCandidate(now, *context, SyntheticResponse(*context, code));
}

void
Proxy::OnClientTerminated(TimePoint now, ClientTxnId txn)
{
    if (m_cancelTxns.erase(txn.value) != 0)
    {
        return;
    }
    uint64_t id = 0;
    ResponseContext* context = ContextOfBranch(txn, &id);
    m_branchContexts.erase(txn.value);
    ProxyBranch* branch = context ? context->FindBranch(txn) : nullptr;
    if (branch == nullptr)
    {
        return;
    }
    branch->terminated = true;
    if (!branch->done)
    {
        // Timer B/F, or abandoned after Timer C: as if the branch answered 408 (§16.6
        // step 7, §16.8).
        branch->done = true;
        ++m_counters.branchTimeouts;
        AddCandidate(now, *context, SyntheticResponse(*context, 408));
    }
    EraseIfFinished(id);
}

void
Proxy::OnServerTerminated(ServerTxnId txn)
{
    const auto it = m_serverContexts.find(txn.value);
    if (it == m_serverContexts.end())
    {
        return;
    }
    const uint64_t id = it->second;
    m_serverContexts.erase(it);
    const auto ctx = m_contexts.find(id);
    if (ctx != m_contexts.end())
    {
        ctx->second.serverAlive = false;
        EraseIfFinished(id);
    }
}

void
Proxy::EraseIfFinished(uint64_t contextId)
{
    const auto it = m_contexts.find(contextId);
    if (it != m_contexts.end() && it->second.Finished())
    {
        m_contexts.erase(it);
    }
}

void
Proxy::OnStrayResponse(TimePoint now, SipMessage response)
{
    // §16.11 (and §16.7 for responses no transaction knows, e.g. a late 2xx): forward it
    // along the Via path if the top Via is ours, else drop it.
    const auto top = TopVia(response);
    if (!top || !IsOwnVia(*top, m_config))
    {
        ++m_counters.responsesDropped;
        return;
    }
    response.RemoveFirstValue("Via");
    const auto next = TopVia(response);
    if (!next)
    {
        ++m_counters.responsesAbsorbed; // it was meant for us
        return;
    }
    const Transport transport = next->transport == "TCP" ? Transport::Tcp : Transport::Udp;
    // A UDP source makes ResponseDestination read the Via (received, rport, maddr).
    Address destination = ResponseDestination(response, Address{"", 0, Transport::Udp});
    destination.transport = transport;
    if (destination.host.empty())
    {
        ++m_counters.responsesDropped;
        return;
    }
    ++m_counters.statelessResponses;
    ++m_counters.responsesForwarded[response.StatusCode()];
    SendStateless(now, response, destination);
}

} // namespace sipsim
