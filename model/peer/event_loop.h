#ifndef SIPSIM_PEER_EVENT_LOOP_H
#define SIPSIM_PEER_EVENT_LOOP_H

#include "sip/endpoint.h"
#include "sip/types.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

/// Which way a message crossed the socket boundary.
enum class WireDirection
{
    Rx,
    Tx,
};

/// One SIP message as it left or reached a socket (one datagram, or one framed message on a
/// TCP connection), for logs and per-message counters.
struct WireEvent
{
    TimePoint time{0};
    WireDirection direction = WireDirection::Rx;
    Address peer; ///< source (Rx) or destination (Tx)
    std::string_view bytes;
    bool retransmission = false; ///< Tx only: the core marked it as a timer-driven resend
};

struct EventLoopConfig
{
    /// Where to bind. The host must be a numeric IPv4 or IPv6 address; nothing is bound
    /// anywhere else. Port 0 lets the kernel choose (see EventLoop::LocalPort).
    std::string host = "127.0.0.1";
    uint16_t port = 5060;
    bool udp = true; ///< bind a UDP socket on host:port
    bool tcp = true; ///< listen for TCP on host:port (and allow outgoing connections)
    /// Refuse to send to non-loopback destinations (reported to the core as a transport
    /// error). On by default: a test tool bound to 127.0.0.1 must never leak traffic.
    bool loopbackOnly = true;
    /// Turn SIGINT / SIGTERM into a clean return from Run() (self-pipe). Once the loop is
    /// destroyed they are ignored (not reset to the default), so a repeated signal cannot
    /// kill the process while it reports.
    bool handleSignals = true;
    /// Bytes buffered on one TCP connection without a complete message before it is closed.
    std::size_t maxStreamBuffer = 1 << 20;
};

/// Transport-level counters, cumulative.
struct IoCounters
{
    uint64_t datagramsIn = 0;
    uint64_t datagramsOut = 0;
    uint64_t streamMessagesIn = 0;  ///< framed messages read from TCP connections
    uint64_t streamMessagesOut = 0; ///< messages queued on TCP connections
    uint64_t bytesIn = 0;
    uint64_t bytesOut = 0;
    uint64_t retransmissionsSent = 0; ///< transmits the core flagged as retransmissions
    uint64_t sendErrors = 0;          ///< sendto / write failures
    uint64_t refusedDestinations = 0; ///< unresolvable or non-loopback destinations
    uint64_t framingErrors = 0;       ///< TCP streams that could not be framed
    uint64_t connectionsAccepted = 0;
    uint64_t connectionsOpened = 0;
    uint64_t connectFailures = 0;
    uint64_t connectionsClosed = 0;
    uint64_t transportErrorsReported = 0; ///< HandleTransportError calls made
};

/// What drives an Endpoint from outside: starts calls, drains its events, decides when the
/// run is over. Called from the loop thread only.
class LoopDriver
{
public:
    virtual ~LoopDriver() = default;
    /// Called once before the first wait and after every batch of input or timeouts.
    /// Poke the endpoint here (start calls) and drain its events; the loop flushes the
    /// endpoint's transmits afterwards.
    virtual void OnStep(TimePoint now) = 0;
    /// The earliest time the driver wants OnStep without any I/O (next call to start).
    virtual std::optional<TimePoint> NextWake() const { return std::nullopt; }
    /// True when Run() should return (checked after each step).
    virtual bool Finished(TimePoint now) const
    {
        (void)now;
        return false;
    }
};

/// A single-threaded real-time loop around ONE sans-I/O Endpoint: poll() on a UDP socket, a
/// TCP listener and TCP connections (framed with ScanStreamFrame), a steady clock for `now`
/// (nanoseconds since the loop was opened), and a sleep until the endpoint's NextDeadline(),
/// the driver's NextWake(), I/O or a signal.
///
/// Transmits: UDP ones go out with sendto() from the bound socket; TCP ones over the
/// connection to that destination, reusing an accepted connection from the same peer
/// address (so responses go back on the connection the request came in on, §18.2.2) or
/// opening a new one (non-blocking connect, data queued until it completes). A failed
/// connect, a destination that is not a numeric (loopback) address, or a connection that
/// closes with data pending is reported with HandleTransportError.
class EventLoop
{
public:
    explicit EventLoop(EventLoopConfig config);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    /// Creates and binds the sockets and installs the signal handlers. False (with a one-line
    /// `error`) when a socket cannot be bound.
    bool Open(std::string& error);
    /// Runs until the driver is finished, Stop() is called or SIGINT/SIGTERM arrives.
    void Run(Endpoint& endpoint, LoopDriver& driver);
    /// Makes Run() return after the current step.
    void Stop() { m_stopRequested = true; }

    /// Nanoseconds since Open().
    TimePoint Now() const;
    /// The port actually bound (differs from the configured one when that was 0).
    uint16_t LocalPort() const { return m_localPort; }
    /// The signal that ended Run(), or 0.
    int StopSignal() const { return m_stopSignal; }
    const IoCounters& Counters() const { return m_counters; }
    std::size_t ConnectionCount() const { return m_connections.size(); }

    /// Sees every message sent and received (after framing), e.g. for a message log.
    void SetWireObserver(std::function<void(const WireEvent&)> observer)
    {
        m_observer = std::move(observer);
    }

private:
    struct Connection
    {
        int fd = -1;
        Address peer;    ///< reported as `from` for what arrives on it
        std::string key; ///< "host:port", for reuse
        bool connecting = false;
        std::string rx; ///< bytes not yet framed
        std::string tx; ///< bytes the socket has not taken yet
    };

    void Step(TimePoint now);
    /// Drains the endpoint's transmits, then reports the transport errors they caused
    /// (which may queue more transmits, hence the loop).
    void Flush();
    void Send(const Transmit& transmit);
    void SendUdp(const Transmit& transmit);
    void SendTcp(const Transmit& transmit);
    void Deliver(std::string_view bytes, const Address& from);
    void Notify(WireDirection direction, const Address& peer, std::string_view bytes,
                bool retransmission);
    void ReadUdp();
    void ReadSignals();
    // TCP (event_loop_tcp.cc).
    void AcceptTcp();
    void ReadConnection(int fd);
    void WriteConnection(int fd);
    Connection& AddConnection(int fd, const Address& peer, bool connecting);
    void CloseConnection(int fd, bool reportError);
    void CloseAll();
    std::optional<int> Connect(const Address& destination);

    EventLoopConfig m_config;
    Endpoint* m_endpoint = nullptr;
    LoopDriver* m_driver = nullptr;
    int m_udp = -1;
    int m_listener = -1;
    int m_signalPipe[2] = {-1, -1};
    bool m_signalsInstalled = false;
    uint16_t m_localPort = 0;
    std::chrono::steady_clock::time_point m_start;
    bool m_stopRequested = false;
    int m_stopSignal = 0;
    IoCounters m_counters;
    std::function<void(const WireEvent&)> m_observer;
    std::map<int, Connection> m_connections; ///< by file descriptor
    std::map<std::string, int> m_byPeer;     ///< "host:port" -> fd
    std::vector<Address> m_failed;           ///< transport errors to report after a flush
    std::string m_buffer;                    ///< receive buffer
};

/// True for a numeric loopback address (127.0.0.0/8, ::1).
bool IsLoopbackHost(const std::string& host);

} // namespace sipsim

#endif
