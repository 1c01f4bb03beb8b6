#include "user_agent_config.h"

namespace sipsim
{

const char*
CallEventKindName(CallEventKind kind)
{
    switch (kind)
    {
    case CallEventKind::InviteSent:
        return "InviteSent";
    case CallEventKind::ChallengeReceived:
        return "ChallengeReceived";
    case CallEventKind::AuthenticatedInviteSent:
        return "AuthenticatedInviteSent";
    case CallEventKind::ProvisionalReceived:
        return "ProvisionalReceived";
    case CallEventKind::RingingReceived:
        return "RingingReceived";
    case CallEventKind::Established:
        return "Established";
    case CallEventKind::AckSent:
        return "AckSent";
    case CallEventKind::CancelSent:
        return "CancelSent";
    case CallEventKind::ByeSent:
        return "ByeSent";
    case CallEventKind::ByeCompleted:
        return "ByeCompleted";
    case CallEventKind::ByeReceived:
        return "ByeReceived";
    case CallEventKind::Failed:
        return "Failed";
    case CallEventKind::Cancelled:
        return "Cancelled";
    case CallEventKind::IncomingCall:
        return "IncomingCall";
    case CallEventKind::RingingSent:
        return "RingingSent";
    case CallEventKind::AnswerSent:
        return "AnswerSent";
    case CallEventKind::RejectSent:
        return "RejectSent";
    case CallEventKind::RegisterSent:
        return "RegisterSent";
    case CallEventKind::Registered:
        return "Registered";
    case CallEventKind::Unregistered:
        return "Unregistered";
    case CallEventKind::RegistrationFailed:
        return "RegistrationFailed";
    case CallEventKind::OptionsCompleted:
        return "OptionsCompleted";
    }
    return "?";
}

} // namespace sipsim
