#ifndef SIPSIM_SIM_SIP_ELEMENT_APPLICATION_H
#define SIPSIM_SIM_SIP_ELEMENT_APPLICATION_H

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/packet.h"
#include "ns3/ptr.h"
#include "ns3/random-variable-stream.h"
#include "ns3/socket.h"
#include "ns3/traced-callback.h"
#include "sip/endpoint.h"
#include "sip/types.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sipsim
{

/// Simulation time (ns-3) <-> core time (nanoseconds since the simulation start).
TimePoint ToSipTime(ns3::Time t);
ns3::Time ToNs3Time(TimePoint t);
/// Converts an IPv4 endpoint; the transport is the one the element listens on.
Address ToSipAddress(const ns3::InetSocketAddress& a, Transport transport);
/// Parses a dotted-quad host; std::nullopt for names and IPv6 (no DNS in the simulation).
std::optional<ns3::Ipv4Address> ParseIpv4(const std::string& host);
/// The packet's bytes, copied into `buffer` (replacing what it held; a reused buffer keeps
/// its capacity from packet to packet). Returns `buffer`.
const std::string& CopyPacketBytes(const ns3::Packet& packet, std::string& buffer);

/// ns-3 driver of one sans-I/O SIP element (sipsim::Endpoint): it owns the sockets and a
/// single timer, feeds the core what arrives and flushes what the core wants sent.
///
/// Every interaction with the core ends with Flush(): transmits are drained in order and
/// the one timer is re-armed at NextDeadline() (only when the deadline changed). Owners that
/// poke the core from outside (start a call, register) must call Flush() afterwards.
///
/// Transport "Udp": one socket bound to Port. Transport "Tcp": a listening socket on Port,
/// accepted connections, and one connection per destination opened on demand; messages are
/// framed with sipsim::ScanStreamFrame. Transmits must carry the element's transport.
/// A failed connect is reported through HandleTransportError; note that ns-3 3.37 ignores
/// the RST of a port without listener, so a refusal surfaces only when the SYN retries
/// (ns3::TcpSocket::ConnTimeout/ConnCount) run out.
///
/// Traces: "Tx" fires for every message the core emits, as it is handed to the transport;
/// if the transport then fails, "Drop" follows with the reason. "Rx" fires per received
/// message (per framed message on TCP) on arrival, before the CPU queue.
///
/// CPU model: when ProcessingDelay is non-zero or ServiceTime is set, arrivals wait in a FIFO
/// single-server queue; each needs ProcessingDelay + ServiceTime (seconds) of service and
/// reaches the core when its service ends. Arrivals finding ServiceQueueLimit messages
/// already waiting (the one in service not counted) are dropped ("queue-overflow").
class SipElementApplication : public ns3::Application
{
public:
    enum TransportMode
    {
        UDP,
        TCP,
    };

    /// Maps a host name of a transmit to an address (default: ParseIpv4).
    using Resolver = std::function<std::optional<ns3::Ipv4Address>(const std::string& host)>;

    typedef void (*TxTracedCallback)(ns3::Ptr<const ns3::Packet> packet, const Address& destination,
                                     bool retransmission);
    typedef void (*RxTracedCallback)(ns3::Ptr<const ns3::Packet> packet, const Address& source);
    /// `reason`: "no-route", "unresolvable", "transport-mismatch", "connect-failed",
    /// "connection-closed", "send-failed", "queue-overflow", "framing-error".
    typedef void (*DropTracedCallback)(ns3::Ptr<const ns3::Packet> packet, const Address& peer,
                                       const std::string& reason);
    typedef void (*CoreEventTracedCallback)(const std::string& kind, const std::string& detail);

    static ns3::TypeId GetTypeId();

    SipElementApplication();
    ~SipElementApplication() override;

    void SetEndpoint(std::unique_ptr<Endpoint> endpoint);
    Endpoint* GetEndpoint() const { return m_endpoint.get(); }

    template <class T> T* GetEndpointAs() const { return dynamic_cast<T*>(m_endpoint.get()); }

    void SetResolver(Resolver resolver) { m_resolver = std::move(resolver); }

    uint16_t GetPort() const { return m_port; }
    Transport GetTransport() const { return m_transport == TCP ? Transport::Tcp : Transport::Udp; }
    /// The address this element listens on, given the node's IPv4 address.
    Address GetLocalAddress(ns3::Ipv4Address ip) const;

    /// Drains the core's transmits and re-arms the timer. Call after poking the core.
    void Flush();

    /// For subclasses/owners forwarding element events (transaction, dialog, call) to traces.
    void NotifyCoreEvent(const std::string& kind, const std::string& detail);

    /// Diagnostics: how often the timer event was (re)scheduled, whether it is armed, when.
    uint64_t GetTimerSchedules() const { return m_timerSchedules; }
    bool IsTimerArmed() const { return m_timer.IsRunning(); }
    ns3::Time GetTimerExpiry() const;
    /// Messages waiting for the CPU (not counting the one in service).
    std::size_t GetServiceQueueLength() const { return m_serviceQueue.size(); }
    /// Number of open TCP connections (accepted and initiated).
    std::size_t GetConnectionCount() const { return m_connections.size(); }

    int64_t AssignStreams(int64_t stream);

protected:
    void DoDispose() override;

private:
    struct Connection;
    struct Pending
    {
        std::string bytes;
        Address from;
    };

    void StartApplication() override;
    void StopApplication() override;

    void HandleUdpRead(ns3::Ptr<ns3::Socket> socket);
    void HandleTimer();
    /// Entry point of every received message: through the CPU queue or straight to the core.
    void Arrive(std::string bytes, const Address& from);
    void Deliver(const std::string& bytes, const Address& from);
    void StartService();
    /// Whether received messages wait for a processing delay or a service time.
    bool UsesCpuModel() const;
    void EndService();
    ns3::Time DrawServiceTime();
    void ArmTimer();
    void Send(Transmit transmit);
    void SendUdp(const Transmit& transmit, ns3::Ipv4Address ip);
    void ReportError(const Address& destination);

    // TCP (sip_element_tcp.cc).
    bool HandleAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    void HandleNewConnection(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
    void HandleConnected(ns3::Ptr<ns3::Socket> socket);
    void HandleConnectFailed(ns3::Ptr<ns3::Socket> socket);
    void HandleTcpRead(ns3::Ptr<ns3::Socket> socket);
    void HandleTcpSendSpace(ns3::Ptr<ns3::Socket> socket, uint32_t available);
    void HandleTcpClosed(ns3::Ptr<ns3::Socket> socket);
    void SendTcp(const Transmit& transmit, ns3::Ipv4Address ip);
    void PumpTcp(Connection& connection);
    std::shared_ptr<Connection> AddConnection(ns3::Ptr<ns3::Socket> socket, const Address& peer);
    std::shared_ptr<Connection> FindConnection(ns3::Socket* socket) const;
    void RemoveConnection(ns3::Socket* socket, const std::string& reason, bool reportError);
    void CloseAllConnections();

    std::unique_ptr<Endpoint> m_endpoint;
    Resolver m_resolver;

    uint16_t m_port;
    TransportMode m_transport;
    ns3::Ptr<ns3::Socket> m_socket; ///< UDP socket, or the TCP listener
    bool m_running = false;

    // The single core timer and the deadline it is armed for.
    ns3::EventId m_timer;
    std::optional<TimePoint> m_armedDeadline;
    uint64_t m_timerSchedules = 0;
    bool m_flushing = false;
    /// Received datagrams are copied here: most are handed to the core and dropped, so one
    /// buffer serves them all instead of an allocation per datagram.
    std::string m_rxBuffer;
    bool m_rxBufferInUse = false; ///< a nested receive (should one happen) takes its own

    // CPU model.
    ns3::Time m_processingDelay;
    ns3::Ptr<ns3::RandomVariableStream> m_serviceTime;
    uint32_t m_serviceQueueLimit;
    std::deque<Pending> m_serviceQueue;
    std::optional<Pending> m_inService;
    ns3::EventId m_serviceEvent;

    // TCP connections, keyed by socket; m_byPeer finds the one to reuse for a destination.
    std::map<ns3::Socket*, std::shared_ptr<Connection>> m_connections;
    std::map<std::string, ns3::Socket*> m_byPeer;

    ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, const Address&, bool> m_txTrace;
    ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, const Address&> m_rxTrace;
    ns3::TracedCallback<ns3::Ptr<const ns3::Packet>, const Address&, const std::string&>
        m_dropTrace;
    ns3::TracedCallback<const std::string&, const std::string&> m_coreEventTrace;
};

} // namespace sipsim

#endif
