// UserAgent, registration (RFC 3261 §10.2) and OPTIONS (§11).
//
// Refresh policy: a binding is re-registered when half of the granted expiry has passed,
// so a lost refresh still has the other half (minus Timer F's 32 s) to be retried and
// the binding never lapses while the registrar is reachable.
#include "sip/headers.h"
#include "user_agent.h"

namespace sipsim
{

namespace
{

std::string
ValueOr(const SipMessage& message, std::string_view name)
{
    const HeaderValue* value = message.Get(name);
    return value ? value->str() : std::string();
}

uint32_t
CSeqOf(const SipMessage& message)
{
    auto cseq = GetCSeq(message);
    return cseq.Ok() ? cseq->number : 0;
}

} // namespace

RegistrationHandle
UserAgent::Register(TimePoint now, const std::string& registrarUri, uint32_t expires)
{
    const uint64_t handle = NewHandle();
    Registration& reg = m_registrations[handle];
    reg.handle = handle;
    reg.registrarUri = registrarUri;
    reg.callId = NewCallId(); // one Call-ID for every REGISTER of this binding (§10.2)
    reg.localTag = NewTag();
    reg.expires = expires;
    reg.stopping = expires == 0;
    SendRegister(now, reg);
    ProcessTxnEvents(now);
    Reap();
    return RegistrationHandle{handle};
}

bool
UserAgent::Unregister(TimePoint now, RegistrationHandle handle)
{
    auto it = m_registrations.find(handle.value);
    if (it == m_registrations.end() || it->second.done)
    {
        return false;
    }
    Registration& reg = it->second;
    m_timers.Disarm(reg.handle, UaTimer::RegisterRefresh);
    reg.stopping = true;
    reg.expires = 0;
    SendRegister(now, reg);
    ProcessTxnEvents(now);
    Reap();
    return true;
}

void
UserAgent::SendRegister(TimePoint now, Registration& reg)
{
    ++reg.cseq;
    SipMessage request = SipMessage::MakeRequest("REGISTER", reg.registrarUri);
    request.Add("Max-Forwards", "70");
    request.Add("To", FromValue());
    request.Add("From", FromValue() + ";tag=" + reg.localTag);
    request.Add("Call-ID", reg.callId);
    request.Add("CSeq", std::to_string(reg.cseq) + " REGISTER");
    request.Add("Contact", ContactValue());
    request.Add("Expires", std::to_string(reg.expires));
    request.Add("Content-Length", "0");

    std::optional<Address> destination = OutOfDialogDestination(reg.registrarUri);
    if (!destination)
    {
        OnRegisterFailure(now, reg, 0, "cannot resolve " + reg.registrarUri);
        return;
    }
    reg.out = Outgoing{};
    reg.out.request = std::move(request);
    reg.out.destination = *destination;
    if (m_config.reuseCredentials)
    {
        AddCachedCredentials(reg.out.request, reg.out.auth, m_credentialCache, m_random);
    }
    if (!SendTracked(now, reg.out, reg.handle, Purpose::Register))
    {
        OnRegisterFailure(now, reg, 0, "REGISTER not sent");
        return;
    }
    Emit(now, reg.callId, CallEventKind::RegisterSent, 0, "expires=" + std::to_string(reg.expires),
         reg.handle);
}

void
UserAgent::OnRegisterResponse(TimePoint now, Registration& reg, const SipMessage& response)
{
    const int code = response.StatusCode();
    if (code < 200)
    {
        return;
    }
    if (code == 401 || code == 407)
    {
        ++m_counters.challengesReceived;
        Emit(now, reg.callId, CallEventKind::ChallengeReceived, code, response.ReasonPhrase(),
             reg.handle);
        std::string error;
        if (PrepareAuthRetry(response, reg.out, error))
        {
            reg.cseq = CSeqOf(reg.out.request);
            if (SendTracked(now, reg.out, reg.handle, Purpose::Register))
            {
                Emit(now, reg.callId, CallEventKind::RegisterSent, 0, "authenticated", reg.handle);
                return;
            }
            error = "REGISTER not sent";
        }
        ++m_counters.authFailures;
        OnRegisterFailure(now, reg, code, error);
        return;
    }
    if (code == 423 && !reg.intervalRetried)
    {
        // §10.2.8: retry once with the registrar's minimum.
        auto minimum = ValueOr(response, "Min-Expires");
        if (!minimum.empty() && minimum.find_first_not_of("0123456789") == std::string::npos &&
            minimum.size() < 10)
        {
            reg.intervalRetried = true;
            reg.expires = static_cast<uint32_t>(std::stoul(minimum));
            SendRegister(now, reg);
            return;
        }
    }
    if (code >= 300)
    {
        OnRegisterFailure(now, reg, code, std::to_string(code) + " " + response.ReasonPhrase());
        return;
    }

    // §10.2.4: the expiry granted to our Contact, else the Expires header, else what we asked.
    uint32_t granted = reg.expires;
    if (auto expires = GetExpires(response); expires.Ok())
    {
        granted = *expires;
    }
    auto ours = SipUri::Parse(UriOf(ContactValue()));
    if (auto contacts = GetContacts(response); contacts.Ok() && ours.Ok())
    {
        for (const NameAddr& contact : contacts->contacts)
        {
            auto uri = contact.Sip();
            if (uri.Ok() && uri->Equivalent(*ours) && contact.Expires())
            {
                granted = *contact.Expires();
                break;
            }
        }
    }
    ++m_counters.registrations;
    if (reg.stopping || granted == 0)
    {
        Emit(now, reg.callId, CallEventKind::Unregistered, code, "", reg.handle);
        reg.done = true;
        ScheduleReap(reg.handle);
        return;
    }
    Emit(now, reg.callId, CallEventKind::Registered, code, "expires=" + std::to_string(granted),
         reg.handle);
    m_timers.Arm(reg.handle, UaTimer::RegisterRefresh, now + Seconds(granted) / 2);
}

void
UserAgent::OnRegisterFailure(TimePoint now, Registration& reg, int code, const std::string& cause)
{
    Emit(now, reg.callId, CallEventKind::RegistrationFailed, code, cause, reg.handle);
    reg.done = true;
    ScheduleReap(reg.handle);
}

std::string
UserAgent::Options(TimePoint now, const std::string& targetUri)
{
    const uint64_t handle = NewHandle();
    OptionsRequest& options = m_options[handle];
    options.handle = handle;
    const std::string callId = NewCallId();
    SipMessage request = SipMessage::MakeRequest("OPTIONS", targetUri);
    request.Add("Max-Forwards", "70");
    request.Add("To", "<" + targetUri + ">");
    request.Add("From", FromValue() + ";tag=" + NewTag());
    request.Add("Call-ID", callId);
    request.Add("CSeq", "1 OPTIONS");
    request.Add("Contact", ContactValue());
    request.Add("Accept", "application/sdp");
    request.Add("Content-Length", "0");
    options.out.request = std::move(request);

    std::optional<Address> destination = OutOfDialogDestination(targetUri);
    if (m_config.reuseCredentials)
    {
        AddCachedCredentials(options.out.request, options.out.auth, m_credentialCache, m_random);
    }
    if (destination)
    {
        options.out.destination = *destination;
    }
    if (!destination || !SendTracked(now, options.out, handle, Purpose::Options))
    {
        Emit(now, callId, CallEventKind::OptionsCompleted, 0, "cannot resolve " + targetUri,
             handle);
        options.done = true;
        ScheduleReap(handle);
    }
    ProcessTxnEvents(now);
    Reap();
    return callId;
}

void
UserAgent::OnOptionsResponse(TimePoint now, OptionsRequest& options, const SipMessage& response)
{
    const int code = response.StatusCode();
    if (code < 200 || options.done)
    {
        return;
    }
    const std::string callId = ValueOr(options.out.request, "Call-ID");
    if (code == 401 || code == 407)
    {
        ++m_counters.challengesReceived;
        Emit(now, callId, CallEventKind::ChallengeReceived, code, response.ReasonPhrase(),
             options.handle);
        std::string error;
        if (PrepareAuthRetry(response, options.out, error) &&
            SendTracked(now, options.out, options.handle, Purpose::Options))
        {
            return;
        }
        ++m_counters.authFailures;
    }
    Emit(now, callId, CallEventKind::OptionsCompleted, code, response.ReasonPhrase(),
         options.handle);
    options.done = true;
    ScheduleReap(options.handle);
}

} // namespace sipsim
