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
/// unparseable message must still be logged, as "?"). The text fields are views into the
/// summarized bytes (no allocation per message): valid only while those bytes are.
struct MessageInfo
{
    bool isRequest = true;
    std::string_view method; ///< request method; empty for responses
    int statusCode = 0;      ///< responses only
    std::string_view reason; ///< responses only
    std::string_view callId; ///< empty when absent
    std::string_view cseq;   ///< CSeq value as written ("1 INVITE"), empty when absent
    uint32_t cseqNumber = 0;
    std::string_view cseqMethod;

    /// "INVITE" or "407 Proxy Authentication Required"; "?" for garbage.
    std::string Kind() const;
    /// Appends Kind() to out (no temporary string).
    void AppendKind(std::string& out) const;
    /// Key for per-message retransmission counts: "INVITE", or "200 (INVITE)".
    std::string RetransmissionKey() const;
    bool IsResponse() const { return !isRequest; }
};

/// Summarises one message. Never fails: missing parts stay empty.
MessageInfo SummarizeMessage(std::string_view bytes);

} // namespace sipsim

#endif
