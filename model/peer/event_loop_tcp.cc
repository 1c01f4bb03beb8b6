// TCP half of EventLoop: accepted and initiated connections, stream framing (RFC 3261 §18.3)
// and send buffering. One connection per peer transport address serves both directions, so
// a response goes back over the connection its request came in on (§18.2.2).
#include "event_loop.h"
#include "sip/message.h"
#include "socket_util.h"

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace sipsim
{

using namespace peer_detail;

EventLoop::Connection&
EventLoop::AddConnection(int fd, const Address& peer, bool connecting)
{
    Connection& connection = m_connections[fd];
    connection.fd = fd;
    connection.peer = peer;
    connection.peer.transport = Transport::Tcp;
    connection.key = PeerKey(peer);
    connection.connecting = connecting;
    m_byPeer[connection.key] = fd;
    return connection;
}

void
EventLoop::AcceptTcp()
{
    while (true)
    {
        sockaddr_storage from{};
        socklen_t length = sizeof(from);
        const int fd = accept4(m_listener, reinterpret_cast<sockaddr*>(&from), &length,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
        {
            return; // EAGAIN, or a connection that died before we took it
        }
        ++m_counters.connectionsAccepted;
        AddConnection(fd, FromSocketAddress(from, Transport::Tcp), false);
    }
}

void
EventLoop::ReadConnection(int fd)
{
    m_buffer.resize(65536);
    bool closed = false;
    while (true)
    {
        const ssize_t n = recv(fd, m_buffer.data(), m_buffer.size(), 0);
        if (n > 0)
        {
            m_connections.at(fd).rx.append(m_buffer.data(), static_cast<std::size_t>(n));
            m_counters.bytesIn += static_cast<uint64_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            break;
        }
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        closed = true; // orderly shutdown (0) or a reset
        break;
    }

    // Frame and deliver. Delivering may send on (or close) any connection, this one
    // included, so the connection is looked up again for every message.
    while (true)
    {
        auto it = m_connections.find(fd);
        if (it == m_connections.end())
        {
            return;
        }
        const FrameScan scan = ScanStreamFrame(it->second.rx);
        if (scan.status == FrameScan::Status::NeedMore)
        {
            if (it->second.rx.size() > m_config.maxStreamBuffer)
            {
                ++m_counters.framingErrors;
                CloseConnection(fd, false);
                return;
            }
            break;
        }
        if (scan.status == FrameScan::Status::Error)
        {
            // No way to find the next message boundary: the stream is unusable (§18.3).
            ++m_counters.framingErrors;
            CloseConnection(fd, false);
            return;
        }
        std::string message = it->second.rx.substr(scan.skip, scan.length);
        it->second.rx.erase(0, scan.skip + scan.length);
        const Address peer = it->second.peer;
        ++m_counters.streamMessagesIn;
        Deliver(message, peer);
    }
    if (closed)
    {
        CloseConnection(fd, true);
    }
}

void
EventLoop::WriteConnection(int fd)
{
    auto it = m_connections.find(fd);
    if (it == m_connections.end())
    {
        return;
    }
    Connection& connection = it->second;
    if (connection.connecting)
    {
        int error = 0;
        socklen_t length = sizeof(error);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0)
        {
            ++m_counters.connectFailures;
            CloseConnection(fd, true);
            return;
        }
        connection.connecting = false;
    }
    while (!connection.tx.empty())
    {
        const ssize_t n = send(fd, connection.tx.data(), connection.tx.size(), MSG_NOSIGNAL);
        if (n > 0)
        {
            connection.tx.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
            return; // POLLOUT resumes it
        }
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        ++m_counters.sendErrors;
        CloseConnection(fd, true);
        return;
    }
}

std::optional<int>
EventLoop::Connect(const Address& destination)
{
    const auto address = MakeSocketAddress(destination.host, destination.port);
    if (!address || m_listener < 0)
    {
        return std::nullopt; // no TCP configured: nothing to connect from
    }
    const int fd =
        socket(address->storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
    {
        ++m_counters.connectFailures;
        return std::nullopt;
    }
    // Bind to our host so the connection leaves from the address we were told to use.
    if (const auto local = MakeSocketAddress(m_config.host, 0);
        local && local->storage.ss_family == address->storage.ss_family)
    {
        bind(fd, local->Get(), local->length);
    }
    const int rc = connect(fd, address->Get(), address->length);
    if (rc != 0 && errno != EINPROGRESS)
    {
        ++m_counters.connectFailures;
        close(fd);
        return std::nullopt;
    }
    ++m_counters.connectionsOpened;
    AddConnection(fd, destination, rc != 0);
    return fd;
}

void
EventLoop::SendTcp(const Transmit& transmit)
{
    Notify(WireDirection::Tx, transmit.destination, transmit.data, transmit.retransmission);
    int fd = -1;
    if (auto it = m_byPeer.find(PeerKey(transmit.destination)); it != m_byPeer.end())
    {
        fd = it->second;
    }
    else if (const auto opened = Connect(transmit.destination))
    {
        fd = *opened;
    }
    else
    {
        m_failed.push_back(transmit.destination);
        return;
    }
    Connection& connection = m_connections.at(fd);
    connection.tx += transmit.data;
    ++m_counters.streamMessagesOut;
    m_counters.bytesOut += transmit.data.size();
    if (!connection.connecting)
    {
        WriteConnection(fd);
    }
}

void
EventLoop::CloseConnection(int fd, bool reportError)
{
    auto it = m_connections.find(fd);
    if (it == m_connections.end())
    {
        return;
    }
    // Only a loss of data is the core's business: a peer closing an idle connection is not.
    if (reportError && (it->second.connecting || !it->second.tx.empty()))
    {
        m_failed.push_back(it->second.peer);
    }
    if (auto byPeer = m_byPeer.find(it->second.key);
        byPeer != m_byPeer.end() && byPeer->second == fd)
    {
        m_byPeer.erase(byPeer);
    }
    m_connections.erase(it);
    close(fd);
    ++m_counters.connectionsClosed;
}

void
EventLoop::CloseAll()
{
    for (const auto& [fd, connection] : m_connections)
    {
        close(fd);
    }
    m_connections.clear();
    m_byPeer.clear();
}

} // namespace sipsim
