#ifndef SIPSIM_TXN_NON_INVITE_CLIENT_TRANSACTION_H
#define SIPSIM_TXN_NON_INVITE_CLIENT_TRANSACTION_H

#include "transaction.h"

namespace sipsim
{

/// RFC 3261 Figure 6: Trying -> Proceeding -> Completed -> Terminated. Timers E
/// (retransmit, UDP, doubling capped at T2; T2 once Proceeding), F (timeout), K (absorb
/// response retransmissions).
class NonInviteClientTransaction : public ClientTransaction
{
public:
    NonInviteClientTransaction(TxnContext& ctx, uint64_t id, std::string key, SipMessage request,
                               Address destination);

    void Start() override;
    void OnResponse(const SipMessage& response, const Address& from) override;
    bool Allowed(TxnState from, TxnState to) const override;

protected:
    void OnTimer(TimerId timer) override;

private:
    Duration m_interval{0}; ///< current Timer E interval
};

} // namespace sipsim

#endif
