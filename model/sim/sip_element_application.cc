#include "sip_element_application.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/udp-socket-factory.h"
#include "ns3/uinteger.h"

#include <arpa/inet.h>

namespace sipsim
{

NS_LOG_COMPONENT_DEFINE("SipElementApplication");
NS_OBJECT_ENSURE_REGISTERED(SipElementApplication);

TimePoint
ToSipTime(ns3::Time t)
{
    return TimePoint(t.GetNanoSeconds());
}

ns3::Time
ToNs3Time(TimePoint t)
{
    return ns3::NanoSeconds(t.count());
}

Address
ToSipAddress(const ns3::InetSocketAddress& a, Transport transport)
{
    // Runs for every received datagram: format the dotted quad by hand rather than through
    // an ostringstream (locale, allocation, virtual calls: ~4k instructions a datagram).
    const uint32_t ip = a.GetIpv4().Get();
    char text[16];
    char* cursor = text;
    for (int shift = 24; shift >= 0; shift -= 8)
    {
        const uint32_t octet = (ip >> shift) & 0xffu;
        if (octet >= 100)
        {
            *cursor++ = static_cast<char>('0' + octet / 100);
        }
        if (octet >= 10)
        {
            *cursor++ = static_cast<char>('0' + octet / 10 % 10);
        }
        *cursor++ = static_cast<char>('0' + octet % 10);
        *cursor++ = '.';
    }
    std::string host(text, static_cast<std::size_t>(cursor - text - 1)); // drops the last '.'
    return Address{std::move(host), a.GetPort(), transport};
}

const std::string&
CopyPacketBytes(const ns3::Packet& packet, std::string& buffer)
{
    buffer.resize(packet.GetSize());
    packet.CopyData(reinterpret_cast<uint8_t*>(buffer.data()), buffer.size());
    return buffer;
}

std::optional<ns3::Ipv4Address>
ParseIpv4(const std::string& host)
{
    // ns3::Ipv4Address(const char*) accepts anything; inet_pton rejects names.
    in_addr parsed{};
    if (inet_pton(AF_INET, host.c_str(), &parsed) != 1)
    {
        return std::nullopt;
    }
    return ns3::Ipv4Address(ntohl(parsed.s_addr));
}

ns3::TypeId
SipElementApplication::GetTypeId()
{
    static ns3::TypeId tid =
        ns3::TypeId("sipsim::SipElementApplication")
            .SetParent<ns3::Application>()
            .SetGroupName("Sipsim")
            .AddConstructor<SipElementApplication>()
            .AddAttribute("Port", "Port the element listens on.", ns3::UintegerValue(5060),
                          ns3::MakeUintegerAccessor(&SipElementApplication::m_port),
                          ns3::MakeUintegerChecker<uint16_t>())
            .AddAttribute("Transport", "UDP socket, or TCP listener plus per-peer connections.",
                          ns3::EnumValue(UDP),
                          ns3::MakeEnumAccessor(&SipElementApplication::m_transport),
                          ns3::MakeEnumChecker(UDP, "Udp", TCP, "Tcp"))
            .AddAttribute("ProcessingDelay",
                          "Constant CPU time per received message (0 with no ServiceTime: "
                          "messages reach the core on arrival).",
                          ns3::TimeValue(ns3::Time(0)),
                          ns3::MakeTimeAccessor(&SipElementApplication::m_processingDelay),
                          ns3::MakeTimeChecker(ns3::Time(0)))
            .AddAttribute("ServiceTime",
                          "Random CPU time per message in seconds, added to ProcessingDelay "
                          "(null: none).",
                          ns3::PointerValue(),
                          ns3::MakePointerAccessor(&SipElementApplication::m_serviceTime),
                          ns3::MakePointerChecker<ns3::RandomVariableStream>())
            .AddAttribute("ServiceQueueLimit",
                          "Messages that may wait for the CPU; further arrivals are dropped "
                          "(0: unlimited).",
                          ns3::UintegerValue(0),
                          ns3::MakeUintegerAccessor(&SipElementApplication::m_serviceQueueLimit),
                          ns3::MakeUintegerChecker<uint32_t>())
            .AddTraceSource("Tx", "A message handed to the transport.",
                            ns3::MakeTraceSourceAccessor(&SipElementApplication::m_txTrace),
                            "sipsim::SipElementApplication::TxTracedCallback")
            .AddTraceSource("Rx", "A message received (before the CPU queue).",
                            ns3::MakeTraceSourceAccessor(&SipElementApplication::m_rxTrace),
                            "sipsim::SipElementApplication::RxTracedCallback")
            .AddTraceSource("Drop",
                            "A message that could not be sent or was shed by the CPU queue.",
                            ns3::MakeTraceSourceAccessor(&SipElementApplication::m_dropTrace),
                            "sipsim::SipElementApplication::DropTracedCallback")
            .AddTraceSource("CoreEvent",
                            "Element events (transaction/dialog state, calls) from owners.",
                            ns3::MakeTraceSourceAccessor(&SipElementApplication::m_coreEventTrace),
                            "sipsim::SipElementApplication::CoreEventTracedCallback");
    return tid;
}

SipElementApplication::SipElementApplication()
    : m_resolver(ParseIpv4), m_port(5060), m_transport(UDP), m_serviceQueueLimit(0)
{
}

SipElementApplication::~SipElementApplication() = default;

void
SipElementApplication::SetEndpoint(std::unique_ptr<Endpoint> endpoint)
{
    m_endpoint = std::move(endpoint);
    if (m_running)
    {
        Flush();
    }
}

Address
SipElementApplication::GetLocalAddress(ns3::Ipv4Address ip) const
{
    return ToSipAddress(ns3::InetSocketAddress(ip, m_port), GetTransport());
}

ns3::Time
SipElementApplication::GetTimerExpiry() const
{
    return m_timer.IsRunning() ? ns3::Simulator::Now() + ns3::Simulator::GetDelayLeft(m_timer)
                               : ns3::Time::Max();
}

int64_t
SipElementApplication::AssignStreams(int64_t stream)
{
    if (m_serviceTime)
    {
        m_serviceTime->SetStream(stream);
        return 1;
    }
    return 0;
}

void
SipElementApplication::NotifyCoreEvent(const std::string& kind, const std::string& detail)
{
    m_coreEventTrace(kind, detail);
}

void
SipElementApplication::DoDispose()
{
    m_timer.Cancel();
    m_serviceEvent.Cancel();
    CloseAllConnections();
    m_socket = nullptr;
    m_endpoint.reset();
    m_serviceTime = nullptr;
    ns3::Application::DoDispose();
}

void
SipElementApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    const auto factory = m_transport == TCP ? ns3::TcpSocketFactory::GetTypeId()
                                            : ns3::UdpSocketFactory::GetTypeId();
    m_socket = ns3::Socket::CreateSocket(GetNode(), factory);
    if (m_socket->Bind(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), m_port)) != 0)
    {
        NS_FATAL_ERROR("SipElementApplication: cannot bind port " << m_port);
    }
    if (m_transport == TCP)
    {
        m_socket->Listen();
        m_socket->SetAcceptCallback(
            ns3::MakeCallback(&SipElementApplication::HandleAccept, this),
            ns3::MakeCallback(&SipElementApplication::HandleNewConnection, this));
    }
    else
    {
        m_socket->SetRecvCallback(ns3::MakeCallback(&SipElementApplication::HandleUdpRead, this));
    }
    m_running = true;
    // The core may have queued work before the start (e.g. an initial REGISTER).
    Flush();
}

