#include "transaction_layer.h"

#include "invite_client_transaction.h"
#include "invite_server_transaction.h"
#include "matching.h"
#include "non_invite_client_transaction.h"
#include "non_invite_server_transaction.h"
#include "sip/headers.h"
#include "transaction.h"

#include <algorithm>
#include <utility>

namespace sipsim
{

// ---- TransactionLayer -------------------------------------------------------------------

TransactionLayer::TransactionLayer(TimerConfig timers, RandomSource& random, LayerOptions options)
    : m_ctx(std::make_unique<TxnContext>(timers, options.recordTraces))
    , m_random(random)
    , m_options(std::move(options))
{
}

TransactionLayer::~TransactionLayer() = default;

Transaction*
TransactionLayer::FindClient(ClientTxnId txn) const
{
    const auto it = m_txns.find(txn.value);
    return it != m_txns.end() && it->second->IsClient() ? it->second.get() : nullptr;
}

Transaction*
TransactionLayer::FindServer(ServerTxnId txn) const
{
    const auto it = m_txns.find(txn.value);
    return it != m_txns.end() && !it->second->IsClient() ? it->second.get() : nullptr;
}

void
TransactionLayer::HandleMessage(TimePoint now, SipMessage message, const Address& from)
{
    m_ctx->SetNow(now);
    if (message.IsRequest())
    {
        HandleRequest(std::move(message), from);
    }
    else
    {
        HandleResponse(message, from);
    }
    Reap();
}

void
TransactionLayer::HandleRequest(SipMessage request, const Address& from)
{
    const auto topVia = TopVia(request);
    if (!topVia || !GetCSeq(request).Ok())
    {
        ++m_ctx->Counters().malformedDropped;
        return;
    }
    const std::string method = request.Method(); // a copy: request is moved on below
    const bool isAck = method == "ACK";
    std::string key = ServerKey(request, *topVia, isAck ? "INVITE" : method);

    ServerTransaction* txn = nullptr;
    if (const auto it = m_serverIndex.find(key); it != m_serverIndex.end())
    {
        auto* candidate = static_cast<ServerTransaction*>(m_txns.at(it->second).get());
        const bool legacy = !HasCookie(topVia->Branch());
        if (!candidate->IsTerminated() && (!legacy || MatchesLegacy(*candidate, request)))
        {
            txn = candidate;
        }
    }

    if (txn != nullptr)
    {
        if (!isAck)
        {
            txn->OnRequestRetransmission();
            return;
        }
        auto* ist = static_cast<InviteServerTransaction*>(txn);
        if (!ist->OnAck())
        {
            m_ctx->Emit(AckReceived{ServerTxnId{ist->Id()}, request, from});
        }
        return;
    }

    SipMessage stamped = m_options.stampReceived ? StampReceived(std::move(request), *topVia, from)
                                                 : std::move(request);
    if (isAck)
    {
        // ACK for a 2xx: its own end-to-end "transaction", the TU's business (§17.2.3).
        m_ctx->Emit(AckReceived{ServerTxnId{}, std::move(stamped), from});
        return;
    }

    const uint64_t id = m_nextId++;
    std::unique_ptr<ServerTransaction> created;
    if (method == "INVITE")
    {
        created =
            std::make_unique<InviteServerTransaction>(*m_ctx, id, std::move(key), stamped, from);
    }
    else
    {
        created =
            std::make_unique<NonInviteServerTransaction>(*m_ctx, id, std::move(key), stamped, from);
    }
    ServerTransaction* raw = created.get();
    // A legacy To-tag mismatch replaces the older entry, key view included: the older
    // transaction may be reaped first.
    m_serverIndex.erase(raw->Key());
    m_serverIndex.emplace(raw->Key(), id);
    m_txns.emplace(id, std::move(created));
    ++m_ctx->Counters().serverTxnsCreated;
    m_ctx->Emit(RequestReceived{ServerTxnId{id}, std::move(stamped), from});
    raw->Start();
}

void
TransactionLayer::HandleResponse(const SipMessage& response, const Address& from)
{
    const auto topVia = TopVia(response);
    const auto cseq = GetCSeq(response);
    if (!topVia || !cseq.Ok())
    {
        ++m_ctx->Counters().malformedDropped;
        return;
    }
    // Built in a kept buffer: one lookup per response at every element, no allocation.
    m_lookupKey.assign(topVia->Branch()).append(";").append(cseq->method);
    const auto it = m_clientIndex.find(m_lookupKey);
    if (it == m_clientIndex.end())
    {
        ++m_ctx->Counters().strayResponses;
        m_ctx->Emit(StrayResponse{response, from});
        return;
    }
    auto* txn = static_cast<ClientTransaction*>(m_txns.at(it->second).get());
    txn->OnResponse(response, from);
}

void
TransactionLayer::HandleTimeout(TimePoint now)
{
    m_ctx->SetNow(now);
    auto& queue = m_ctx->Queue();
    while (!queue.empty() && queue.top().deadline <= now)
    {
        const TimerEntry entry = queue.top();
        queue.pop();
        const auto it = m_txns.find(entry.txn);
        if (it != m_txns.end())
        {
            it->second->FireIfArmed(entry.timer, entry.deadline);
        }
    }
    Reap();
}

void
TransactionLayer::HandleTransportError(TimePoint now, const Address& destination)
{
    m_ctx->SetNow(now);
    std::vector<Transaction*> affected;
    for (const auto& [id, txn] : m_txns)
    {
        bool hit = txn->Peer() == destination;
        if (!hit && !txn->IsClient())
        {
            hit = static_cast<const ServerTransaction&>(*txn).ResponseTarget() == destination;
        }
        if (hit)
        {
            affected.push_back(txn.get());
        }
    }
    // Deterministic event order regardless of hash-map iteration order.
    std::sort(affected.begin(), affected.end(),
              [](const Transaction* a, const Transaction* b) { return a->Id() < b->Id(); });
    for (Transaction* txn : affected)
    {
        txn->OnTransportError(destination);
    }
    Reap();
}

ClientTxnId
TransactionLayer::SendRequest(TimePoint now, SipMessage request, const Address& destination,
                              ClientTxnOptions options)
{
    m_ctx->SetNow(now);
    if (request.Method() == "ACK")
    {
        SendStateless(now, request, destination);
        return ClientTxnId{};
    }
    if (!request.Has("Via") && !m_options.sentBy.empty())
    {
        request.Prepend("Via", std::string("SIP/2.0/") + TransportName(destination.transport) +
                                   " " + m_options.sentBy);
    }
    auto topVia = TopVia(request);
    if (!topVia)
    {
        ++m_ctx->Counters().malformedDropped;
        return ClientTxnId{};
    }
    if (topVia->Branch().empty())
    {
        Via branched = *topVia;
        SetParam(branched.params, "branch", MakeBranch(m_random));
        ReplaceTopVia(request, std::move(branched));
        topVia = TopVia(request);
    }
    std::string key = std::string(topVia->Branch()) + ";" + request.Method();
    if (m_clientIndex.count(key) != 0)
    {
        return ClientTxnId{}; // the TU reused a branch: refuse rather than mis-match
    }

    const uint64_t id = m_nextId++;
    std::unique_ptr<ClientTransaction> created;
    if (request.Method() == "INVITE")
    {
        created = std::make_unique<InviteClientTransaction>(
            *m_ctx, id, std::move(key), std::move(request), destination, options.timerC);
    }
    else
    {
        created = std::make_unique<NonInviteClientTransaction>(*m_ctx, id, std::move(key),
                                                               std::move(request), destination);
    }
    ClientTransaction* raw = created.get();
    m_clientIndex.emplace(raw->Key(), id);
    m_txns.emplace(id, std::move(created));
    ++m_ctx->Counters().clientTxnsCreated;
    raw->Start();
    Reap();
    return ClientTxnId{id};
}

bool
TransactionLayer::SendResponse(TimePoint now, ServerTxnId txn, SipMessage response)
{
    m_ctx->SetNow(now);
    Transaction* found = FindServer(txn);
    if (found == nullptr || !response.IsResponse())
    {
        return false;
    }
    const bool sent = static_cast<ServerTransaction*>(found)->SendResponse(std::move(response));
    Reap();
    return sent;
}

void
TransactionLayer::SendStateless(TimePoint now, const SipMessage& message,
                                const Address& destination, bool retransmission)
{
    m_ctx->SetNow(now);
    if (retransmission)
    {
        CountRetransmission(m_ctx->Counters(), message);
    }
    m_ctx->Send(destination, message.Serialize(), retransmission,
                std::make_shared<const SipMessage>(message));
}

bool
TransactionLayer::AbandonClientTxn(TimePoint now, ClientTxnId txn)
{
    m_ctx->SetNow(now);
    Transaction* found = FindClient(txn);
    if (found == nullptr)
    {
        return false;
    }
    found->Abandon();
    Reap();
    return true;
}

bool
TransactionLayer::RestartTimerC(TimePoint now, ClientTxnId txn)
{
    m_ctx->SetNow(now);
    Transaction* found = FindClient(txn);
    if (found == nullptr || found->Kind() != TxnKind::InviteClient)
    {
        return false;
    }
    const bool ok = static_cast<InviteClientTransaction*>(found)->RestartTimerC();
    Reap();
    return ok;
}

void
TransactionLayer::Reap()
{
    for (const uint64_t id : m_ctx->ReapList())
    {
        const auto it = m_txns.find(id);
        if (it == m_txns.end())
        {
            continue;
        }
        auto& index = it->second->IsClient() ? m_clientIndex : m_serverIndex;
        if (const auto pos = index.find(it->second->Key()); pos != index.end() && pos->second == id)
        {
            index.erase(pos);
        }
        m_txns.erase(it);
    }
    m_ctx->ReapList().clear();

    // Lazy invalidation: drop queue heads whose transaction is gone or whose timer was
    // re-armed or cancelled, so NextDeadline() is exact.
    auto& queue = m_ctx->Queue();
    while (!queue.empty())
    {
        const auto& top = queue.top();
        const auto it = m_txns.find(top.txn);
        if (it != m_txns.end() && it->second->Deadline(top.timer) == top.deadline)
        {
            break;
        }
        queue.pop();
    }
}

std::optional<Transmit>
TransactionLayer::PollTransmit()
{
    auto& queue = m_ctx->Transmits();
    if (queue.empty())
    {
        return std::nullopt;
    }
    Transmit out = std::move(queue.front());
    queue.pop_front();
    return out;
}

std::optional<TxnEvent>
TransactionLayer::PollEvent()
{
    auto& queue = m_ctx->Events();
    if (queue.empty())
    {
        return std::nullopt;
    }
    TxnEvent out = std::move(queue.front());
    queue.pop_front();
    return out;
}

std::optional<TransactionTrace>
TransactionLayer::PollTrace()
{
    auto& queue = m_ctx->Traces();
    if (queue.empty())
    {
        return std::nullopt;
    }
    TransactionTrace out = std::move(queue.front());
    queue.pop_front();
    return out;
}

void
TransactionLayer::SetTraceCallback(TraceCallback callback)
{
    m_ctx->SetTraceCallback(std::move(callback));
}

std::optional<TimePoint>
TransactionLayer::NextDeadline() const
{
    const auto& queue = m_ctx->Queue();
    if (queue.empty())
    {
        return std::nullopt;
    }
    return queue.top().deadline;
}

std::optional<ServerTxnId>
TransactionLayer::FindInviteServerTxnForCancel(const SipMessage& cancel) const
{
    const auto topVia = TopVia(cancel);
    if (!topVia)
    {
        return std::nullopt;
    }
    const auto it = m_serverIndex.find(ServerKey(cancel, *topVia, "INVITE"));
    if (it == m_serverIndex.end())
    {
        return std::nullopt;
    }
    const Transaction& txn = *m_txns.at(it->second);
    if (txn.Kind() != TxnKind::InviteServer || txn.IsTerminated())
    {
        return std::nullopt;
    }
    return ServerTxnId{txn.Id()};
}

std::optional<TxnState>
TransactionLayer::ClientState(ClientTxnId txn) const
{
    const Transaction* found = FindClient(txn);
    return found ? std::optional<TxnState>(found->State()) : std::nullopt;
}

std::optional<TxnState>
TransactionLayer::ServerState(ServerTxnId txn) const
{
    const Transaction* found = FindServer(txn);
    return found ? std::optional<TxnState>(found->State()) : std::nullopt;
}

const SipMessage*
TransactionLayer::ClientRequest(ClientTxnId txn) const
{
    const Transaction* found = FindClient(txn);
    return found && found->KeepsRequest() ? &found->Request() : nullptr;
}

const SipMessage*
TransactionLayer::ServerRequest(ServerTxnId txn) const
{
    const Transaction* found = FindServer(txn);
    return found && found->KeepsRequest() ? &found->Request() : nullptr;
}

std::optional<Address>
TransactionLayer::ServerRequestSource(ServerTxnId txn) const
{
    const Transaction* found = FindServer(txn);
    return found ? std::optional<Address>(found->Peer()) : std::nullopt;
}

std::size_t
TransactionLayer::ClientTxnCount() const
{
    return m_clientIndex.size();
}

std::size_t
TransactionLayer::ServerTxnCount() const
{
    return m_txns.size() - m_clientIndex.size();
}

const TxnCounters&
TransactionLayer::Counters() const
{
    return m_ctx->Counters();
}

const TimerConfig&
TransactionLayer::Timers() const
{
    return m_ctx->Timers();
}

} // namespace sipsim
