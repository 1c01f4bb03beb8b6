// The real-time EventLoop around the core's UserAgent, over loopback sockets and without
// SIPp: garbage datagrams, TCP framing (split and pipelined messages, keep-alives, a stream
// that cannot be framed), real-time timers, the loopback-only guard, and SIGTERM.
#include "core/proxy.h"
#include "core/user_agent.h"
#include "peer/event_loop.h"

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sipsim
{
namespace
{

using namespace std::chrono_literals;

/// Runs the loop's steps on its thread; the test thread sets `stop`.
class TestDriver : public LoopDriver
{
public:
    std::function<void(TimePoint)> onStep;
    std::atomic<bool> stop{false};

    void OnStep(TimePoint now) override
    {
        m_last = now;
        if (onStep)
        {
            onStep(now);
        }
    }
    // Wake up regularly so a stop request from the test thread is seen.
    std::optional<TimePoint> NextWake() const override { return m_last + Milliseconds(5); }
    bool Finished(TimePoint) const override { return stop.load(); }

private:
    TimePoint m_last{0};
};

/// A UserAgent "bob" on an EventLoop bound to 127.0.0.1 (kernel-chosen port), run on a
/// thread until Stop().
class LoopFixture
{
public:
    explicit LoopFixture(bool handleSignals = false, Duration t1 = Milliseconds(500),
                         std::optional<Address> outboundProxy = std::nullopt)
        : m_random(42)
    {
        EventLoopConfig config;
        config.port = 0;
        config.handleSignals = handleSignals;
        m_loop = std::make_unique<EventLoop>(config);
        std::string error;
        EXPECT_TRUE(m_loop->Open(error)) << error;
        UserAgentConfig ua;
        ua.user = "bob";
        ua.hostName = "127.0.0.1";
        ua.localAddress = Address{"127.0.0.1", m_loop->LocalPort(), Transport::Udp};
        ua.timers.t1 = t1;
        ua.outboundProxy = outboundProxy;
        m_ua = std::make_unique<UserAgent>(ua, m_random);
    }

    void Start()
    {
        m_thread = std::thread([this] { m_loop->Run(*m_ua, driver); });
    }

    void Stop()
    {
        driver.stop = true;
        if (m_thread.joinable())
        {
            m_thread.join();
        }
    }

    ~LoopFixture() { Stop(); }

    uint16_t Port() const { return m_loop->LocalPort(); }
    EventLoop& Loop() { return *m_loop; }
    UserAgent& Ua() { return *m_ua; }
    TestDriver driver;

private:
    SplitMixRandom m_random;
    std::unique_ptr<EventLoop> m_loop;
    std::unique_ptr<UserAgent> m_ua;
    std::thread m_thread;
};

sockaddr_in
Loopback(uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/// A client socket (UDP or TCP) on 127.0.0.1.
class Client
{
public:
    Client(int type, uint16_t serverPort) : m_fd(socket(AF_INET, type, 0))
    {
        sockaddr_in local = Loopback(0);
        bind(m_fd, reinterpret_cast<sockaddr*>(&local), sizeof(local));
        socklen_t length = sizeof(local);
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&local), &length);
        m_port = ntohs(local.sin_port);
        m_server = Loopback(serverPort);
        if (type == SOCK_STREAM)
        {
            EXPECT_EQ(connect(m_fd, reinterpret_cast<sockaddr*>(&m_server), sizeof(m_server)), 0);
        }
    }
    ~Client() { close(m_fd); }

    uint16_t Port() const { return m_port; }

    void SendTo(const std::string& bytes)
    {
        sendto(m_fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&m_server),
               sizeof(m_server));
    }
    void Write(const std::string& bytes) { send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

    /// Reads what arrives within `wait`; for TCP, until `count` responses (by start line)
    /// arrived or the peer closed (`closed` set).
    std::string Read(std::chrono::milliseconds wait, int count = 1, bool* closed = nullptr)
    {
        std::string received;
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline)
        {
            pollfd p{m_fd, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0)
            {
                continue;
            }
            char buffer[65536];
            const ssize_t n = recv(m_fd, buffer, sizeof(buffer), 0);
            if (n == 0)
            {
                if (closed != nullptr)
                {
                    *closed = true;
                }
                break;
            }
            if (n > 0)
            {
                received.append(buffer, static_cast<std::size_t>(n));
            }
            int responses = 0;
            for (std::size_t at = received.find("SIP/2.0 "); at != std::string::npos;
                 at = received.find("SIP/2.0 ", at + 1))
            {
                responses += (at == 0 || received[at - 1] == '\n') ? 1 : 0;
            }
            if (responses >= count && closed == nullptr)
            {
                break;
            }
        }
        return received;
    }

private:
    int m_fd;
    uint16_t m_port = 0;
    sockaddr_in m_server{};
};

