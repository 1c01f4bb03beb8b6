#include "invite_server_transaction.h"

#include "sip/hash_bytes.h"
#include "sip/headers.h"

#include <algorithm>
#include <utility>

namespace sipsim
{

InviteServerTransaction::InviteServerTransaction(TxnContext& ctx, uint64_t id, std::string key,
                                                 SipMessage request, Address source)
    : ServerTransaction(ctx, id, TxnKind::InviteServer, TxnState::Proceeding, std::move(key),
                        std::move(request), std::move(source))
{
}

bool
InviteServerTransaction::Allowed(TxnState from, TxnState to) const
{
    switch (from)
    {
    case TxnState::Proceeding:
        return to == TxnState::Accepted || to == TxnState::Completed || to == TxnState::Terminated;
    case TxnState::Completed:
        return to == TxnState::Confirmed || to == TxnState::Terminated;
    case TxnState::Confirmed:
    case TxnState::Accepted:
        return to == TxnState::Terminated;
    default:
        return false;
    }
}

void
InviteServerTransaction::Start()
{
    const Duration delay = Timers().trying100Delay;
    if (delay == Duration::zero())
    {
        OnTimer(TimerId::Trying100); // a stateful proxy answers at once (§16.2)
    }
    else if (delay > Duration::zero())
    {
        Arm(TimerId::Trying100, delay);
    }
}

void
InviteServerTransaction::OnRequestRetransmission()
{
    ++Ctx().Counters().requestsAbsorbed;
    // Proceeding re-sends the last provisional, Completed the final; Confirmed and
    // Accepted (RFC 6026 §8.7) absorb silently.
    if (State() == TxnState::Proceeding || State() == TxnState::Completed)
    {
        ResendLast();
    }
}

bool
InviteServerTransaction::SendResponse(SipMessage response)
{
    const int code = response.StatusCode();
    if (State() == TxnState::Accepted)
    {
        if (code < 200 || code >= 300)
        {
            return false;
        }
        // RFC 6026 §8.5: further 2xx (the UAS core's retransmissions, a proxy's other
        // forks) are sent; identical bytes count as a retransmission (by a 64-bit digest:
        // a 2^-64 chance of flagging another 2xx as one).
        std::string wire = response.Serialize();
        const uint64_t digest = HashBytes(wire);
        const bool again = wire.size() == m_accepted2xxSize && digest == m_accepted2xxDigest;
        if (again)
        {
            CountRetransmission(Ctx().Counters(), response);
        }
        m_accepted2xxDigest = digest;
        m_accepted2xxSize = wire.size();
        Ctx().Send(ResponseTarget(), std::move(wire), again,
                   std::make_shared<const SipMessage>(std::move(response)));
        return true;
    }
    if (State() != TxnState::Proceeding)
    {
        return false;
    }
    Disarm(TimerId::Trying100);
    if (code < 200)
    {
        SendAndRemember(std::move(response));
        return true;
    }
    if (code < 300)
    {
        SendAndRemember(std::move(response));
        TransitionTo(TxnState::Accepted, "tx", code);
        Settle();
        m_accepted2xxDigest = HashBytes(LastWire());
        m_accepted2xxSize = LastWire().size();
        ForgetLastWire();
        Arm(TimerId::L, InitialTimerValue(Timers(), TimerId::L, Reliable()));
        return true;
    }
    SendAndRemember(std::move(response));
    TransitionTo(TxnState::Completed, "tx", code);
    Settle();
    if (!Reliable())
    {
        m_interval = InitialTimerValue(Timers(), TimerId::G, false);
        Arm(TimerId::G, m_interval);
    }
    Arm(TimerId::H, InitialTimerValue(Timers(), TimerId::H, Reliable()));
    return true;
}

bool
InviteServerTransaction::OnAck()
{
    switch (State())
    {
    case TxnState::Completed:
        Disarm(TimerId::G);
        Disarm(TimerId::H);
        TransitionTo(TxnState::Confirmed, "rx ACK");
        WaitThenTerminate(TimerId::I, "Timer I");
        return true;
    case TxnState::Accepted:
        return false;
    default:
        // Confirmed: an ACK retransmission. Proceeding: an ACK before any final response
        // is nonsense; absorbing it is the safe choice.
        ++Ctx().Counters().requestsAbsorbed;
        return true;
    }
}

void
InviteServerTransaction::OnTimer(TimerId timer)
{
    switch (timer)
    {
    case TimerId::Trying100:
        if (State() == TxnState::Proceeding && LastResponse() == nullptr)
        {
            ++Ctx().Counters().autoTrying;
            SendAndRemember(MakeResponseTo(Request(), 100, "Trying"));
        }
        break;
    case TimerId::G:
        if (State() == TxnState::Completed)
        {
            ResendLast();
            m_interval = std::min(2 * m_interval, Timers().t2);
            Arm(TimerId::G, m_interval);
        }
        break;
    case TimerId::H:
        if (State() == TxnState::Completed)
        {
            ++Ctx().Counters().serverTimeouts;
            Ctx().Emit(ServerTimeout{ServerTxnId{Id()}, TimerId::H});
            TransitionTo(TxnState::Terminated, "Timer H");
        }
        break;
    case TimerId::I:
        TransitionTo(TxnState::Terminated, "Timer I");
        break;
    case TimerId::L:
        TransitionTo(TxnState::Terminated, "Timer L");
        break;
    default:
        break;
    }
}

} // namespace sipsim
