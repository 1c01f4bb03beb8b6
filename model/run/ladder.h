#ifndef SIPSIM_RUN_LADDER_H
#define SIPSIM_RUN_LADDER_H

#include "message_tracker.h"

#include <ostream>
#include <string>
#include <vector>

namespace sipsim
{

/// Writes ladder.txt: a header comment, then per message in transmission order
///   F<n> <METHOD | CODE REASON> <from> -> <to>[ (retransmission)][ (lost)]
/// followed by the message text indented by four spaces (CR LF shown as LF) and a blank
/// line. Numbering counts every transmission, retransmissions and losses included, so at
/// zero loss the seed scenario reads F1..F23 exactly as RFC 3665 §3.2.
void WriteLadder(std::ostream& out, uint64_t call, const std::string& callId,
                 const std::vector<LadderEntry>& entries);

/// The F-line alone (no newline), for tests and the console.
std::string LadderLine(std::size_t number, const LadderEntry& entry);

} // namespace sipsim

#endif
