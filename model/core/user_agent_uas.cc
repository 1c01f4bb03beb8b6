// UserAgent, calls it receives and requests it answers (RFC 3261 §8.2, §9.2, §12.1.1,
// §13.3, §15.1.2).
#include "sip/headers.h"
#include "user_agent.h"

#include <algorithm>

namespace sipsim
{

namespace
{

void
CopyAll(const SipMessage& from, SipMessage& to, std::string_view name)
{
    for (const auto& field : from.Headers())
    {
        if (HeaderNameEquals(field.name, name))
        {
            to.Add(name, field.value);
        }
    }
}

} // namespace

void
UserAgent::Respond(TimePoint now, ServerTxnId txn, const SipMessage& request, int code,
                   const std::string& reason, const std::string& toTag)
{
    // §8.2.6.2: every response but 100 carries a To tag; outside a dialog any fresh one.
    const std::string tag = code == 100 ? std::string() : (toTag.empty() ? NewTag() : toTag);
    m_txn.SendResponse(now, txn, MakeResponseTo(request, code, reason, tag));
}

void
UserAgent::OnRequest(TimePoint now, ServerTxnId txn, const SipMessage& request, const Address& from)
{
    if (request.Method() == "CANCEL")
    {
        OnCancelRequest(now, txn, request);
        return;
    }
    if (!HeaderTag(request, "To").empty())
    {
        OnInDialogRequest(now, txn, request);
        return;
    }
    if (std::optional<UasRejection> rejection = InspectRequest(request, m_caps, false))
    {
        ++m_counters.rejectedRequests;
        SipMessage response = MakeResponseTo(request, rejection->code, rejection->reason, NewTag());
        for (const HeaderField& field : rejection->headers)
        {
            response.Add(field.name, field.value);
        }
        m_txn.SendResponse(now, txn, std::move(response));
        return;
    }
    const std::string& method = request.Method();
    if (method == "INVITE")
    {
        OnNewInvite(now, txn, request, from);
    }
    else if (method == "OPTIONS")
    {
        // §11.2: what we could do with an INVITE now, without ringing anyone.
        SipMessage response = MakeResponseTo(request, 200, "OK", NewTag());
        response.Add("Allow", AllowValue(m_caps));
        response.Add("Accept", "application/sdp");
        response.Add("Accept-Encoding", "identity");
        response.Add("Contact", ContactValue());
        m_txn.SendResponse(now, txn, std::move(response));
    }
    else
    {
        // BYE (or anything else that belongs to a dialog) without a To tag.
        ++m_counters.rejectedRequests;
        Respond(now, txn, request, 481, "Call/Transaction Does Not Exist");
    }
}

bool
UserAgent::IsMergedRequest(const SipMessage& request, ServerTxnId txn) const
{
    auto callId = GetCallId(request);
    auto cseq = GetCSeq(request);
    if (!callId.Ok() || !cseq.Ok())
    {
        return false;
    }
    const auto it = m_uasInvites.find(*callId + '\n' + std::string(HeaderTag(request, "From")) +
                                      '\n' + std::to_string(cseq->number));
    if (it == m_uasInvites.end())
    {
        return false;
    }
    const auto call = m_calls.find(it->second);
    return call != m_calls.end() && call->second.inviteServerTxn != txn;
}

void
UserAgent::OnNewInvite(TimePoint now, ServerTxnId txn, const SipMessage& request,
                       const Address& from)
{
    if (IsMergedRequest(request, txn))
    {
        // §8.2.2.2: the same request reached us twice over different paths.
        ++m_counters.rejectedRequests;
        Respond(now, txn, request, 482, "Loop Detected");
        return;
    }
    const uint64_t handle = NewHandle();
    Call& call = m_calls[handle];
    call.handle = handle;
    call.uac = false;
    call.callId = *GetCallId(request);
    call.localTag = NewTag();
    call.inviteServerTxn = txn;
    call.inviteRequest = request;
    call.inviteSource = from;
    call.dialog = MakeUasDialog(request, call.localTag);
    call.mergeKey = call.callId + '\n' + call.dialog->remoteTag + '\n' +
                    std::to_string(call.dialog->remoteSeq.value_or(0));
    m_uasInvites[call.mergeKey] = handle;
    m_dialogIndex[call.callId + '\n' + call.localTag] = handle;
    MapTxn(txn.value, handle, Purpose::InviteServer);
    ++m_counters.incomingCalls;
    Emit(now, call.callId, CallEventKind::IncomingCall, 0, "", handle);

    const CalleeBehaviour& behaviour = m_config.callee;
    int final = 200;
    switch (behaviour.mode)
    {
    case CalleeBehaviour::Mode::Busy:
        if (m_random.NextUnit() < behaviour.busyProbability)
        {
            SendFinal(now, call, 486);
            return;
        }
        break;
    case CalleeBehaviour::Mode::Reject:
        final = behaviour.rejectCode;
        break;
    case CalleeBehaviour::Mode::NoAnswer:
        final = 0;
        break;
    case CalleeBehaviour::Mode::Answer:
        break;
    }
    const bool rings = behaviour.ringTime > Duration::zero() || final == 0;
    if (rings && behaviour.send180)
    {
        // A 180 with a tag creates the early dialog: Contact and Record-Route (§12.1.1).
        SipMessage ringing = MakeResponseTo(request, 180, "Ringing", call.localTag);
        CopyAll(request, ringing, "Record-Route");
        ringing.Add("Contact", ContactValue());
        m_txn.SendResponse(now, txn, std::move(ringing));
        Emit(now, call.callId, CallEventKind::RingingSent, 180, "", handle);
    }
    if (final == 0)
    {
        return; // rings until CANCEL (or the caller's BYE)
    }
    if (behaviour.ringTime > Duration::zero())
    {
        call.pendingFinal = final;
        m_timers.Arm(handle, UaTimer::Ring, now + behaviour.ringTime);
        return;
    }
    SendFinal(now, call, final);
}

void
UserAgent::SendFinal(TimePoint now, Call& call, int code)
{
    if (call.finalSent || call.phase != Phase::Pending)
    {
        return;
    }
    if (code >= 200 && code < 300)
    {
        SendOk(now, call);
        return;
    }
    call.finalSent = true;
    m_txn.SendResponse(now, call.inviteServerTxn,
                       MakeResponseTo(call.inviteRequest, code, "", call.localTag));
    ++m_counters.callsFailed;
    Emit(now, call.callId, CallEventKind::RejectSent, code, std::string(DefaultReasonPhrase(code)),
         call.handle);
    EndCall(call);
}

void
UserAgent::SendOk(TimePoint now, Call& call)
{
    SipMessage ok = MakeResponseTo(call.inviteRequest, 200, "OK", call.localTag);
    // §12.1.1: the 2xx echoes Record-Route so the caller learns the route set.
    CopyAll(call.inviteRequest, ok, "Record-Route");
    ok.Add("Contact", ContactValue());
    ok.Add("Allow", AllowValue(m_caps));
    ok.SetBody(SdpBody(), "application/sdp");
    m_txn.SendResponse(now, call.inviteServerTxn, ok);
    call.okDestination = ResponseDestination(ok, call.inviteSource);
    call.ok = std::move(ok);
    call.finalSent = true;
    call.phase = Phase::Established;
    Emit(now, call.callId, CallEventKind::AnswerSent, 200, "", call.handle);
    // §13.3.1.4: the core, not the transaction, retransmits the 2xx until the ACK comes.
    if (!IsReliable(call.inviteSource.transport))
    {
        call.okInterval = m_config.timers.t1;
        m_timers.Arm(call.handle, UaTimer::Retransmit2xx, now + call.okInterval);
    }
    m_timers.Arm(call.handle, UaTimer::AckTimeout, now + 64 * m_config.timers.t1);
}

void
UserAgent::RetransmitOk(TimePoint now, Call& call)
{
    if (!call.ok || call.phase != Phase::Established || call.dialog->confirmed)
    {
        return;
    }
    m_txn.SendStateless(now, *call.ok, call.okDestination, true);
    ++m_counters.okRetransmissions;
    call.okInterval = std::min(2 * call.okInterval, m_config.timers.t2);
    m_timers.Arm(call.handle, UaTimer::Retransmit2xx, now + call.okInterval);
}

void
UserAgent::OnAckTimeout(TimePoint now, Call& call)
{
    if (call.phase != Phase::Established || call.dialog->confirmed)
    {
        return;
    }
    // §13.3.1.4: the dialog counts as confirmed, but the session is torn down with BYE.
    ++m_counters.ackTimeouts;
    ++m_counters.callsFailed;
    m_timers.Disarm(call.handle, UaTimer::Retransmit2xx);
    call.dialog->confirmed = true;
    Emit(now, call.callId, CallEventKind::Failed, 408, "no ACK", call.handle);
    SendBye(now, call, "no ACK");
}

void
UserAgent::OnAck(TimePoint now, const SipMessage& ack)
{
    auto callId = GetCallId(ack);
    if (!callId.Ok())
    {
        return;
    }
    Call* call = FindDialog(*callId, std::string(HeaderTag(ack, "To")));
    if (call == nullptr || call->uac || !call->ok || call->dialog->confirmed)
    {
        return; // ACK retransmissions, or for a dialog we do not know: never answered
    }
    auto cseq = GetCSeq(ack);
    if (!cseq.Ok() || cseq->number != call->dialog->remoteSeq.value_or(0))
    {
        return; // not the ACK for our 2xx (§13.3.1.4 matches on CSeq)
    }
    call->dialog->confirmed = true;
    m_timers.Disarm(call->handle, UaTimer::Retransmit2xx);
    m_timers.Disarm(call->handle, UaTimer::AckTimeout);
    ++m_counters.callsEstablished;
    Emit(now, call->callId, CallEventKind::Established, 0, "ACK", call->handle);
    const CalleeBehaviour& behaviour = m_config.callee;
    if (behaviour.hangupAfter)
    {
        m_timers.Arm(call->handle, UaTimer::Hangup,
                     now + HoldTime(*behaviour.hangupAfter, behaviour.hangupExponential));
    }
}

void
UserAgent::OnCancelRequest(TimePoint now, ServerTxnId txn, const SipMessage& cancel)
{
    std::optional<ServerTxnId> invite = m_txn.FindInviteServerTxnForCancel(cancel);
    Call* call = nullptr;
    if (invite)
    {
        if (auto owner = m_txnOwners.find(invite->value);
            owner != m_txnOwners.end() && owner->second.purpose == Purpose::InviteServer)
        {
            call = FindCall(owner->second.owner);
        }
    }
    if (!invite)
    {
        // §9.2: nothing to cancel.
        ++m_counters.rejectedRequests;
        Respond(now, txn, cancel, 481, "Call/Transaction Does Not Exist");
        return;
    }
    // §9.2: the CANCEL is answered 200 whatever its effect, with the INVITE's To tag.
    Respond(now, txn, cancel, 200, "OK", call ? call->localTag : std::string());
    if (call == nullptr || call->finalSent || call->phase != Phase::Pending)
    {
        return;
    }
    call->finalSent = true;
    m_txn.SendResponse(
        now, *invite,
        MakeResponseTo(call->inviteRequest, 487, "Request Terminated", call->localTag));
    ++m_counters.callsCancelled;
    Emit(now, call->callId, CallEventKind::Cancelled, 487, "CANCEL received", call->handle);
    EndCall(*call);
}

void
UserAgent::OnInDialogRequest(TimePoint now, ServerTxnId txn, const SipMessage& request)
{
    const std::string localTag(HeaderTag(request, "To"));
    auto callId = GetCallId(request);
    Call* call = callId.Ok() ? FindDialog(*callId, localTag) : nullptr;
    if (call != nullptr && call->dialog && !call->dialog->remoteTag.empty() &&
        std::string(HeaderTag(request, "From")) != call->dialog->remoteTag)
    {
        call = nullptr; // same Call-ID and our tag, but another peer's dialog
    }
    if (call == nullptr || !call->dialog || call->phase == Phase::Terminated)
    {
        // §12.2.2: a request for a dialog we do not have.
        ++m_counters.rejectedRequests;
        Respond(now, txn, request, 481, "Call/Transaction Does Not Exist", localTag);
        return;
    }
    if (std::optional<UasRejection> rejection = InspectRequest(request, m_caps, true))
    {
        ++m_counters.rejectedRequests;
        SipMessage response = MakeResponseTo(request, rejection->code, rejection->reason, localTag);
        for (const HeaderField& field : rejection->headers)
        {
            response.Add(field.name, field.value);
        }
        m_txn.SendResponse(now, txn, std::move(response));
        return;
    }
    Dialog& dialog = *call->dialog;
    const uint32_t cseq = GetCSeq(request).Ok() ? GetCSeq(request)->number : 0;
    if (dialog.remoteSeq && cseq < *dialog.remoteSeq)
    {
        // §12.2.2: out of order.
        ++m_counters.rejectedRequests;
        Respond(now, txn, request, 500, "Server Internal Error", localTag);
        return;
    }
    dialog.remoteSeq = cseq;

    const std::string& method = request.Method();
    if (method == "BYE")
    {
        Respond(now, txn, request, 200, "OK", localTag);
        if (!call->uac && !call->finalSent)
        {
            // The caller gave up on the early dialog (§15): the INVITE ends with 487.
            call->finalSent = true;
            m_txn.SendResponse(
                now, call->inviteServerTxn,
                MakeResponseTo(call->inviteRequest, 487, "Request Terminated", call->localTag));
        }
        Emit(now, call->callId, CallEventKind::ByeReceived, 0, "", call->handle);
        EndCall(*call);
    }
    else if (method == "OPTIONS")
    {
        Respond(now, txn, request, 200, "OK", localTag);
    }
    else
    {
        // A re-INVITE: the session stays as it is (§14.2); we do not renegotiate media.
        ++m_counters.rejectedRequests;
        Respond(now, txn, request, 488, "Not Acceptable Here", localTag);
    }
}

} // namespace sipsim
