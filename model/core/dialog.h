#ifndef SIPSIM_CORE_DIALOG_H
#define SIPSIM_CORE_DIALOG_H

#include "sip/message.h"
#include "sip/uri.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sipsim
{

/// The state of one dialog (RFC 3261 §12): the identifiers, the sequence numbers and the
/// routing that every in-dialog request uses.
struct Dialog
{
    std::string callId;
    std::string localTag;
    std::string remoteTag; ///< empty for an RFC 2543 peer that sent no tag
    /// From / To values without their tag, as the dialog's requests carry them (§12.2.1.1).
    std::string localUri;
    std::string remoteUri;
    uint32_t localSeq = 0; ///< 0: nothing sent yet in this dialog (UAS side, §12.1.1)
    std::optional<uint32_t> remoteSeq;
    /// Route set, top first, each entry a name-addr ("<sip:p1.example.com;lr>").
    std::vector<std::string> routeSet;
    std::string remoteTarget; ///< URI from the peer's Contact
    bool confirmed = false;

    /// What RouteWithin read from routeSet.front(), kept with the entry it read: every
    /// request of the dialog (ACK, BYE, re-INVITE) would parse that same entry again.
    struct FirstRoute
    {
        std::string entry;
        std::string uri;
        bool loose = false;
    };
    mutable std::optional<FirstRoute> firstRoute;
};

/// UAC side (§12.1.2): built from the request and the 2xx (or 1xx with a To tag) that
/// created it. Route set = Record-Route of the response reversed; remote target = its
/// Contact (else the request's Request-URI).
Dialog MakeUacDialog(const SipMessage& request, const SipMessage& response);

/// UAS side (§12.1.1): built from the request and the To tag the UAS chose. Route set =
/// Record-Route in order; remote target = the request's Contact (else the From URI, for
/// RFC 2543 peers that send none).
Dialog MakeUasDialog(const SipMessage& request, const std::string& localTag);

/// Request-URI, Route headers and next-hop URI of a request sent within the dialog
/// (§12.2.1.1): loose routing when the first route has `lr`, else strict routing (the first
/// route becomes the Request-URI and the remote target the last Route).
struct DialogRouting
{
    std::string requestUri;
    std::vector<std::string> routes;
    std::string nextHopUri; ///< where the request is sent: first route, else remote target
};
DialogRouting RouteWithin(const Dialog& dialog);

/// A request within the dialog (§12.2.1.1) with the given CSeq number: Request-URI and
/// Route per RouteWithin, From/To with tags, Call-ID, CSeq, Max-Forwards 70,
/// Content-Length 0. No Via: the sender adds its own.
SipMessage MakeInDialogRequest(const Dialog& dialog, const std::string& method, uint32_t cseq);

/// The URI inside a name-addr or addr-spec ("<sip:a@b;lr>;x=y" -> "sip:a@b;lr").
std::string UriOf(const std::string& nameAddr);

/// `value` (a From or To value) with any tag parameter removed.
std::string WithoutTag(const std::string& value);

} // namespace sipsim

#endif
