#ifndef SIPSIM_TXN_INVITE_SERVER_TRANSACTION_H
#define SIPSIM_TXN_INVITE_SERVER_TRANSACTION_H

#include "transaction.h"

namespace sipsim
{

/// RFC 3261 Figure 7 as updated by RFC 6026 Figure 5: Proceeding -> Accepted | Completed
/// -> Confirmed -> Terminated. Timers G (final-response retransmit, UDP), H (ACK wait),
/// I (absorb ACK retransmissions), L (Accepted), and the §17.2.1 automatic 100 Trying.
class InviteServerTransaction : public ServerTransaction
{
public:
    InviteServerTransaction(TxnContext& ctx, uint64_t id, std::string key, SipMessage request,
                            Address source);

    void Start() override;
    void OnRequestRetransmission() override;
    bool SendResponse(SipMessage response) override;
    /// An ACK matched this transaction. Returns true when absorbed (non-2xx ACK); false
    /// when it belongs to the TU (Accepted state, RFC 6026 §8.7).
    bool OnAck();
    bool Allowed(TxnState from, TxnState to) const override;

protected:
    void OnTimer(TimerId timer) override;

private:
    Duration m_interval{0}; ///< current Timer G interval
    /// Accepted only: the last 2xx sent, for telling a retransmission from another 2xx. The
    /// state lasts Timer L (32 s over UDP) and never re-sends by itself, so a digest is
    /// enough; the bytes were ~8% of a long run's peak heap.
    uint64_t m_accepted2xxDigest = 0;
    std::size_t m_accepted2xxSize = 0;
};

} // namespace sipsim

#endif
