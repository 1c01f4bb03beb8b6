// The real-time loop: sockets, poll(), the steady clock and signals around one Endpoint.
// The UDP half and the loop itself live here; TCP connections in event_loop_tcp.cc.
#include "event_loop.h"

#include "socket_util.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

namespace sipsim
{

namespace peer_detail
{

std::optional<SocketAddress>
MakeSocketAddress(const std::string& host, uint16_t port)
{
    std::string bare = host;
    if (bare.size() >= 2 && bare.front() == '[' && bare.back() == ']')
    {
        bare = bare.substr(1, bare.size() - 2);
    }
    SocketAddress address;
    sockaddr_in v4{};
    if (inet_pton(AF_INET, bare.c_str(), &v4.sin_addr) == 1)
    {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        std::memcpy(&address.storage, &v4, sizeof(v4));
        address.length = sizeof(v4);
        return address;
    }
    sockaddr_in6 v6{};
    if (inet_pton(AF_INET6, bare.c_str(), &v6.sin6_addr) == 1)
    {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        std::memcpy(&address.storage, &v6, sizeof(v6));
        address.length = sizeof(v6);
        return address;
    }
    return std::nullopt;
}

Address
FromSocketAddress(const sockaddr_storage& storage, Transport transport)
{
    Address address;
    address.transport = transport;
    char text[INET6_ADDRSTRLEN] = {};
    if (storage.ss_family == AF_INET)
    {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage);
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
        address.port = ntohs(v4->sin_port);
    }
    else if (storage.ss_family == AF_INET6)
    {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
        address.port = ntohs(v6->sin6_port);
    }
    address.host = text;
    return address;
}

std::string
PeerKey(const Address& address)
{
    std::string host = address.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    {
        host = host.substr(1, host.size() - 2);
    }
    return host + ":" + std::to_string(address.port);
}

bool
SetNonBlocking(int fd)
{
    const int flags = fcntl(fd, F_GETFL, 0);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

std::string
ErrnoText()
{
    return std::strerror(errno);
}

} // namespace peer_detail

using namespace peer_detail;

namespace
{

/// The write end of the self-pipe; a signal handler may only touch async-signal-safe state.
volatile sig_atomic_t g_signalFd = -1;

extern "C" void
OnSignal(int signal)
{
    const int saved = errno;
    const unsigned char byte = static_cast<unsigned char>(signal);
    if (g_signalFd >= 0)
    {
        [[maybe_unused]] const ssize_t n = write(g_signalFd, &byte, 1);
    }
    errno = saved;
}

/// Milliseconds-resolution waits would wake before a deadline; ppoll takes nanoseconds.
timespec
ToTimespec(std::chrono::nanoseconds d)
{
    if (d.count() < 0)
    {
        d = std::chrono::nanoseconds(0);
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(d.count() / 1000000000);
    ts.tv_nsec = static_cast<long>(d.count() % 1000000000);
    return ts;
}

} // namespace

bool
IsLoopbackHost(const std::string& host)
{
    const auto address = MakeSocketAddress(host, 0);
    if (!address)
    {
        return false;
    }
    if (address->storage.ss_family == AF_INET)
    {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address->storage);
        return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    }
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address->storage);
    return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) != 0;
}

EventLoop::EventLoop(EventLoopConfig config)
    : m_config(std::move(config)), m_start(std::chrono::steady_clock::now())
{
}

EventLoop::~EventLoop()
{
    CloseAll();
    if (m_udp >= 0)
    {
        close(m_udp);
    }
    if (m_listener >= 0)
    {
        close(m_listener);
    }
    if (m_signalsInstalled)
    {
        // The handlers stay installed, now writing nowhere: a second SIGTERM right behind
        // the first (`timeout` signals the child and then its process group) must not kill
        // the program while it reports after Run(). Ignored from here on.
        g_signalFd = -1;
    }
    for (int fd : m_signalPipe)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }
}

