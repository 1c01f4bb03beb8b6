#ifndef SIPSIM_PEER_PEER_H
#define SIPSIM_PEER_PEER_H

#include "event_loop.h"
#include "peer_metrics.h"
#include "peer_options.h"

#include <iosfwd>
#include <memory>
#include <string>

namespace sipsim
{

/// One real SIP element: the simulation's UserAgent or Proxy (the same classes, unchanged)
/// on real sockets through an EventLoop, with a workload (calls at a rate, hold time) and
/// the bookkeeping for an exit summary.
class Peer
{
public:
    explicit Peer(PeerOptions options);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    /// Binds the sockets and builds the element. False with a one-line `error`.
    bool Open(std::string& error);
    /// Runs until the workload is done, --max-calls / --duration, or SIGINT / SIGTERM.
    /// `log`, when set, gets one line per message sent or received and per call event.
    PeerSummary Run(std::ostream* log);

    uint16_t LocalPort() const;

private:
    class Driver;
    class UaDriver;
    class ProxyDriver;

    PeerOptions m_options;
    std::unique_ptr<SplitMixRandom> m_random;
    std::unique_ptr<EventLoop> m_loop;
    std::unique_ptr<Endpoint> m_endpoint;
    std::unique_ptr<Driver> m_driver;
};

} // namespace sipsim

#endif
