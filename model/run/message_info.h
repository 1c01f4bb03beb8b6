#ifndef SIPSIM_RUN_MESSAGE_INFO_H
#define SIPSIM_RUN_MESSAGE_INFO_H

#include <cstdint>
#include <string>
#include <string_view>

namespace sipsim
{

/// What the run's observers need to know about one SIP message on the wire. Extracted by a
/// line scan instead of ParseMessage: every message is observed once per hop, and the
/// elements emit canonical text, so the full parser would be wasted work (and an
/// unparseable message must still be logged, as "?").
struct MessageInfo
{
    bool isRequest = true;
    std::string method; ///< request method; empty for responses
    int statusCode = 0; ///< responses only
    std::string reason; ///< responses only
    std::string callId; ///< empty when absent
    std::string cseq;   ///< CSeq value as written ("1 INVITE"), empty when absent
    uint32_t cseqNumber = 0;
    std::string cseqMethod;

    /// "INVITE" or "407 Proxy Authentication Required"; "?" for garbage.
    std::string Kind() const;
    /// Key for per-message retransmission counts: "INVITE", or "200 (INVITE)".
    std::string RetransmissionKey() const;
    bool IsResponse() const { return !isRequest; }
};

/// Summarises one message. Never fails: missing parts stay empty.
MessageInfo SummarizeMessage(std::string_view bytes);

} // namespace sipsim

#endif
