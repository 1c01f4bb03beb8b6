#include "parse_ahead.h"

#include "sip/hash_bytes.h"

#include <utility>

namespace sipsim
{

namespace
{

/// How long either side spins before it sleeps: a futex wake-up costs tens of microseconds
/// on a virtual machine, longer than a parse, so sleeping between messages would make the
/// simulation wait for the worker to wake. ~100 us of pause instructions.
constexpr int kSpins = 20000;

void
CpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

} // namespace

ParseAhead::ParseAhead(std::size_t window, std::size_t memoLines)
    : m_window(window == 0 ? 1 : window), m_memo(memoLines), m_worker([this] { Work(); })
{
}

ParseAhead::~ParseAhead()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop.store(true); // under the lock, so the worker cannot miss it between check and wait
    }
    m_workReady.notify_one();
    m_worker.join();
}

void
ParseAhead::Submit(const SharedBytes& bytes)
{
    auto job = std::make_unique<Job>();
    job->hash = HashBytes(bytes);
    job->bytes = bytes;
    Job* raw = job.get();
    m_index.Add(raw->hash, m_firstSeq + m_jobs.size());
    m_jobs.push_back(std::move(job));
    ++m_counters.submitted;
    bool sleeping = false;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_queue.push_back(raw);
        m_queued.fetch_add(1);
        sleeping = m_workerSleeping;
    }
    if (sleeping)
    {
        m_workReady.notify_one();
    }
    Trim();
}

std::optional<InboundResult>
ParseAhead::Take(std::string_view bytes)
{
    const std::optional<uint64_t> seq = m_index.Take(
        HashBytes(bytes), [&](uint64_t s) { return m_jobs[s - m_firstSeq]->bytes.Str() == bytes; });
    if (!seq)
    {
        ++m_counters.missed;
        return std::nullopt;
    }
    std::unique_ptr<Job>& slot = m_jobs[*seq - m_firstSeq];
    for (int spin = 0; spin < kSpins && !slot->done.load(); ++spin)
    {
        CpuRelax();
    }
    if (!slot->done.load())
    {
        ++m_counters.waited;
        // The worker reads m_waiting after publishing `done`, and this thread reads `done`
        // after publishing m_waiting (both sequentially consistent), so one of the two sees
        // the other: no lost wake-up.
        m_waiting.store(true);
        std::unique_lock<std::mutex> lock(m_mutex);
        m_jobDone.wait(lock, [&] { return slot->done.load(); });
        m_waiting.store(false);
    }
    InboundResult result = std::move(slot->result);
    slot.reset();
    ++m_counters.taken;
    Trim();
    return result;
}

void
ParseAhead::Trim()
{
    while (!m_jobs.empty())
    {
        std::unique_ptr<Job>& front = m_jobs.front();
        if (front)
        {
            // Untaken: its packet is probably lost. Never drop one the worker holds.
            if (m_jobs.size() <= m_window || !front->done.load())
            {
                return;
            }
            m_index.Remove(front->hash, m_firstSeq);
            ++m_counters.expired;
        }
        m_jobs.pop_front();
        ++m_firstSeq;
    }
}

void
ParseAhead::Work()
{
    for (;;)
    {
        for (int spin = 0; spin < kSpins && m_queued.load() == 0 && !m_stop.load(); ++spin)
        {
            CpuRelax();
        }
        Job* job = nullptr;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_workerSleeping = true;
            m_workReady.wait(lock, [this] { return m_stop || !m_queue.empty(); });
            m_workerSleeping = false;
            if (m_stop)
            {
                return;
            }
            job = m_queue.front();
            m_queue.pop_front();
            m_queued.fetch_sub(1);
        }
        job->result = ParseInbound(job->bytes, &m_memo);
        job->done.store(true);
        // `job` may be freed by the simulation thread from here on.
        if (m_waiting.load())
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_jobDone.notify_all();
        }
    }
}

} // namespace sipsim
