#ifndef SIPSIM_TXN_INVITE_CLIENT_TRANSACTION_H
#define SIPSIM_TXN_INVITE_CLIENT_TRANSACTION_H

#include "transaction.h"

namespace sipsim
{

/// RFC 3261 Figure 5 as updated by RFC 6026 Figure 3: Calling -> Proceeding -> Accepted |
/// Completed -> Terminated. Timers A (retransmit, UDP), B (timeout), D (absorb final
/// retransmissions, re-ACKing them), M (absorb-and-pass-up 2xx), and optionally C.
class InviteClientTransaction : public ClientTransaction
{
public:
    InviteClientTransaction(TxnContext& ctx, uint64_t id, std::string key, SipMessage request,
                            Address destination, bool timerC);

    void Start() override;
    void OnResponse(const SipMessage& response, const Address& from) override;
    bool Allowed(TxnState from, TxnState to) const override;
    /// Re-arms Timer C; false unless the transaction is still waiting for a final response.
    bool RestartTimerC();

protected:
    void OnTimer(TimerId timer) override;

private:
    /// Leaves Calling/Proceeding: disarms A, B and C.
    void StopWaiting();
    /// Builds (once) and sends the ACK for a non-2xx final response (§17.1.1.3).
    void SendAck(const SipMessage& response, bool retransmission);

    Duration m_interval{0}; ///< current Timer A interval
    bool m_timerC;
    SharedBytes m_ackWire;
    std::shared_ptr<const SipMessage> m_ack; ///< what m_ackWire serialises
};

} // namespace sipsim

#endif
