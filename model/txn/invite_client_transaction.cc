#include "invite_client_transaction.h"

#include "sip/headers.h"

#include <algorithm>
#include <utility>

namespace sipsim
{

InviteClientTransaction::InviteClientTransaction(TxnContext& ctx, uint64_t id, std::string key,
                                                 SipMessage request, Address destination,
                                                 bool timerC)
    : ClientTransaction(ctx, id, TxnKind::InviteClient, TxnState::Calling, std::move(key),
                        std::move(request), std::move(destination))
    , m_timerC(timerC)
{
}

bool
InviteClientTransaction::Allowed(TxnState from, TxnState to) const
{
    switch (from)
    {
    case TxnState::Calling:
        return to == TxnState::Proceeding || to == TxnState::Accepted ||
               to == TxnState::Completed || to == TxnState::Terminated;
    case TxnState::Proceeding:
        return to == TxnState::Accepted || to == TxnState::Completed || to == TxnState::Terminated;
    case TxnState::Accepted:
    case TxnState::Completed:
        return to == TxnState::Terminated;
    default:
        return false;
    }
}

void
InviteClientTransaction::Start()
{
    SendRequest(false);
    if (!Reliable())
    {
        m_interval = InitialTimerValue(Timers(), TimerId::A, false);
        Arm(TimerId::A, m_interval);
    }
    Arm(TimerId::B, InitialTimerValue(Timers(), TimerId::B, Reliable()));
    if (m_timerC)
    {
        Arm(TimerId::C, Timers().timerC);
    }
}

bool
InviteClientTransaction::RestartTimerC()
{
    if (State() != TxnState::Calling && State() != TxnState::Proceeding)
    {
        return false;
    }
    m_timerC = true;
    Arm(TimerId::C, Timers().timerC);
    return true;
}

void
InviteClientTransaction::StopWaiting()
{
    Disarm(TimerId::A);
    Disarm(TimerId::B);
    Disarm(TimerId::C);
}

void
InviteClientTransaction::SendAck(const SipMessage& response, bool retransmission)
{
    if (m_ackWire.empty())
    {
        m_ack = std::make_shared<const SipMessage>(MakeAckForNon2xx(Request(), response));
        m_ackWire = m_ack->Serialize();
    }
    if (retransmission)
    {
        ++Ctx().Counters().requestRetransmissions["ACK"];
    }
    Ctx().Send(Peer(), m_ackWire, retransmission, m_ack);
}

void
InviteClientTransaction::OnResponse(const SipMessage& response, const Address& from)
{
    const int code = response.StatusCode();
    switch (State())
    {
    case TxnState::Calling:
    case TxnState::Proceeding:
        if (code < 200)
        {
            if (State() == TxnState::Calling)
            {
                // A provisional stops retransmissions; Timer B only guards Calling (Fig. 5).
                Disarm(TimerId::A);
                Disarm(TimerId::B);
                TransitionTo(TxnState::Proceeding, "rx", code);
            }
            if (code != 100 && m_timerC)
            {
                Arm(TimerId::C, Timers().timerC); // §16.7 step 2
            }
            PassUp(response, from);
        }
        else if (code < 300)
        {
            StopWaiting();
            TransitionTo(TxnState::Accepted, "rx", code);
            PassUp(response, from);
            Settle();
            Arm(TimerId::M, InitialTimerValue(Timers(), TimerId::M, Reliable()));
        }
        else
        {
            StopWaiting();
            TransitionTo(TxnState::Completed, "rx", code);
            SendAck(response, false);
            PassUp(response, from);
            Settle();
            WaitThenTerminate(TimerId::D, "Timer D");
        }
        break;
    case TxnState::Accepted:
        // RFC 6026 §8.4: every 2xx goes up so the TU ACKs each (retransmission or fork).
        if (code >= 200 && code < 300)
        {
            PassUp(response, from);
        }
        else
        {
            ++Ctx().Counters().responsesAbsorbed;
        }
        break;
    case TxnState::Completed:
        ++Ctx().Counters().responsesAbsorbed;
        if (code >= 300)
        {
            SendAck(response, true); // §17.1.1.2: the ACK was lost, re-send it
        }
        break;
    default:
        break;
    }
}

void
InviteClientTransaction::OnTimer(TimerId timer)
{
    switch (timer)
    {
    case TimerId::A:
        if (State() == TxnState::Calling)
        {
            SendRequest(true);
            m_interval *= 2; // no T2 cap for INVITE (§17.1.1.2)
            Arm(TimerId::A, m_interval);
        }
        break;
    case TimerId::B:
        if (State() == TxnState::Calling)
        {
            ++Ctx().Counters().clientTimeouts;
            Ctx().Emit(ClientTimeout{ClientTxnId{Id()}, TimerId::B});
            TransitionTo(TxnState::Terminated, "Timer B");
        }
        break;
    case TimerId::C:
        if (State() == TxnState::Calling || State() == TxnState::Proceeding)
        {
            // The proxy core decides: CANCEL, synthetic 408, or RestartTimerC (§16.8).
            Ctx().Emit(ClientTimeout{ClientTxnId{Id()}, TimerId::C});
        }
        break;
    case TimerId::D:
        TransitionTo(TxnState::Terminated, "Timer D");
        break;
    case TimerId::M:
        TransitionTo(TxnState::Terminated, "Timer M");
        break;
    default:
        break;
    }
}

} // namespace sipsim