void
SipElementApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_running = false;
    ns3::Simulator::Remove(m_timer);
    m_armedDeadline.reset();
    ns3::Simulator::Remove(m_serviceEvent);
    m_serviceQueue.clear();
    m_inService.reset();
    CloseAllConnections();
    if (m_socket)
    {
        m_socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
        m_socket->Close();
        m_socket = nullptr;
    }
}

void
SipElementApplication::HandleUdpRead(ns3::Ptr<ns3::Socket> socket)
{
    ns3::Address from;
    while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from))
    {
        if (!ns3::InetSocketAddress::IsMatchingType(from))
        {
            continue;
        }
        const Address source =
            ToSipAddress(ns3::InetSocketAddress::ConvertFrom(from), Transport::Udp);
        m_rxTrace(packet, source);
        if (m_rxBufferInUse || UsesCpuModel())
        {
            std::string bytes;
            CopyPacketBytes(*packet, bytes);
            Arrive(std::move(bytes), source);
            continue;
        }
        m_rxBufferInUse = true;
        Deliver(CopyPacketBytes(*packet, m_rxBuffer), source);
        m_rxBufferInUse = false;
    }
}

void
SipElementApplication::Arrive(std::string bytes, const Address& from)
{
    if (!UsesCpuModel())
    {
        Deliver(bytes, from);
        return;
    }
    if (m_serviceQueueLimit != 0 && m_serviceQueue.size() >= m_serviceQueueLimit)
    {
        auto packet =
            ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        m_dropTrace(packet, from, "queue-overflow");
        return;
    }
    m_serviceQueue.push_back(Pending{std::move(bytes), from});
    if (!m_inService)
    {
        StartService();
    }
}