bool
EventLoop::Open(std::string& error)
{
    m_start = std::chrono::steady_clock::now();
    const auto bindAddress = MakeSocketAddress(m_config.host, m_config.port);
    if (!bindAddress)
    {
        error = "listen host '" + m_config.host + "' is not a numeric IP address";
        return false;
    }
    const int family = bindAddress->storage.ss_family;
    uint16_t port = m_config.port;
    auto bindSocket = [&](int type, const char* what) -> int {
        const int fd = socket(family, type | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            error = std::string("cannot create ") + what + " socket: " + ErrnoText();
            return -1;
        }
        const int one = 1;
        if (type == SOCK_STREAM)
        {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        }
        auto address = *MakeSocketAddress(m_config.host, port);
        if (bind(fd, address.Get(), address.length) != 0)
        {
            error = std::string("cannot bind ") + what + " " + m_config.host + ":" +
                    std::to_string(port) + ": " + ErrnoText();
            close(fd);
            return -1;
        }
        SetNonBlocking(fd);
        sockaddr_storage bound{};
        socklen_t length = sizeof(bound);
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
        port = FromSocketAddress(bound, Transport::Udp).port; // the TCP listener shares it
        return fd;
    };
    if (m_config.udp)
    {
        m_udp = bindSocket(SOCK_DGRAM, "UDP");
        if (m_udp < 0)
        {
            return false;
        }
        // Bursts of SIPp traffic must not overflow the default receive buffer.
        const int size = 1 << 20;
        setsockopt(m_udp, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
    }
    if (m_config.tcp)
    {
        m_listener = bindSocket(SOCK_STREAM, "TCP");
        if (m_listener < 0)
        {
            return false;
        }
        if (listen(m_listener, 128) != 0)
        {
            error = "cannot listen on TCP " + m_config.host + ": " + ErrnoText();
            return false;
        }
    }
    m_localPort = port;

    if (m_config.handleSignals)
    {
        if (pipe2(m_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        {
            error = "cannot create the signal pipe: " + ErrnoText();
            return false;
        }
        g_signalFd = m_signalPipe[1];
        struct sigaction action
        {
        };
        action.sa_handler = OnSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = 0; // no SA_RESTART: ppoll must return EINTR
        sigaction(SIGINT, &action, nullptr);
        sigaction(SIGTERM, &action, nullptr);
        m_signalsInstalled = true;
    }
    return true;
}

TimePoint
EventLoop::Now() const
{
    return std::chrono::duration_cast<TimePoint>(std::chrono::steady_clock::now() - m_start);
}

void
EventLoop::Run(Endpoint& endpoint, LoopDriver& driver)
{
    m_endpoint = &endpoint;
    m_driver = &driver;
    std::vector<pollfd> fds;
    while (true)
    {
        Step(Now());
        if (m_stopRequested || driver.Finished(Now()))
        {
            break;
        }

        std::optional<TimePoint> wake = endpoint.NextDeadline();
        if (const auto driverWake = driver.NextWake())
        {
            wake = wake ? std::min(*wake, *driverWake) : *driverWake;
        }

        fds.clear();
        if (m_signalPipe[0] >= 0)
        {
            fds.push_back({m_signalPipe[0], POLLIN, 0});
        }
        if (m_udp >= 0)
        {
            fds.push_back({m_udp, POLLIN, 0});
        }
        if (m_listener >= 0)
        {
            fds.push_back({m_listener, POLLIN, 0});
        }
        for (const auto& [fd, connection] : m_connections)
        {
            short events = POLLIN;
            if (connection.connecting || !connection.tx.empty())
            {
                events |= POLLOUT;
            }
            fds.push_back({fd, events, 0});
        }

        timespec timeout{};
        const timespec* timeoutPtr = nullptr;
        if (wake)
        {
            timeout = ToTimespec(*wake - Now());
            timeoutPtr = &timeout;
        }
        const int ready = ppoll(fds.data(), fds.size(), timeoutPtr, nullptr);
        if (ready < 0 && errno != EINTR)
        {
            break; // nothing sensible left to do; the caller prints the summary
        }
        if (ready <= 0)
        {
            continue; // timeout or a signal; the pipe is read on the next round
        }
        for (const pollfd& p : fds)
        {
            if (p.revents == 0)
            {
                continue;
            }
            if (p.fd == m_signalPipe[0])
            {
                ReadSignals();
            }
            else if (p.fd == m_udp)
            {
                ReadUdp();
            }
            else if (p.fd == m_listener)
            {
                AcceptTcp();
            }
            else if (m_connections.count(p.fd) != 0)
            {
                if ((p.revents & POLLOUT) != 0)
                {
                    WriteConnection(p.fd);
                }
                if (m_connections.count(p.fd) != 0 &&
                    (p.revents & (POLLIN | POLLHUP | POLLERR)) != 0)
                {
                    ReadConnection(p.fd);
                }
            }
        }
        if (m_stopRequested)
        {
            Flush();
            break;
        }
    }
    m_endpoint = nullptr;
    m_driver = nullptr;
}

void
EventLoop::Step(TimePoint now)
{
    if (const auto deadline = m_endpoint->NextDeadline(); deadline && *deadline <= now)
    {
        m_endpoint->HandleTimeout(now);
    }
    Flush();
    m_driver->OnStep(now);
    Flush();
}

void
EventLoop::Flush()
{
    while (true)
    {
        while (std::optional<Transmit> transmit = m_endpoint->PollTransmit())
        {
            Send(*transmit);
        }
        if (m_failed.empty())
        {
            return;
        }
        std::vector<Address> failed;
        failed.swap(m_failed);
        for (const Address& destination : failed)
        {
            ++m_counters.transportErrorsReported;
            m_endpoint->HandleTransportError(Now(), destination);
        }
    }
}

void
EventLoop::Send(const Transmit& transmit)
{
    if (transmit.retransmission)
    {
        ++m_counters.retransmissionsSent;
    }
    if (!MakeSocketAddress(transmit.destination.host, transmit.destination.port) ||
        (m_config.loopbackOnly && !IsLoopbackHost(transmit.destination.host)))
    {
        // A host name (we do no DNS) or an address we promised never to reach.
        ++m_counters.refusedDestinations;
        Notify(WireDirection::Tx, transmit.destination, transmit.data, transmit.retransmission);
        m_failed.push_back(transmit.destination);
        return;
    }
    if (transmit.destination.transport == Transport::Udp)
    {
        SendUdp(transmit);
    }
    else
    {
        SendTcp(transmit);
    }
}

void
EventLoop::SendUdp(const Transmit& transmit)
{
    Notify(WireDirection::Tx, transmit.destination, transmit.data, transmit.retransmission);
    const auto address = MakeSocketAddress(transmit.destination.host, transmit.destination.port);
    if (m_udp < 0 || !address)
    {
        m_failed.push_back(transmit.destination);
        return;
    }
    const ssize_t sent = sendto(m_udp, transmit.data.data(), transmit.data.size(), 0,
                                address->Get(), address->length);
    if (sent < 0)
    {
        // EAGAIN on a full socket buffer is a loss like any other on UDP: the transaction
        // layer retransmits. ECONNREFUSED (an ICMP port unreachable) is worth reporting.
        ++m_counters.sendErrors;
        if (errno == ECONNREFUSED)
        {
            m_failed.push_back(transmit.destination);
        }
        return;
    }
    ++m_counters.datagramsOut;
    m_counters.bytesOut += transmit.data.size();
}

void
EventLoop::ReadUdp()
{
    m_buffer.resize(65536);
    // Bounded per wake-up so timers and TCP are served under a flood.
    for (int i = 0; i < 256; ++i)
    {
        sockaddr_storage from{};
        socklen_t length = sizeof(from);
        const ssize_t n = recvfrom(m_udp, m_buffer.data(), m_buffer.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0)
        {
            // EAGAIN: drained. ECONNREFUSED: an ICMP error for an earlier sendto; the
            // destination is unknown here, and UDP retransmissions cover it.
            if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
                return;
            }
            continue;
        }
        ++m_counters.datagramsIn;
        m_counters.bytesIn += static_cast<uint64_t>(n);
        if (n == 0)
        {
            continue;
        }
        Deliver(std::string_view(m_buffer.data(), static_cast<std::size_t>(n)),
                FromSocketAddress(from, Transport::Udp));
    }
}

void
EventLoop::Deliver(std::string_view bytes, const Address& from)
{
    Notify(WireDirection::Rx, from, bytes, false);
    m_endpoint->HandleDatagram(Now(), bytes, from);
    Flush();
}

void
EventLoop::Notify(WireDirection direction, const Address& peer, std::string_view bytes,
                  bool retransmission)
{
    if (m_observer)
    {
        m_observer(WireEvent{Now(), direction, peer, bytes, retransmission});
    }
}

void
EventLoop::ReadSignals()
{
    unsigned char bytes[16];
    ssize_t n;
    while ((n = read(m_signalPipe[0], bytes, sizeof(bytes))) > 0)
    {
        m_stopSignal = bytes[n - 1];
        m_stopRequested = true;
    }
}

} // namespace sipsim
