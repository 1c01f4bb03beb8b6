// Proxy request path: validation (§16.3), route pre-processing (§16.4), authentication
// (§22.3), targets (§16.5), forwarding (§16.6, §16.11), CANCEL (§16.10), REGISTER (§10.3).
#include "proxy.h"
#include "proxy_routing.h"
#include "proxy_validation.h"
#include "sip/headers.h"

#include <algorithm>
#include <cctype>

namespace sipsim
{

namespace
{

const char*
VerdictText(DigestVerdict verdict)
{
    return DigestVerdictName(verdict);
}

bool
HasToTag(const SipMessage& request)
{
    return !HeaderTag(request, "To").empty();
}

} // namespace

void
Proxy::OnRequest(TimePoint now, const SipMessage& received, const Incoming& in)
{
    const std::string& method = received.Method();
    const bool isAck = method == "ACK";
    ++m_counters.requestsReceived[method];
    if (isAck && !m_config.stateful && HasToTag(received) &&
        HeaderTag(received, "To") == StatelessToTag(received))
    {
        return; // the ACK for a final response we generated ourselves: it ends here
    }

    // §16.3 step 2: a scheme we cannot route.
    if (!IsSipScheme(received.RequestUri()))
    {
        ++m_counters.unsupportedSchemes;
        Emit(now, ProxyEventKind::RequestRejected, received, 416, "unsupported URI scheme");
        Respond(now, in, received, 416);
        return;
    }
    const std::string loopHash = m_config.loopDetection ? LoopHash(received) : std::string();

    // §16.4 on a working copy; responses are built from `received`.
    SipMessage request = received;
    std::string error;
    if (!PreprocessRoute(request, m_config, error))
    {
        Emit(now, ProxyEventKind::RequestRejected, received, 400, error);
        Respond(now, in, received, 400, "Bad Request (" + error + ")");
        return;
    }

    // Requests for this element itself: REGISTER for the registrar, OPTIONS to us.
    const auto ruri = RequestSipUri(request);
    if (!ruri)
    {
        Emit(now, ProxyEventKind::RequestRejected, received, 400,
             SipUri::Parse(request.RequestUri()).Error().reason);
        Respond(now, in, received, 400, "Bad Request-URI");
        return;
    }
    if (!isAck && !request.Has("Route"))
    {
        if (method == "REGISTER" && m_config.registrar &&
            (IsOwnDomain(ruri->host, m_config) || IsOwnHost(ruri->host, m_config)))
        {
            OnRegister(now, request, in);
            return;
        }
        // Our own URI, or a domain of ours without a user part (§11: OPTIONS to a proxy).
        if (IsOwnUri(*ruri, m_config) || (ruri->user.empty() && IsOwnDomain(ruri->host, m_config)))
        {
            if (method == "OPTIONS")
            {
                AnswerOptions(now, in, received);
            }
            else
            {
                ++m_counters.notFound;
                Emit(now, ProxyEventKind::RequestRejected, received, 404, "addressed to proxy");
                Respond(now, in, received, 404);
            }
            return;
        }
    }

    // §16.3 step 3.
    const auto maxForwards = GetMaxForwards(request);
    if (maxForwards.Ok() && *maxForwards == 0)
    {
        if (method == "OPTIONS" && m_config.answerOptionsAtZeroMaxForwards)
        {
            AnswerOptions(now, in, received);
            return;
        }
        ++m_counters.tooManyHops;
        Emit(now, ProxyEventKind::TooManyHops, received, 483, {});
        Respond(now, in, received, 483);
        return;
    }
    // §16.3 step 4. CANCEL and ACK are exempt: they share their INVITE's branch.
    if (m_config.loopDetection && !isAck && method != "CANCEL" && DetectLoop(request, m_config))
    {
        ++m_counters.loopsDetected;
        Emit(now, ProxyEventKind::LoopDetected, received, 482, {});
        Respond(now, in, received, 482);
        return;
    }
    // §16.3 step 5.
    const auto unsupported = UnsupportedProxyRequire(request, m_config.supportedOptionTags);
    if (!unsupported.empty())
    {
        ++m_counters.badExtensions;
        Emit(now, ProxyEventKind::RequestRejected, received, 420, JoinList(unsupported));
        Respond(now, in, received, 420, {}, {{"Unsupported", JoinList(unsupported)}});
        return;
    }
    // §16.3 step 6.
    if (!Authorize(now, request, in))
    {
        return;
    }

    // §16.5.
    int errorCode = 0;
    const std::vector<std::string> targets = DetermineTargets(now, request, errorCode);
    if (targets.empty())
    {
        if (errorCode == 404)
        {
            ++m_counters.notFound;
        }
        else if (errorCode == 480)
        {
            ++m_counters.unavailable;
        }
        Emit(now, ProxyEventKind::RequestRejected, received, errorCode, "no target");
        Respond(now, in, received, errorCode);
        return;
    }

    if (!m_config.stateful || isAck || !in.txn)
    {
        ForwardStateless(now, received, request, targets.front(), in, loopHash);
    }
    else
    {
        ForwardStateful(now, received, request, targets, in, loopHash);
    }
}

void
Proxy::OnCancel(TimePoint now, const SipMessage& cancel, const Incoming& in)
{
    const auto inviteTxn = m_txn.FindInviteServerTxnForCancel(cancel);
    if (!inviteTxn)
    {
        // §16.10: nothing to apply it to -- forward it like any request (with a
        // transaction of its own, which also answers retransmissions).
        OnRequest(now, cancel, in);
        return;
    }
    ++m_counters.requestsReceived["CANCEL"];
    ++m_counters.cancelsReceived;
    Respond(now, in, cancel, 200, "OK");
    const auto it = m_serverContexts.find(inviteTxn->value);
    if (it == m_serverContexts.end())
    {
        return; // we answered that INVITE ourselves
    }
    Emit(now, ProxyEventKind::CancelReceived, cancel, 0, {});
    CancelPending(now, m_contexts.at(it->second));
}

bool
Proxy::MustAuthenticate(const SipMessage& request) const
{
    const std::string& method = request.Method();
    if (!m_config.challengeRequests || method == "ACK" || method == "CANCEL")
    {
        return false; // §22.1: ACK and CANCEL are never challenged
    }
    if (!m_config.challengeInDialog && HasToTag(request))
    {
        return false;
    }
    const auto from = GetFrom(request);
    const auto fromUri = from.Ok() ? from->Sip() : Result<SipUri>(MakeError("no From"));
    return fromUri.Ok() && IsOwnDomain(fromUri->host, m_config); // only our own users
}

bool
Proxy::Authorize(TimePoint now, SipMessage& request, const Incoming& in)
{
    if (!m_auth)
    {
        return true;
    }
    if (!MustAuthenticate(request))
    {
        m_auth->Consume(request, "Proxy-Authorization");
        return true;
    }
    const AuthCheck check = m_auth->Check(now, request, "Proxy-Authorization");
    switch (check.decision)
    {
    case AuthDecision::Accept:
        ++m_counters.authSuccesses;
        Emit(now, ProxyEventKind::AuthSucceeded, request, 0, check.username);
        request.RemoveLines(check.ourLines); // Check parsed them: consume without a reparse
        return true;
    case AuthDecision::Reject:
        ++m_counters.authFailures;
        ++m_counters.authRejected;
        Emit(now, ProxyEventKind::AuthRejected, request, 403, check.username);
        Respond(now, in, request, 403);
        return false;
    case AuthDecision::Challenge:
        break;
    }
    if (check.verdict == DigestVerdict::WrongPassword ||
        check.verdict == DigestVerdict::UnknownUser)
    {
        ++m_counters.authFailures;
        Emit(now, ProxyEventKind::AuthFailed, request, 407, VerdictText(check.verdict));
    }
    ++m_counters.challengesSent;
    ++m_counters.proxyChallenges;
    if (check.stale)
    {
        ++m_counters.staleChallenges;
    }
    Emit(now, ProxyEventKind::ChallengeSent, request, 407, check.stale ? "stale" : "");
    Respond(now, in, request, 407, {},
            {{"Proxy-Authenticate", m_auth->Challenge(now, check.stale)}});
    return false;
}

void
Proxy::OnRegister(TimePoint now, const SipMessage& request, const Incoming& in)
{
    if (m_auth && m_config.challengeRegister)
    {
        // §10.3 steps 3-4: authenticate, and only let a user change its own bindings.
        const AuthCheck check = m_auth->Check(now, request, "Authorization");
        const auto to = GetTo(request);
        const auto toUri = to.Ok() ? to->Sip() : Result<SipUri>(MakeError("no To"));
        if (check.decision == AuthDecision::Accept &&
            (!toUri.Ok() || toUri->UnescapedUser() != check.username))
        {
            ++m_counters.registerRejected;
            Emit(now, ProxyEventKind::RegisterRejected, request, 403, check.username);
            Respond(now, in, request, 403);
            return;
        }
        if (check.decision == AuthDecision::Reject)
        {
            ++m_counters.authFailures;
            ++m_counters.authRejected;
            ++m_counters.registerRejected;
            Emit(now, ProxyEventKind::AuthRejected, request, 403, check.username);
            Respond(now, in, request, 403);
            return;
        }
        if (check.decision == AuthDecision::Challenge)
        {
            if (check.verdict == DigestVerdict::WrongPassword ||
                check.verdict == DigestVerdict::UnknownUser)
            {
                ++m_counters.authFailures;
                Emit(now, ProxyEventKind::AuthFailed, request, 401, VerdictText(check.verdict));
            }
            ++m_counters.challengesSent;
            ++m_counters.registerChallenges;
            if (check.stale)
            {
                ++m_counters.staleChallenges;
            }
            Emit(now, ProxyEventKind::ChallengeSent, request, 401, check.stale ? "stale" : "");
            Respond(now, in, request, 401, {},
                    {{"WWW-Authenticate", m_auth->Challenge(now, check.stale)}});
            return;
        }
        ++m_counters.authSuccesses;
        Emit(now, ProxyEventKind::AuthSucceeded, request, 0, check.username);
    }

    m_location.Purge(now);
    RegisterResult result = m_registrar.Process(now, request, m_config.domains, NewToTag(request));
    const int code = result.response.StatusCode();
    switch (result.outcome)
    {
    case RegisterOutcome::Registered:
        ++m_counters.registrations;
        Emit(now, ProxyEventKind::Registered, request, code, result.aor);
        break;
    case RegisterOutcome::Unregistered:
        ++m_counters.deregistrations;
        Emit(now, ProxyEventKind::Unregistered, request, code, result.aor);
        break;
    case RegisterOutcome::Queried:
        ++m_counters.registerQueries;
        break;
    case RegisterOutcome::Rejected:
        ++m_counters.registerRejected;
        Emit(now, ProxyEventKind::RegisterRejected, request, code, result.aor);
        break;
    }
    Reply(now, in, request, std::move(result.response));
}

std::vector<std::string>
Proxy::DetermineTargets(TimePoint now, const SipMessage& request, int& errorCode)
{
    const std::string& requestUri = request.RequestUri();
    const auto uri = RequestSipUri(request);
    if (!uri)
    {
        errorCode = IsSipScheme(requestUri) ? 400 : 416;
        return {};
    }
    // A maddr, or a domain that is not ours: the Request-URI is the only target.
    if (uri->Param("maddr") || !IsOwnDomain(uri->host, m_config))
    {
        return {requestUri};
    }
    if (m_config.registrar)
    {
        const auto aor = LocationService::CanonicalAor(requestUri);
        std::vector<std::string> targets;
        for (const Binding& binding : m_location.Lookup(aor.value_or(std::string()), now))
        {
            std::string target = TargetRequestUri(binding.contact.uri);
            // §16.5: a URI enters the target set once.
            const bool seen = std::any_of(targets.begin(), targets.end(),
                                          [&](const auto& t) { return SameContactUri(t, target); });
            if (!seen)
            {
                targets.push_back(std::move(target));
            }
        }
        if (targets.empty())
        {
            const bool known = std::any_of(
                m_config.knownUsers.begin(), m_config.knownUsers.end(),
                [&](const auto& user) { return LocationService::CanonicalAor(user) == aor; });
            errorCode = known ? 480 : 404;
        }
        return targets;
    }
    std::string host = uri->host;
    std::transform(host.begin(), host.end(), host.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto route = m_config.staticRoutes.find(host);
    if (route != m_config.staticRoutes.end() || m_config.defaultRoute)
    {
        return {requestUri}; // our domain, served by the next proxy configured for it
    }
    errorCode = 404;
    return {};
}

std::optional<Address>
Proxy::PrepareCopy(TimePoint now, const SipMessage& request, const std::string& target,
                   SipMessage& copy)
{
    copy = request;             // step 1
    copy.SetRequestUri(target); // step 2
    UpdateMaxForwards(copy);    // step 3
    if (m_config.recordRoute && CreatesDialog(copy.Method()))
    {
        InsertRecordRoute(copy, m_config); // step 4
    }
    const std::optional<SipUri> looseTopRoute = PostprocessRoute(copy); // step 6
    auto destination = NextHopAddress(copy, looseTopRoute, m_config);   // step 7
    if (!destination)
    {
        ++m_counters.noRoute;
        Emit(now, ProxyEventKind::NoRoute, request, 0, target);
        return std::nullopt;
    }
    if (IsReliable(destination->transport) && !copy.Has("Content-Length"))
    {
        copy.Set("Content-Length", std::to_string(copy.Body().size())); // step 9
    }
    return destination;
}

void
Proxy::ForwardStateful(TimePoint now, const SipMessage& received, const SipMessage& request,
                       const std::vector<std::string>& targets, const Incoming& in,
                       const std::string& loopHash)
{
    const uint64_t id = m_nextContext++;
    ResponseContext& context = m_contexts[id];
    context.serverTxn = in.txn;
    context.source = in.from;
    context.invite = request.Method() == "INVITE";
    context.callId = CallIdView(request); // empty when missing or malformed
    m_serverContexts[in.txn.value] = id;
    ++m_counters.contextsCreated;

    // Every target in parallel (§16.6 allows any order).
    for (const std::string& target : targets)
    {
        SipMessage copy;
        const auto destination = PrepareCopy(now, request, target, copy);
        if (!destination)
        {
            AddFinalResponse(context, SyntheticResponse(context, 408)); // §16.6 step 7
            continue;
        }
        PrependProxyVia(copy, m_config, destination->transport,
                        StatefulBranch(m_random, loopHash)); // step 8
        ClientTxnOptions options;
        options.timerC = context.invite; // step 11
        const ClientTxnId txn = m_txn.SendRequest(now, std::move(copy), *destination, options);
        if (!txn)
        {
            AddFinalResponse(context, SyntheticResponse(context, 503));
            continue;
        }
        ProxyBranch branch;
        branch.txn = txn;
        branch.destination = *destination;
        context.branches.push_back(branch);
        m_branchContexts[txn.value] = id;
        ++m_counters.branchesCreated;
        ++m_counters.requestsForwarded[request.Method()];
    }
    if (context.invite && m_config.sendTryingImmediately && !context.branches.empty())
    {
        Reply(now, in, received, MakeResponseTo(received, 100, "Trying"));
    }
    MaybeSendBest(now, context);
}

void
Proxy::ForwardStateless(TimePoint now, const SipMessage& received, const SipMessage& request,
                        const std::string& target, const Incoming& in, const std::string& loopHash)
{
    SipMessage copy;
    const auto destination = PrepareCopy(now, request, target, copy);
    if (!destination)
    {
        ++m_counters.branchTimeouts;
        Respond(now, in, received, 408);
        return;
    }
    PrependProxyVia(copy, m_config, destination->transport, StatelessBranch(received, loopHash));
    ++m_counters.statelessRequests;
    ++m_counters.requestsForwarded[request.Method()];
    SendStateless(now, copy, *destination);
}

} // namespace sipsim
