// sipsim peer: run one SIP element of the core (user agent, proxy, registrar) on real
// UDP/TCP sockets, e.g. against SIPp, and print a summary like a simulation run's.
#include "commands.h"
#include "peer/peer.h"
#include "topology/topology.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace sipsim::app
{

namespace
{

struct PeerFlags
{
    std::string role = "ua";
    std::string listen = "127.0.0.1:5060";
    std::string transport = "udp";
    std::string user = "alice";
    std::string password;
    std::string domain = "atlanta.example.com";
    std::string call;
    int calls = 1;
    double rate = 1.0;
    std::string hold = "1s";
    bool answer = false;
    bool busy = false;
    int reject = 0;
    bool noAnswer = false;
    std::string ring = "0s";
    std::string hangupAfter;
    std::string registerUri;
    uint32_t expires = 3600;
    std::string nextHop;
    std::vector<std::string> routes;
    bool recordRoute = false;
    bool stateless = false;
    bool auth = false;
    std::string realm;
    std::string users;
    std::string t1 = "500ms";
    std::string t2 = "4s";
    uint64_t maxCalls = 0;
    std::string duration = "0s";
    std::string linger = "0s";
    std::string log;
    bool json = false;
    std::string summaryFile;
    bool quiet = false;
    uint64_t seed = 0;
    bool allowRemote = false;
};

int
UsageError(const std::string& message)
{
    std::cerr << "sipsim peer: error: " << message << " (see sipsim peer --help)\n";
    return kExitUsage;
}

/// Flags -> PeerOptions; an empty string when they make sense, else the complaint.
std::string
BuildOptions(const PeerFlags& flags, PeerOptions& options)
{
    options.role = flags.role == "proxy"       ? PeerRole::Proxy
                   : flags.role == "registrar" ? PeerRole::Registrar
                                               : PeerRole::Ua;
    options.transport = flags.transport == "tcp" ? Transport::Tcp : Transport::Udp;
    auto listen = ParseHostPort(flags.listen, 5060, options.transport);
    if (!listen.Ok())
    {
        return "--listen: " + listen.Error().reason;
    }
    options.listen = *listen;
    options.user = flags.user;
    options.password = flags.password;
    options.domain = flags.domain;
    if (!flags.call.empty())
    {
        options.callTarget = flags.call;
    }
    options.calls = flags.calls;
    options.rate = flags.rate;

    struct DurationFlag
    {
        const char* name;
        const std::string& text;
        Duration* target;
    };
    Duration t1{0};
    Duration t2{0};
    Duration ring{0};
    for (const DurationFlag& d :
         {DurationFlag{"--hold", flags.hold, &options.hold},
          DurationFlag{"--ring", flags.ring, &ring}, DurationFlag{"--t1", flags.t1, &t1},
          DurationFlag{"--t2", flags.t2, &t2},
          DurationFlag{"--duration", flags.duration, &options.duration},
          DurationFlag{"--linger", flags.linger, &options.linger}})
    {
        auto parsed = ParseDuration(d.text);
        if (!parsed.Ok())
        {
            return std::string(d.name) + ": " + parsed.Error().reason;
        }
        *d.target = *parsed;
    }
    options.timers.t1 = t1;
    options.timers.t2 = t2;

    const int modes =
        int(flags.answer) + int(flags.busy) + int(flags.reject != 0) + int(flags.noAnswer);
    if (modes > 1)
    {
        return "--answer, --busy, --reject and --no-answer exclude each other";
    }
    CalleeBehaviour& callee = options.callee;
    callee.ringTime = ring;
    if (flags.busy)
    {
        callee.mode = CalleeBehaviour::Mode::Busy;
        callee.busyProbability = 1.0;
    }
    else if (flags.reject != 0)
    {
        if (flags.reject < 300 || flags.reject > 699)
        {
            return "--reject: the code must be 300..699";
        }
        callee.mode = CalleeBehaviour::Mode::Reject;
        callee.rejectCode = flags.reject;
    }
    else if (flags.noAnswer)
    {
        callee.mode = CalleeBehaviour::Mode::NoAnswer;
    }
    if (!flags.hangupAfter.empty())
    {
        auto after = ParseDuration(flags.hangupAfter);
        if (!after.Ok())
        {
            return "--hangup-after: " + after.Error().reason;
        }
        callee.hangupAfter = *after;
    }

    if (!flags.registerUri.empty())
    {
        options.registerUri = flags.registerUri;
    }
    options.expires = flags.expires;
    if (!flags.nextHop.empty())
    {
        auto hop = ParseHostPort(flags.nextHop, 5060, options.transport);
        if (!hop.Ok())
        {
            return "--next-hop: " + hop.Error().reason;
        }
        options.nextHop = *hop;
    }
    for (const std::string& route : flags.routes)
    {
        const auto eq = route.find('=');
        if (eq == std::string::npos || eq == 0)
        {
            return "--route: expected DOMAIN=HOST:PORT, got '" + route + "'";
        }
        auto hop = ParseHostPort(route.substr(eq + 1), 5060, options.transport);
        if (!hop.Ok())
        {
            return "--route: " + hop.Error().reason;
        }
        options.routes[route.substr(0, eq)] = *hop;
    }
    options.recordRoute = flags.recordRoute;
    options.stateless = flags.stateless;
    options.auth = flags.auth;
    options.realm = flags.realm;
    if (!flags.users.empty())
    {
        auto users = ParseUserList(flags.users);
        if (!users.Ok())
        {
            return "--users: " + users.Error().reason;
        }
        options.users = *users;
    }
    options.maxCalls = flags.maxCalls;
    options.seed = flags.seed;
    options.allowRemote = flags.allowRemote;
    return ValidatePeerOptions(options);
}

int
RunPeer(const PeerFlags& flags)
{
    PeerOptions options;
    if (std::string problem = BuildOptions(flags, options); !problem.empty())
    {
        return UsageError(problem);
    }

    std::ofstream logFile;
    std::ostream* log = nullptr;
    if (flags.log == "-")
    {
        log = &std::cout;
    }
    else if (!flags.log.empty())
    {
        logFile.open(flags.log);
        if (!logFile)
        {
            return UsageError("--log: cannot write " + flags.log);
        }
        log = &logFile;
    }

    Peer peer(options);
    std::string error;
    if (!peer.Open(error))
    {
        std::cerr << "sipsim peer: error: " << error << "\n";
        return kExitInvalidInput;
    }
    if (!flags.quiet)
    {
        // Scripts wait for this line before starting traffic.
        std::cerr << "sipsim peer: " << flags.role << " listening on " << options.listen.host << ":"
                  << peer.LocalPort() << " (UDP+TCP, originating over " << flags.transport << ")"
                  << std::endl;
    }
    const PeerSummary summary = peer.Run(log);
    const std::string text = flags.json ? SummaryJson(summary) : SummaryText(summary);
    if (!flags.summaryFile.empty())
    {
        std::ofstream out(flags.summaryFile);
        out << text;
        if (!out)
        {
            std::cerr << "sipsim peer: error: cannot write " << flags.summaryFile << "\n";
            return kExitUsage;
        }
    }
    else if (!flags.quiet)
    {
        std::cout << text << std::flush;
    }
    return kExitOk;
}

} // namespace

void
RegisterPeerCommand(CLI::App& app, CommandAction& action)
{
    auto flags = std::make_shared<PeerFlags>();
    CLI::App* peer = app.add_subcommand(
        "peer", "Run a user agent, proxy or registrar of the SIP core on real UDP/TCP sockets");
    peer->description(
        "Run ONE element of the simulation's SIP core -- the same UserAgent / Proxy classes --\n"
        "on real sockets (UDP and TCP on the --listen port), e.g. against SIPp. Runs until the\n"
        "calls placed with --call are over, --max-calls calls finished, --duration elapsed, or\n"
        "SIGINT/SIGTERM; then prints a summary (calls, retransmissions, set-up delay).\n"
        "Only loopback addresses are used unless --allow-remote is given.\n"
        "\n"
        "Exit status: 0 after a run (failed calls are reported in the summary, not the\n"
        "status); 1 when the sockets cannot be bound; 2 for bad flags or values.");
    peer->add_option("--role", flags->role, "ua | proxy | registrar")
        ->check(CLI::IsMember({"ua", "proxy", "registrar"}))
        ->capture_default_str();
    peer->add_option("--listen", flags->listen, "HOST:PORT to bind (UDP and TCP; port 0: any)")
        ->capture_default_str();
    peer->add_option("--transport", flags->transport,
                     "Transport for what this element originates: udp | tcp")
        ->check(CLI::IsMember({"udp", "tcp"}))
        ->capture_default_str();
    auto* ua = "User agent";
    peer->add_option("--user", flags->user,
                     "User part of the AOR and Contact; also the only "
                     "Request-URI user answered")
        ->group(ua)
        ->capture_default_str();
    peer->add_option("--password", flags->password, "Digest password for challenges")->group(ua);
    peer->add_option("--domain", flags->domain,
                     "UA: host part of the AOR. Proxy: the domain it is responsible for")
        ->capture_default_str();
    peer->add_option("--call", flags->call, "Place calls to this URI, e.g. sip:bob@127.0.0.1:5070")
        ->group(ua);
    peer->add_option("--calls", flags->calls, "Number of calls to place")
        ->group(ua)
        ->capture_default_str();
    peer->add_option("--rate", flags->rate, "Calls started per second")
        ->group(ua)
        ->capture_default_str();
    peer->add_option("--hold", flags->hold, "The caller hangs up this long after the 2xx")
        ->group(ua)
        ->capture_default_str();
    peer->add_flag("--answer", flags->answer, "Answer incoming calls with 200 (default)")
        ->group(ua);
    peer->add_flag("--busy", flags->busy, "Answer incoming calls with 486 Busy Here")->group(ua);
    peer->add_option("--reject", flags->reject, "Answer incoming calls with this code")->group(ua);
    peer->add_flag("--no-answer", flags->noAnswer, "Ring forever (the caller must CANCEL)")
        ->group(ua);
    peer->add_option("--ring", flags->ring,
                     "Ring (180) this long before the final response; 0s answers at once")
        ->group(ua)
        ->capture_default_str();
    peer->add_option("--hangup-after", flags->hangupAfter,
                     "The callee hangs up this long after the ACK")
        ->group(ua);
    peer->add_option("--register", flags->registerUri,
                     "REGISTER sip:USER@DOMAIN with this registrar at start, e.g. "
                     "sip:127.0.0.1:5080 (refreshed at half the granted expiry)")
        ->group(ua);
    peer->add_option("--expires", flags->expires, "Registration expiry in seconds")
        ->group(ua)
        ->capture_default_str();
    peer->add_option("--next-hop", flags->nextHop,
                     "UA: outbound proxy. Proxy: default route for targets nothing else resolves");
    auto* proxy = "Proxy / registrar";
    peer->add_option("--route", flags->routes, "Static route DOMAIN=HOST:PORT (repeatable)")
        ->group(proxy);
    peer->add_flag("--record-route", flags->recordRoute, "Insert Record-Route (RFC 3261 §16.6)")
        ->group(proxy);
    peer->add_flag("--stateless", flags->stateless, "Stateless proxy (§16.11)")->group(proxy);
    peer->add_flag("--auth", flags->auth, "Challenge requests from our domain with 407")
        ->group(proxy);
    peer->add_option("--realm", flags->realm, "Digest realm (default: the domain)")->group(proxy);
    peer->add_option("--users", flags->users, "Credentials user=password,...")->group(proxy);
    peer->add_option("--t1", flags->t1, "RFC 3261 T1")->capture_default_str();
    peer->add_option("--t2", flags->t2, "RFC 3261 T2")->capture_default_str();
    peer->add_option("--max-calls", flags->maxCalls, "Stop after this many calls finished");
    peer->add_option("--duration", flags->duration, "Stop after this long (0s: no limit)")
        ->capture_default_str();
    peer->add_option("--linger", flags->linger,
                     "After the workload / --max-calls, keep answering retransmissions this long")
        ->capture_default_str();
    peer->add_option("--log", flags->log,
                     "Log every message (time, direction, first line) and "
                     "call event to FILE ('-': stdout)");
    peer->add_flag("--json", flags->json, "Print the summary as JSON");
    peer->add_option("--summary", flags->summaryFile, "Write the summary to FILE, not stdout");
    peer->add_flag("--quiet", flags->quiet, "No start-up line and no summary on stdout");
    peer->add_option("--seed", flags->seed, "Seed for tags, Call-IDs and branches (0: random)");
    peer->add_flag("--allow-remote", flags->allowRemote,
                   "Allow non-loopback listen and next-hop addresses");
    peer->footer("Examples:\n"
                 "  sipsim peer --role ua --listen 127.0.0.1:5070 --user bob\n"
                 "  sipsim peer --role ua --listen 127.0.0.1:5061 --call sip:bob@127.0.0.1:5070 "
                 "--calls 10 --rate 5 --hold 1s --json\n"
                 "  sipsim peer --role proxy --listen 127.0.0.1:5080 --next-hop 127.0.0.1:5070 "
                 "--record-route --auth --realm atlanta.example.com --users alice=secret");
    peer->callback([&action, flags] { action = [flags] { return RunPeer(*flags); }; });
}

} // namespace sipsim::app