bool
SipElementApplication::UsesCpuModel() const
{
    return !m_processingDelay.IsZero() || m_serviceTime;
}

void
SipElementApplication::StartService()
{
    m_inService = std::move(m_serviceQueue.front());
    m_serviceQueue.pop_front();
    m_serviceEvent =
        ns3::Simulator::Schedule(DrawServiceTime(), &SipElementApplication::EndService, this);
}

void
SipElementApplication::EndService()
{
    Pending done = std::move(*m_inService);
    m_inService.reset();
    // Start the next service first: the core's reaction must not delay the server.
    if (!m_serviceQueue.empty())
    {
        StartService();
    }
    Deliver(done.bytes, done.from);
}

ns3::Time
SipElementApplication::DrawServiceTime()
{
    ns3::Time t = m_processingDelay;
    if (m_serviceTime)
    {
        t += ns3::Seconds(std::max(0.0, m_serviceTime->GetValue()));
    }
    return t;
}

void
SipElementApplication::Deliver(const std::string& bytes, const Address& from)
{
    if (!m_endpoint || !m_running)
    {
        return;
    }
    m_endpoint->HandleDatagram(ToSipTime(ns3::Simulator::Now()), bytes, from);
    Flush();
}

void
SipElementApplication::HandleTimer()
{
    m_armedDeadline.reset();
    if (!m_endpoint || !m_running)
    {
        return;
    }
    m_endpoint->HandleTimeout(ToSipTime(ns3::Simulator::Now()));
    Flush();
}

void
SipElementApplication::Flush()
{
    // Trace sinks and error reports may re-enter; the outermost call finishes the drain.
    if (m_flushing || !m_endpoint || !m_running)
    {
        return;
    }
    m_flushing = true;
    while (auto transmit = m_endpoint->PollTransmit())
    {
        Send(std::move(*transmit));
    }
    m_flushing = false;
    ArmTimer();
}

void
SipElementApplication::ArmTimer()
{
    const std::optional<TimePoint> deadline = m_endpoint->NextDeadline();
    if (deadline == m_armedDeadline && (m_timer.IsRunning() || !deadline))
    {
        return;
    }
    // Remove, not Cancel: a cancelled event still advances the clock when it comes up and
    // a busy proxy would pile them up in the scheduler.
    ns3::Simulator::Remove(m_timer);
    m_armedDeadline = deadline;
    if (!deadline)
    {
        return;
    }
    const ns3::Time now = ns3::Simulator::Now();
    const ns3::Time at = std::max(now, ToNs3Time(*deadline));
    m_timer = ns3::Simulator::Schedule(at - now, &SipElementApplication::HandleTimer, this);
    ++m_timerSchedules;
}

void
SipElementApplication::Send(Transmit transmit)
{
    auto drop = [&](const char* reason) {
        auto packet = ns3::Create<ns3::Packet>(
            reinterpret_cast<const uint8_t*>(transmit.data.data()), transmit.data.size());
        NS_LOG_INFO("drop " << reason << " to " << transmit.destination.ToString());
        m_dropTrace(packet, transmit.destination, reason);
        ReportError(transmit.destination);
    };
    if (transmit.destination.transport != GetTransport())
    {
        drop("transport-mismatch");
        return;
    }
    const std::optional<ns3::Ipv4Address> ip = m_resolver(transmit.destination.host);
    if (!ip)
    {
        drop("unresolvable");
        return;
    }
    if (m_transport == TCP)
    {
        SendTcp(transmit, *ip);
    }
    else
    {
        SendUdp(transmit, *ip);
    }
}

void
SipElementApplication::SendUdp(const Transmit& transmit, ns3::Ipv4Address ip)
{
    auto packet = ns3::Create<ns3::Packet>(reinterpret_cast<const uint8_t*>(transmit.data.data()),
                                           transmit.data.size());
    m_txTrace(packet, transmit.destination, transmit.retransmission);
    if (m_socket->SendTo(packet, 0, ns3::InetSocketAddress(ip, transmit.destination.port)) < 0)
    {
        const bool noRoute = m_socket->GetErrno() == ns3::Socket::ERROR_NOROUTETOHOST;
        m_dropTrace(packet, transmit.destination, noRoute ? "no-route" : "send-failed");
        ReportError(transmit.destination);
    }
}

void
SipElementApplication::ReportError(const Address& destination)
{
    if (m_endpoint && m_running)
    {
        m_endpoint->HandleTransportError(ToSipTime(ns3::Simulator::Now()), destination);
        // Reports from socket callbacks happen outside a drain; inside one this is a no-op.
        Flush();
    }
}

} // namespace sipsim
