// TCP half of SipElementApplication: accepted and initiated connections, stream framing
// (RFC 3261 §18.3) and send buffering. One connection per peer transport address is reused
// for both directions, so responses go back over the connection the request came in on.

#include "ns3/log.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "sip/message.h"
#include "sip_element_application.h"

#include <sstream>
#include <vector>

namespace sipsim
{

NS_LOG_COMPONENT_DEFINE("SipElementTcp");

namespace
{

std::string
PeerKey(ns3::Ipv4Address ip, uint16_t port)
{
    std::ostringstream key;
    ip.Print(key);
    key << ':' << port;
    return key.str();
}

ns3::Ptr<ns3::Packet>
MakePacket(const std::string& bytes)
{
    return ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

void
Detach(ns3::Ptr<ns3::Socket> socket)
{
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, uint32_t>());
    socket->SetConnectCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                               ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetCloseCallbacks(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>(),
                              ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
}

} // namespace

struct SipElementApplication::Connection
{
    ns3::Ptr<ns3::Socket> socket;
    std::string key; ///< "ip:port" of the peer, for reuse
    Address peer;    ///< as reported to the core for received messages
    bool connected = false;
    std::string rx;                ///< bytes not yet framed
    std::string tx;                ///< bytes the socket has not accepted yet
    std::vector<Transmit> waiting; ///< messages queued while the connect is in progress
};

std::shared_ptr<SipElementApplication::Connection>
SipElementApplication::AddConnection(ns3::Ptr<ns3::Socket> socket, const Address& peer)
{
    auto connection = std::make_shared<Connection>();
    connection->socket = socket;
    connection->peer = peer;
    const auto ip = ParseIpv4(peer.host);
    connection->key = ip ? PeerKey(*ip, peer.port) : peer.ToString();
    m_connections[ns3::PeekPointer(socket)] = connection;
    m_byPeer[connection->key] = ns3::PeekPointer(socket);
    socket->SetRecvCallback(ns3::MakeCallback(&SipElementApplication::HandleTcpRead, this));
    socket->SetSendCallback(ns3::MakeCallback(&SipElementApplication::HandleTcpSendSpace, this));
    socket->SetCloseCallbacks(ns3::MakeCallback(&SipElementApplication::HandleTcpClosed, this),
                              ns3::MakeCallback(&SipElementApplication::HandleTcpClosed, this));
    return connection;
}

std::shared_ptr<SipElementApplication::Connection>
SipElementApplication::FindConnection(ns3::Socket* socket) const
{
    auto it = m_connections.find(socket);
    return it == m_connections.end() ? nullptr : it->second;
}

bool
SipElementApplication::HandleAccept(ns3::Ptr<ns3::Socket> /*socket*/, const ns3::Address& /*from*/)
{
    return m_running;
}

void
SipElementApplication::HandleNewConnection(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from)
{
    if (!ns3::InetSocketAddress::IsMatchingType(from))
    {
        socket->Close();
        return;
    }
    const Address peer = ToSipAddress(ns3::InetSocketAddress::ConvertFrom(from), Transport::Tcp);
    NS_LOG_INFO("accepted " << peer.ToString());
    AddConnection(socket, peer)->connected = true;
}

void
SipElementApplication::SendTcp(const Transmit& transmit, ns3::Ipv4Address ip)
{
    m_txTrace(MakePacket(transmit.data), transmit.destination, transmit.retransmission);
    const std::string key = PeerKey(ip, transmit.destination.port);
    auto found = m_byPeer.find(key);
    if (found != m_byPeer.end())
    {
        auto connection = FindConnection(found->second);
        if (connection->connected)
        {
            connection->tx += transmit.data;
            PumpTcp(*connection);
        }
        else
        {
            connection->waiting.push_back(transmit);
        }
        return;
    }

    ns3::Ptr<ns3::Socket> socket =
        ns3::Socket::CreateSocket(GetNode(), ns3::TcpSocketFactory::GetTypeId());
    socket->Bind();
    auto connection = AddConnection(socket, transmit.destination);
    connection->waiting.push_back(transmit);
    socket->SetConnectCallback(
        ns3::MakeCallback(&SipElementApplication::HandleConnected, this),
        ns3::MakeCallback(&SipElementApplication::HandleConnectFailed, this));
    if (socket->Connect(ns3::InetSocketAddress(ip, transmit.destination.port)) != 0)
    {
        const bool noRoute = socket->GetErrno() == ns3::Socket::ERROR_NOROUTETOHOST;
        NS_LOG_INFO("connect to " << key << " failed immediately");
        // Deferred: reporting now would re-enter the core from inside its own drain loop
        // with a half-registered connection.
        RemoveConnection(ns3::PeekPointer(socket), noRoute ? "no-route" : "connect-failed", true);
    }
}

void
SipElementApplication::HandleConnected(ns3::Ptr<ns3::Socket> socket)
{
    auto connection = FindConnection(ns3::PeekPointer(socket));
    if (!connection)
    {
        return;
    }
    NS_LOG_INFO("connected to " << connection->key);
    connection->connected = true;
    for (const Transmit& t : connection->waiting)
    {
        connection->tx += t.data;
    }
    connection->waiting.clear();
    PumpTcp(*connection);
}

void
SipElementApplication::HandleConnectFailed(ns3::Ptr<ns3::Socket> socket)
{
    RemoveConnection(ns3::PeekPointer(socket), "connect-failed", true);
}

void
SipElementApplication::PumpTcp(Connection& connection)
{
    while (!connection.tx.empty())
    {
        const uint32_t room = connection.socket->GetTxAvailable();
        if (room == 0)
        {
            return; // HandleTcpSendSpace resumes
        }
        const std::size_t n = std::min<std::size_t>(room, connection.tx.size());
        auto chunk =
            ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(connection.tx.data()), n);
        if (connection.socket->Send(chunk) < 0)
        {
            return;
        }
        connection.tx.erase(0, n);
    }
}

void
SipElementApplication::HandleTcpSendSpace(ns3::Ptr<ns3::Socket> socket, uint32_t /*available*/)
{
    if (auto connection = FindConnection(ns3::PeekPointer(socket)))
    {
        PumpTcp(*connection);
    }
}

void
SipElementApplication::HandleTcpRead(ns3::Ptr<ns3::Socket> socket)
{
    auto connection = FindConnection(ns3::PeekPointer(socket));
    if (!connection)
    {
        return;
    }
    while (ns3::Ptr<ns3::Packet> packet = socket->Recv())
    {
        const std::size_t old = connection->rx.size();
        connection->rx.resize(old + packet->GetSize());
        packet->CopyData(reinterpret_cast<uint8_t*>(connection->rx.data() + old),
                         packet->GetSize());
    }
    // Frame everything first: delivering may make the core close or reuse this connection.
    std::vector<std::string> messages;
    bool broken = false;
    while (!connection->rx.empty())
    {
        const FrameScan scan = ScanStreamFrame(connection->rx);
        if (scan.status == FrameScan::Status::NeedMore)
        {
            connection->rx.erase(0, scan.skip); // keep-alive CRLFs
            break;
        }
        if (scan.status == FrameScan::Status::Error)
        {
            broken = true;
            break;
        }
        messages.push_back(connection->rx.substr(scan.skip, scan.length));
        connection->rx.erase(0, scan.skip + scan.length);
    }
    const Address peer = connection->peer;
    if (broken)
    {
        // A stream that cannot be framed cannot be resynchronised: drop the connection.
        m_dropTrace(MakePacket(connection->rx), peer, "framing-error");
        RemoveConnection(ns3::PeekPointer(socket), "framing-error", false);
    }
    for (std::string& message : messages)
    {
        m_rxTrace(MakePacket(message), peer);
        Arrive(std::move(message), peer);
    }
}

void
SipElementApplication::HandleTcpClosed(ns3::Ptr<ns3::Socket> socket)
{
    auto connection = FindConnection(ns3::PeekPointer(socket));
    if (!connection)
    {
        return;
    }
    const bool unsent = !connection->tx.empty() || !connection->waiting.empty();
    RemoveConnection(ns3::PeekPointer(socket), "connection-closed", unsent);
}

void
SipElementApplication::RemoveConnection(ns3::Socket* socket, const std::string& reason,
                                        bool reportError)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
    {
        return;
    }
    std::shared_ptr<Connection> connection = it->second;
    m_connections.erase(it);
    auto byPeer = m_byPeer.find(connection->key);
    if (byPeer != m_byPeer.end() && byPeer->second == socket)
    {
        m_byPeer.erase(byPeer);
    }
    Detach(connection->socket);
    connection->socket->Close();

    for (const Transmit& t : connection->waiting)
    {
        m_dropTrace(MakePacket(t.data), t.destination, reason);
    }
    if (!connection->tx.empty())
    {
        m_dropTrace(MakePacket(connection->tx), connection->peer, reason);
    }
    if (reportError)
    {
        // Defer: this may run inside the core's drain loop (immediate connect failure) or
        // inside a socket callback; a fresh event keeps the core's call stack flat.
        ns3::Ptr<SipElementApplication> self = this;
        const Address destination = connection->waiting.empty()
                                        ? connection->peer
                                        : connection->waiting.front().destination;
        ns3::Simulator::ScheduleNow(&SipElementApplication::ReportError, self, destination);
    }
}

void
SipElementApplication::CloseAllConnections()
{
    for (auto& [socket, connection] : m_connections)
    {
        Detach(connection->socket);
        connection->socket->Close();
    }
    m_connections.clear();
    m_byPeer.clear();
}

} // namespace sipsim
