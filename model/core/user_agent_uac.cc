// UserAgent, calls it places (RFC 3261 §8.1, §9.1, §13.2, §15.1, §22.2).
#include "sip/headers.h"
#include "user_agent.h"

namespace sipsim
{

namespace
{

std::string
Describe(const SipMessage& response)
{
    return std::to_string(response.StatusCode()) + " " + response.ReasonPhrase();
}

uint32_t
CSeqOf(const SipMessage& message)
{
    auto cseq = GetCSeq(message);
    return cseq.Ok() ? cseq->number : 0;
}

/// §22: the ACK for a 2xx carries the credentials of the INVITE it acknowledges.
void
CopyCredentials(const SipMessage& from, SipMessage& to)
{
    for (const auto& field : from.Headers())
    {
        if (HeaderNameEquals(field.name, "Authorization") ||
            HeaderNameEquals(field.name, "Proxy-Authorization"))
        {
            to.Add(field.name, field.value);
        }
    }
}

} // namespace

CallHandle
UserAgent::StartCall(TimePoint now, const std::string& targetUri, CallOptions options)
{
    const uint64_t handle = NewHandle();
    Call& call = m_calls[handle];
    call.handle = handle;
    call.uac = true;
    call.callId = NewCallId();
    call.localTag = NewTag();
    call.options = options;
    m_dialogIndex[call.callId + '\n' + call.localTag] = handle;
    ++m_counters.callsStarted;

    SipMessage invite = SipMessage::MakeRequest("INVITE", targetUri);
    invite.Add("Max-Forwards", "70");
    invite.Add("From", FromValue() + ";tag=" + call.localTag);
    invite.Add("To", "<" + targetUri + ">");
    invite.Add("Call-ID", call.callId);
    invite.Add("CSeq", "1 INVITE");
    invite.Add("Contact", ContactValue());
    invite.Add("Allow", AllowValue(m_caps));
    invite.SetBody(SdpBody(), "application/sdp");
    call.invite.request = std::move(invite);

    std::optional<Address> destination = OutOfDialogDestination(targetUri);
    if (!destination)
    {
        FailCall(now, call, 0, "cannot resolve " + targetUri);
        Reap();
        return CallHandle{handle};
    }
    call.invite.destination = *destination;
    const bool preAuthorised = m_config.reuseCredentials && m_credentialCache.Size() != 0;
    if (preAuthorised)
    {
        AddCachedCredentials(call.invite.request, call.invite.auth, m_credentialCache, m_random);
    }
    if (!SendTracked(now, call.invite, handle, Purpose::Invite))
    {
        FailCall(now, call, 0, "INVITE not sent");
        Reap();
        return CallHandle{handle};
    }
    Emit(now, call.callId, CallEventKind::InviteSent, 0, preAuthorised ? "pre-authorised" : "",
         handle);
    if (m_config.noAnswerTimeout)
    {
        m_timers.Arm(handle, UaTimer::NoAnswer, now + *m_config.noAnswerTimeout);
    }
    ProcessTxnEvents(now);
    Reap();
    return CallHandle{handle};
}

bool
UserAgent::HangUp(TimePoint now, CallHandle handle)
{
    Call* call = FindCall(handle.value);
    // §15: the callee may not send BYE before the ACK (or its timeout) confirmed the dialog.
    if (call == nullptr || call->phase != Phase::Established || !call->dialog ||
        (!call->uac && !call->dialog->confirmed))
    {
        return false;
    }
    SendBye(now, *call, "hangup");
    ProcessTxnEvents(now);
    Reap();
    return true;
}

bool
UserAgent::Cancel(TimePoint now, CallHandle handle)
{
    Call* call = FindCall(handle.value);
    if (call == nullptr || !call->uac || call->phase != Phase::Pending || call->cancelRequested)
    {
        return false;
    }
    call->cancelRequested = true;
    call->cancelCause = "cancelled";
    // §9.1: a CANCEL before any provisional could overtake the INVITE; wait for one.
    if (call->provisional)
    {
        SendCancel(now, *call);
    }
    ProcessTxnEvents(now);
    Reap();
    return true;
}

void
UserAgent::OnInviteResponse(TimePoint now, Call& call, const SipMessage& response)
{
    const int code = response.StatusCode();
    if (code >= 200 && code < 300)
    {
        OnInvite2xx(now, call, response);
        return;
    }
    if (call.phase != Phase::Pending)
    {
        return;
    }
    if (code < 200)
    {
        call.provisional = true;
        Emit(now, call.callId,
             code == 180 ? CallEventKind::RingingReceived : CallEventKind::ProvisionalReceived,
             code, response.ReasonPhrase(), call.handle);
        if (call.cancelRequested && !call.cancelSent)
        {
            SendCancel(now, call);
        }
        return;
    }
    if ((code == 401 || code == 407) && !call.cancelRequested)
    {
        // The client transaction already ACKed the challenge (F3); re-send with credentials.
        ++m_counters.challengesReceived;
        Emit(now, call.callId, CallEventKind::ChallengeReceived, code, response.ReasonPhrase(),
             call.handle);
        UnmapTxn(call.invite.txn.value);
        std::string error;
        if (PrepareAuthRetry(response, call.invite, error))
        {
            call.provisional = false;
            if (SendTracked(now, call.invite, call.handle, Purpose::Invite))
            {
                Emit(now, call.callId, CallEventKind::AuthenticatedInviteSent, 0, "", call.handle);
                return;
            }
            error = "INVITE not sent";
        }
        ++m_counters.authFailures;
        FailCall(now, call, code, error);
        return;
    }
    if (code == 487 && call.cancelRequested)
    {
        ++m_counters.callsCancelled;
        Emit(now, call.callId, CallEventKind::Cancelled, code, call.cancelCause, call.handle);
        EndCall(call);
        return;
    }
    FailCall(now, call, code, Describe(response));
}

void
UserAgent::OnInvite2xx(TimePoint now, Call& call, const SipMessage& response)
{
    if (!call.dialog && call.phase != Phase::Pending)
    {
        // The call already failed or was cancelled; the UAS retransmits its 2xx until
        // ACKed, so ACK it and end the dialog it created (§13.2.2.4, §15).
        AckAndByeUnwanted(now, response, &call.invite.request);
        return;
    }
    if (!call.dialog)
    {
        call.dialog = MakeUacDialog(call.invite.request, response);
        call.dialog->confirmed = true;
        call.phase = Phase::Established;
        m_timers.Disarm(call.handle, UaTimer::NoAnswer);
        m_timers.Disarm(call.handle, UaTimer::CancelGiveUp);
        ++m_counters.callsEstablished;
        Emit(now, call.callId, CallEventKind::Established, response.StatusCode(),
             response.ReasonPhrase(), call.handle);
        SendAck(now, call, false);
        if (call.cancelRequested)
        {
            // The callee answered before our CANCEL took effect (§9.1): end it with BYE.
            SendBye(now, call, call.cancelCause);
        }
        else if (call.options.hangupAfter)
        {
            m_timers.Arm(call.handle, UaTimer::Hangup,
                         now + HoldTime(*call.options.hangupAfter, call.options.exponentialHold));
        }
        return;
    }
    if (HeaderTag(response, "To") == call.dialog->remoteTag)
    {
        SendAck(now, call, true); // a retransmission: our ACK was lost (§13.2.2.4)
        return;
    }
    AckAndByeFork(now, call, response);
}

void
UserAgent::SendAck(TimePoint now, Call& call, bool retransmission)
{
    if (!call.ack)
    {
        SipMessage ack = MakeInDialogRequest(*call.dialog, "ACK", CSeqOf(call.invite.request));
        CopyCredentials(call.invite.request, ack);
        StampVia(ack);
        std::optional<Address> destination = ResolveUri(RouteWithin(*call.dialog).nextHopUri);
        if (!destination)
        {
            return;
        }
        call.ack = std::move(ack);
        call.ackDestination = *destination;
    }
    // The same bytes each time: a re-ACK is a retransmission of the ACK.
    m_txn.SendStateless(now, *call.ack, call.ackDestination, retransmission);
    ++m_counters.acksSent;
    Emit(now, call.callId, CallEventKind::AckSent, 0, retransmission ? "retransmission" : "",
         call.handle);
}

void
UserAgent::AckAndByeFork(TimePoint now, Call& call, const SipMessage& response)
{
    // A second fork answered (§13.2.2.4): acknowledge it, then end that dialog at once.
    AckAndByeUnwanted(now, response, &call.invite.request);
}

void
UserAgent::AckAndByeUnwanted(TimePoint now, const SipMessage& response, const SipMessage* invite)
{
    // The 2xx repeats the INVITE's From, Call-ID and CSeq, so it alone defines the dialog:
    // route set from its Record-Route, remote target from its Contact (§12.1.2).
    Dialog dialog = MakeUacDialog(invite != nullptr ? *invite : response, response);
    const std::string key = dialog.callId + '\n' + dialog.localTag + '\n' + dialog.remoteTag;
    for (const UnwantedDialog& known : m_unwantedDialogs)
    {
        if (known.key == key)
        {
            // A retransmission: our ACK was lost; the BYE is already on its way.
            m_txn.SendStateless(now, known.ack, known.destination, true);
            ++m_counters.acksSent;
            return;
        }
    }
    if (dialog.remoteTarget.empty())
    {
        return;
    }
    std::optional<Address> destination = ResolveUri(RouteWithin(dialog).nextHopUri);
    if (!destination)
    {
        return;
    }
    SipMessage ack = MakeInDialogRequest(dialog, "ACK", dialog.localSeq);
    if (invite != nullptr)
    {
        CopyCredentials(*invite, ack);
    }
    StampVia(ack);
    m_txn.SendStateless(now, ack, *destination);
    ++m_counters.acksSent;
    SipMessage bye = MakeInDialogRequest(dialog, "BYE", dialog.localSeq + 1);
    if (m_config.reuseCredentials)
    {
        // A proxy that challenges BYEs accepts cached credentials; the detached BYE cannot
        // answer a challenge.
        AuthAttempts attempts;
        AddCachedCredentials(bye, attempts, m_credentialCache, m_random);
    }
    StampVia(bye);
    if (ClientTxnId txn = m_txn.SendRequest(now, bye, *destination))
    {
        MapTxn(txn.value, 0, Purpose::Detached);
    }
    m_unwantedDialogs.push_back(UnwantedDialog{key, std::move(ack), *destination});
    if (m_unwantedDialogs.size() > kMaxUnwantedDialogs)
    {
        m_unwantedDialogs.pop_front();
    }
}

void
UserAgent::SendCancel(TimePoint now, Call& call)
{
    SipMessage cancel = MakeCancel(call.invite.request);
    ClientTxnId txn = m_txn.SendRequest(now, cancel, call.invite.destination);
    if (txn)
    {
        MapTxn(txn.value, call.handle, Purpose::Cancel);
    }
    call.cancelSent = true;
    Emit(now, call.callId, CallEventKind::CancelSent, 0, call.cancelCause, call.handle);
    m_timers.Arm(call.handle, UaTimer::CancelGiveUp, now + 64 * m_config.timers.t1);
}

void
UserAgent::SendBye(TimePoint now, Call& call, const std::string& why)
{
    m_timers.Disarm(call.handle, UaTimer::Hangup);
    m_timers.Disarm(call.handle, UaTimer::Retransmit2xx);
    m_timers.Disarm(call.handle, UaTimer::AckTimeout);
    Dialog& dialog = *call.dialog;
    ++dialog.localSeq;
    call.bye = Outgoing{};
    call.bye.request = MakeInDialogRequest(dialog, "BYE", dialog.localSeq);
    if (m_config.reuseCredentials)
    {
        AddCachedCredentials(call.bye.request, call.bye.auth, m_credentialCache, m_random);
    }
    std::optional<Address> destination = ResolveUri(RouteWithin(dialog).nextHopUri);
    if (!destination)
    {
        Emit(now, call.callId, CallEventKind::ByeCompleted, 0, "cannot resolve next hop",
             call.handle);
        EndCall(call);
        return;
    }
    call.bye.destination = *destination;
    call.phase = Phase::Terminating;
    SendTracked(now, call.bye, call.handle, Purpose::Bye);
    Emit(now, call.callId, CallEventKind::ByeSent, 0, why, call.handle);
}

void
UserAgent::OnByeResponse(TimePoint now, Call& call, const SipMessage& response)
{
    const int code = response.StatusCode();
    if (code < 200)
    {
        return;
    }
    if (code == 401 || code == 407)
    {
        ++m_counters.challengesReceived;
        Emit(now, call.callId, CallEventKind::ChallengeReceived, code, response.ReasonPhrase(),
             call.handle);
        UnmapTxn(call.bye.txn.value);
        std::string error;
        if (PrepareAuthRetry(response, call.bye, error))
        {
            call.dialog->localSeq = CSeqOf(call.bye.request);
            SendTracked(now, call.bye, call.handle, Purpose::Bye);
            Emit(now, call.callId, CallEventKind::ByeSent, 0, "authenticated", call.handle);
            return;
        }
        ++m_counters.authFailures;
    }
    // Whatever the answer, the session is over (§15.1.1).
    Emit(now, call.callId, CallEventKind::ByeCompleted, code, response.ReasonPhrase(), call.handle);
    EndCall(call);
}

void
UserAgent::OnStrayResponse(TimePoint now, const SipMessage& response)
{
    // A 2xx retransmission after Timer M still deserves an ACK while we know the dialog.
    auto cseq = GetCSeq(response);
    auto from = GetFrom(response);
    auto callId = GetCallId(response);
    if (response.StatusCode() < 200 || response.StatusCode() >= 300 || !cseq.Ok() ||
        cseq->method != "INVITE" || !from.Ok() || !callId.Ok())
    {
        return;
    }
    Call* call = FindDialog(*callId, from->Tag());
    if (call != nullptr && call->uac && call->dialog &&
        call->dialog->remoteTag == HeaderTag(response, "To"))
    {
        SendAck(now, *call, true);
        return;
    }
    if (call != nullptr && !call->uac)
    {
        return; // not a response to an INVITE of ours
    }
    // A 2xx for an INVITE whose transaction is gone (the call failed, was given up after
    // CANCEL, or was already freed) or from another fork: the UAS keeps retransmitting it
    // for 64*T1 unless we ACK, and the session it opened must be ended with BYE.
    AckAndByeUnwanted(now, response, call != nullptr ? &call->invite.request : nullptr);
}

void
UserAgent::OnClientFailure(TimePoint now, ClientTxnId txn, int code, const std::string& cause)
{
    const auto it = m_txnOwners.find(txn.value);
    if (it == m_txnOwners.end())
    {
        return;
    }
    const TxnOwner owner = it->second;
    Call* call = FindCall(owner.owner);
    switch (owner.purpose)
    {
    case Purpose::Invite:
        if (call != nullptr && call->phase == Phase::Pending && call->invite.txn == txn)
        {
            FailCall(now, *call, code, cause);
        }
        break;
    case Purpose::Bye:
        if (call != nullptr && call->bye.txn == txn)
        {
            // §15.1.1: no answer to BYE still ends the session.
            Emit(now, call->callId, CallEventKind::ByeCompleted, code, cause, call->handle);
            EndCall(*call);
        }
        break;
    case Purpose::Register:
        if (auto reg = m_registrations.find(owner.owner);
            reg != m_registrations.end() && reg->second.out.txn == txn)
        {
            OnRegisterFailure(now, reg->second, code, cause);
        }
        break;
    case Purpose::Options:
        if (auto opt = m_options.find(owner.owner);
            opt != m_options.end() && opt->second.out.txn == txn && !opt->second.done)
        {
            const HeaderValue* callId = opt->second.out.request.Get("Call-ID");
            Emit(now, callId ? callId->str() : std::string(), CallEventKind::OptionsCompleted, code,
                 cause, owner.owner);
            opt->second.done = true;
            ScheduleReap(owner.owner);
        }
        break;
    default:
        break; // CANCEL (the INVITE's own outcome decides) and detached BYEs
    }
}

void
UserAgent::FailCall(TimePoint now, Call& call, int code, const std::string& cause)
{
    ++m_counters.callsFailed;
    Emit(now, call.callId, CallEventKind::Failed, code, cause, call.handle);
    EndCall(call);
}

} // namespace sipsim
