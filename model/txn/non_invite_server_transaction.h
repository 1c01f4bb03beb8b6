#ifndef SIPSIM_TXN_NON_INVITE_SERVER_TRANSACTION_H
#define SIPSIM_TXN_NON_INVITE_SERVER_TRANSACTION_H

#include "transaction.h"

namespace sipsim
{

/// RFC 3261 Figure 8: Trying -> Proceeding -> Completed -> Terminated. Timer J absorbs
/// request retransmissions after the final response.
class NonInviteServerTransaction : public ServerTransaction
{
public:
    NonInviteServerTransaction(TxnContext& ctx, uint64_t id, std::string key, SipMessage request,
                               Address source);

    void OnRequestRetransmission() override;
    bool SendResponse(SipMessage response) override;
    bool Allowed(TxnState from, TxnState to) const override;

protected:
    void OnTimer(TimerId timer) override;
};

} // namespace sipsim

#endif