std::string
Options(uint16_t serverPort, uint16_t clientPort, const std::string& transport, int n,
        bool withCallId = true)
{
    std::string m = "OPTIONS sip:bob@127.0.0.1:" + std::to_string(serverPort) + " SIP/2.0\r\n";
    m += "Via: SIP/2.0/" + transport + " 127.0.0.1:" + std::to_string(clientPort) +
         ";branch=z9hG4bKtest" + std::to_string(n) + "\r\n";
    m += "Max-Forwards: 70\r\n";
    m += "From: <sip:alice@127.0.0.1>;tag=t" + std::to_string(n) + "\r\n";
    m += "To: <sip:bob@127.0.0.1>\r\n";
    if (withCallId)
    {
        m += "Call-ID: opt" + std::to_string(n) + "@127.0.0.1\r\n";
    }
    m += "CSeq: " + std::to_string(n) + " OPTIONS\r\n";
    m += "Content-Length: 0\r\n\r\n";
    return m;
}

TEST(EventLoopTest, GarbageDatagramsAreSurvivedAndBadRequestsAnswered400)
{
    LoopFixture fixture;
    fixture.Start();
    Client client(SOCK_DGRAM, fixture.Port());

    const std::vector<std::string> garbage = {
        std::string("\x00\x01\x02\xff\xfe", 5),
        "\r\n\r\n",
        "INVITE",
        "SIP/2.0 200 OK\r\n\r\n",
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: nonsense\r\n\r\n",
        std::string(60000, 'x'),
    };
    for (const std::string& bytes : garbage)
    {
        client.SendTo(bytes);
    }
    // A request the core can answer: a usable Via but no Call-ID (RFC 3261 §8.1.1).
    client.SendTo(Options(fixture.Port(), client.Port(), "UDP", 1, false));
    const std::string bad = client.Read(2000ms);
    EXPECT_EQ(bad.rfind("SIP/2.0 400", 0), 0u) << bad;

    // Still alive and well: a proper OPTIONS gets its 200.
    client.SendTo(Options(fixture.Port(), client.Port(), "UDP", 2));
    const std::string ok = client.Read(2000ms);
    EXPECT_EQ(ok.rfind("SIP/2.0 200", 0), 0u) << ok;
    fixture.Stop();
    EXPECT_EQ(fixture.Loop().Counters().datagramsIn, garbage.size() + 2);
    EXPECT_EQ(fixture.Ua().Counters().badRequestsSent, 1u);
}

TEST(EventLoopTest, ProxySurvivesGarbageAndStillForwards)
{
    // The same loop around the core's Proxy: garbage in, then a request it must relay to
    // its default route (a client socket standing in for the next hop).
    SplitMixRandom random(7);
    EventLoopConfig config;
    config.port = 0;
    config.handleSignals = false;
    EventLoop loop(config);
    std::string error;
    ASSERT_TRUE(loop.Open(error)) << error;
    Client nextHop(SOCK_DGRAM, 9);
    ProxyConfig proxyConfig;
    proxyConfig.hostName = "127.0.0.1";
    proxyConfig.localAddress = Address{"127.0.0.1", loop.LocalPort(), Transport::Udp};
    proxyConfig.defaultRoute = NextHop::At(Address{"127.0.0.1", nextHop.Port(), Transport::Udp});
    Proxy proxy(proxyConfig, random);
    TestDriver driver;
    std::thread thread([&] { loop.Run(proxy, driver); });

    Client client(SOCK_DGRAM, loop.LocalPort());
    client.SendTo(std::string("\xde\xad\xbe\xef", 4));
    client.SendTo("SIP/2.0 999 Nonsense\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKx\r\n\r\n");
    client.SendTo(Options(loop.LocalPort(), client.Port(), "UDP", 1, false));
    const std::string bad = client.Read(2000ms);
    EXPECT_EQ(bad.rfind("SIP/2.0 400", 0), 0u) << bad;

    std::string options = Options(loop.LocalPort(), client.Port(), "UDP", 2);
    options.replace(options.find("sip:bob@127.0.0.1:"), std::string("sip:bob@127.0.0.1:").size(),
                    "sip:bob@biloxi.example.com;x=");
    client.SendTo(options);
    const std::string forwarded = nextHop.Read(2000ms, 0);
    EXPECT_EQ(forwarded.rfind("OPTIONS sip:bob@biloxi.example.com", 0), 0u) << forwarded;
    driver.stop = true;
    thread.join();
    EXPECT_EQ(proxy.Counters().badRequestsSent, 1u);
}

