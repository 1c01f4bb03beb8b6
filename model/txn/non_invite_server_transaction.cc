#include "non_invite_server_transaction.h"

#include <utility>

namespace sipsim
{

NonInviteServerTransaction::NonInviteServerTransaction(TxnContext& ctx, uint64_t id,
                                                       std::string key, SipMessage request,
                                                       Address source)
    : ServerTransaction(ctx, id, TxnKind::NonInviteServer, TxnState::Trying, std::move(key),
                        std::move(request), std::move(source))
{
}

bool
NonInviteServerTransaction::Allowed(TxnState from, TxnState to) const
{
    switch (from)
    {
    case TxnState::Trying:
        return to == TxnState::Proceeding || to == TxnState::Completed;
    case TxnState::Proceeding:
        return to == TxnState::Completed || to == TxnState::Terminated;
    case TxnState::Completed:
        return to == TxnState::Terminated;
    default:
        return false;
    }
}

void
NonInviteServerTransaction::OnRequestRetransmission()
{
    ++Ctx().Counters().requestsAbsorbed;
    // Trying absorbs silently (nothing to re-send yet); later states re-send (§17.2.2).
    ResendLast();
}

bool
NonInviteServerTransaction::SendResponse(SipMessage response)
{
    if (State() != TxnState::Trying && State() != TxnState::Proceeding)
    {
        return false;
    }
    const int code = response.StatusCode();
    SendAndRemember(std::move(response));
    if (code < 200)
    {
        if (State() == TxnState::Trying)
        {
            TransitionTo(TxnState::Proceeding, "tx", code);
        }
        return true;
    }
    TransitionTo(TxnState::Completed, "tx", code);
    Settle();
    WaitThenTerminate(TimerId::J, "Timer J");
    return true;
}

void
NonInviteServerTransaction::OnTimer(TimerId timer)
{
    if (timer == TimerId::J)
    {
        TransitionTo(TxnState::Terminated, "Timer J");
    }
}

} // namespace sipsim
