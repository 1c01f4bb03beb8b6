#ifndef SIPSIM_RUN_PARSE_AHEAD_H
#define SIPSIM_RUN_PARSE_AHEAD_H

// Parsing received SIP on the second core of the machine. ParseInbound (strict parse, typed
// validation, the lenient scan behind a 400) is a fifth of a run's work and depends on the
// bytes alone: the memo of validated lines only spares repeated checks, never changes a
// verdict. So a message can be parsed as soon as it is sent, while the simulation moves it
// through the network (many events later, in wall time), and the receiving element takes
// the result instead of parsing. Outputs are byte-identical with or without it.

#include "bytes_index.h"
#include "core/inbound.h"
#include "sip/shared_bytes.h"
#include "sip/validated_lines.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace sipsim
{

/// One worker thread that runs ParseInbound on every submitted message, in order.
/// Submit and Take are called from the simulation thread only. Take finds a result by the
/// exact bytes (retransmissions share bytes, and so results); whatever it does not find --
/// bytes never submitted, results dropped after `window` later submissions because their
/// packet was lost -- the caller parses itself, as it would without this class.
class ParseAhead
{
public:
    struct Counters
    {
        uint64_t submitted = 0;
        uint64_t taken = 0;   ///< Take found the result
        uint64_t waited = 0;  ///< ... but had to wait for the worker
        uint64_t missed = 0;  ///< Take found nothing
        uint64_t expired = 0; ///< dropped untaken (lost packets)
    };

    /// `window`: results kept for at most that many later submissions (a packet in flight
    /// longer than that is parsed by its receiver). `memoLines`: the worker's memo.
    explicit ParseAhead(std::size_t window = 8192, std::size_t memoLines = 16384);
    /// Stops and joins the worker.
    ~ParseAhead();
    ParseAhead(const ParseAhead&) = delete;
    ParseAhead& operator=(const ParseAhead&) = delete;

    /// Queues `bytes` for the worker, which shares them (they are immutable) rather than copying.
    void Submit(const SharedBytes& bytes);
    /// The result for these bytes, waiting for the worker if it is not done yet.
    std::optional<InboundResult> Take(std::string_view bytes);

    const Counters& GetCounters() const { return m_counters; }

private:
    struct Job
    {
        SharedBytes bytes;
        uint64_t hash = 0;
        InboundResult result;
        std::atomic<bool> done{false};
    };

    void Work();
    /// Drops taken jobs at the front, and done ones once more than `window` are held.
    void Trim();

    const std::size_t m_window;
    Counters m_counters;

    // Simulation thread only.
    std::deque<std::unique_ptr<Job>> m_jobs; ///< by sequence, from m_firstSeq; null: taken
    uint64_t m_firstSeq = 0;
    BytesIndex m_index;

    // Shared with the worker.
    std::mutex m_mutex;
    std::condition_variable m_workReady;
    std::condition_variable m_jobDone;
    std::deque<Job*> m_queue;
    std::atomic<bool> m_waiting{false};
    std::atomic<std::size_t> m_queued{0}; ///< m_queue.size(), read without the lock to spin
    bool m_workerSleeping = false;
    std::atomic<bool> m_stop{false};

    // Worker only.
    ValidatedLines m_memo;
    std::thread m_worker; ///< last: starts once everything above exists
};

} // namespace sipsim

#endif