TEST(EventLoopTest, TcpMessagesAreFramedAcrossSegmentsAndPipelined)
{
    LoopFixture fixture;
    fixture.Start();
    Client client(SOCK_STREAM, fixture.Port());

    // One message in three segments, with a keep-alive CRLF pair in front (RFC 5626).
    const std::string first = "\r\n\r\n" + Options(fixture.Port(), client.Port(), "TCP", 1);
    client.Write(first.substr(0, 10));
    std::this_thread::sleep_for(30ms);
    client.Write(first.substr(10, 50));
    std::this_thread::sleep_for(30ms);
    client.Write(first.substr(60));
    // Two messages in one segment.
    client.Write(Options(fixture.Port(), client.Port(), "TCP", 2) +
                 Options(fixture.Port(), client.Port(), "TCP", 3));
    const std::string responses = client.Read(3000ms, 3);
    for (int n = 1; n <= 3; ++n)
    {
        EXPECT_NE(responses.find("CSeq: " + std::to_string(n) + " OPTIONS"), std::string::npos)
            << responses;
    }

    // A message without Content-Length cannot be framed on a stream (§18.3): we hang up.
    client.Write("OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1\r\n\r\n");
    bool closed = false;
    client.Read(3000ms, 1, &closed);
    EXPECT_TRUE(closed);
    fixture.Stop();
    EXPECT_EQ(fixture.Loop().Counters().streamMessagesIn, 3u);
    EXPECT_EQ(fixture.Loop().Counters().framingErrors, 1u);
    EXPECT_EQ(fixture.Loop().Counters().connectionsAccepted, 1u);
}

TEST(EventLoopTest, TimersFireInRealTime)
{
    // The callee's port holds a socket that never answers: the INVITE is retransmitted on
    // Timer A (T1 = 10 ms, doubling) until Timer B (64 * T1 = 640 ms) fails the call.
    Client silent(SOCK_DGRAM, 9);
    LoopFixture fixture(false, Milliseconds(10));
    std::atomic<int> failedCode{0};
    bool started = false;
    fixture.driver.onStep = [&](TimePoint now) {
        if (!started)
        {
            started = true;
            fixture.Ua().StartCall(now, "sip:carol@127.0.0.1:" + std::to_string(silent.Port()));
        }
        while (auto event = fixture.Ua().PollEvent())
        {
            if (event->kind == CallEventKind::Failed)
            {
                failedCode = event->statusCode;
            }
        }
    };
    const auto start = std::chrono::steady_clock::now();
    fixture.Start();
    while (failedCode == 0 && std::chrono::steady_clock::now() - start < 5s)
    {
        std::this_thread::sleep_for(10ms);
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    fixture.Stop();
    EXPECT_EQ(failedCode.load(), 408);
    EXPECT_GE(elapsed, 600ms);
    EXPECT_LT(elapsed, 3s);
    // A at 10, 20, 40, 80, 160, 320 ms: six retransmissions before B at 640 ms.
    EXPECT_GE(fixture.Loop().Counters().retransmissionsSent, 5u);
    EXPECT_LE(fixture.Loop().Counters().retransmissionsSent, 6u);
}

TEST(EventLoopTest, NonLoopbackDestinationsAreNeverUsed)
{
    // An outbound proxy in TEST-NET-1: the transmit is refused before any socket call and
    // reported to the core as a transport error, which fails the call (503, §8.1.3.1).
    LoopFixture fixture(false, Milliseconds(500), Address{"192.0.2.1", 5060, Transport::Udp});
    std::atomic<int> failedCode{0};
    bool started = false;
    fixture.driver.onStep = [&](TimePoint now) {
        if (!started)
        {
            started = true;
            fixture.Ua().StartCall(now, "sip:carol@192.0.2.2");
        }
        while (auto event = fixture.Ua().PollEvent())
        {
            if (event->kind == CallEventKind::Failed)
            {
                failedCode = event->statusCode;
            }
        }
    };
    fixture.Start();
    for (int i = 0; i < 200 && failedCode == 0; ++i)
    {
        std::this_thread::sleep_for(10ms);
    }
    fixture.Stop();
    EXPECT_EQ(failedCode.load(), 503);
    EXPECT_EQ(fixture.Loop().Counters().datagramsOut, 0u);
    EXPECT_GE(fixture.Loop().Counters().refusedDestinations, 1u);
    EXPECT_GE(fixture.Loop().Counters().transportErrorsReported, 1u);
}

TEST(EventLoopTest, SigtermEndsRunCleanly)
{
    LoopFixture fixture(true);
    TestDriver& driver = fixture.driver;
    driver.onStep = nullptr;
    std::thread killer([] {
        std::this_thread::sleep_for(100ms);
        kill(getpid(), SIGTERM);
    });
    // Run on this thread: Run() must return on its own, with the signal recorded.
    fixture.Loop().Run(fixture.Ua(), driver);
    killer.join();
    EXPECT_EQ(fixture.Loop().StopSignal(), SIGTERM);
}

} // namespace
} // namespace sipsim
