#include "non_invite_client_transaction.h"

#include <algorithm>
#include <utility>

namespace sipsim
{

NonInviteClientTransaction::NonInviteClientTransaction(TxnContext& ctx, uint64_t id,
                                                       std::string key, SipMessage request,
                                                       Address destination)
    : ClientTransaction(ctx, id, TxnKind::NonInviteClient, TxnState::Trying, std::move(key),
                        std::move(request), std::move(destination))
{
}

bool
NonInviteClientTransaction::Allowed(TxnState from, TxnState to) const
{
    switch (from)
    {
    case TxnState::Trying:
        return to == TxnState::Proceeding || to == TxnState::Completed ||
               to == TxnState::Terminated;
    case TxnState::Proceeding:
        return to == TxnState::Completed || to == TxnState::Terminated;
    case TxnState::Completed:
        return to == TxnState::Terminated;
    default:
        return false;
    }
}

void
NonInviteClientTransaction::Start()
{
    SendRequest(false);
    if (!Reliable())
    {
        m_interval = InitialTimerValue(Timers(), TimerId::E, false);
        Arm(TimerId::E, m_interval);
    }
    Arm(TimerId::F, InitialTimerValue(Timers(), TimerId::F, Reliable()));
}

void
NonInviteClientTransaction::OnResponse(const SipMessage& response, const Address& from)
{
    const int code = response.StatusCode();
    if (State() == TxnState::Completed)
    {
        ++Ctx().Counters().responsesAbsorbed;
        return;
    }
    if (code < 200)
    {
        if (State() == TxnState::Trying)
        {
            TransitionTo(TxnState::Proceeding, "rx", code);
        }
        PassUp(response, from);
        return;
    }
    Disarm(TimerId::E);
    Disarm(TimerId::F);
    TransitionTo(TxnState::Completed, "rx", code);
    PassUp(response, from);
    Settle();
    WaitThenTerminate(TimerId::K, "Timer K");
}

void
NonInviteClientTransaction::OnTimer(TimerId timer)
{
    switch (timer)
    {
    case TimerId::E:
        if (State() == TxnState::Trying || State() == TxnState::Proceeding)
        {
            SendRequest(true);
            // Trying doubles up to T2; Proceeding retransmits every T2 (§17.1.2.2).
            m_interval =
                State() == TxnState::Trying ? std::min(2 * m_interval, Timers().t2) : Timers().t2;
            Arm(TimerId::E, m_interval);
        }
        break;
    case TimerId::F:
        ++Ctx().Counters().clientTimeouts;
        Ctx().Emit(ClientTimeout{ClientTxnId{Id()}, TimerId::F});
        TransitionTo(TxnState::Terminated, "Timer F");
        break;
    case TimerId::K:
        TransitionTo(TxnState::Terminated, "Timer K");
        break;
    default:
        break;
    }
}

} // namespace sipsim
