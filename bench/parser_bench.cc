// Parse + serialise throughput of sipsim's message layer against libosip2 and sofia-sip.
//
// All three libraries get the same corpus: the RFC 3665 §3.2 seed fixtures and the RFC 4475
// §3.1.1 valid torture messages, minus any message that one of the libraries failed to
// parse (so no library is timed on work another skipped). The exclusions are printed.
// One benchmark iteration processes the whole corpus once: items/s is messages per second
// and bytes/s is input bytes per second.
//
// Quick smoke: parser_bench --benchmark_min_time=0.01

#include "sip/headers.h"
#include "sip/message.h"

#include <benchmark/benchmark.h>

extern "C"
{
#include <osipparser2/osip_message.h>
#include <osipparser2/osip_parser.h>
#include <osipparser2/osip_port.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_alloc.h>
}

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace
{

struct CorpusEntry
{
    std::string name;
    std::string text;
};

/// RFC 4475 §3.1.1: the syntactically valid messages every parser must accept.
const char* const kRfc4475Valid[] = {"wsinv",   "intmeth",  "esc01",   "escnull", "esc02",
                                     "lwsdisp", "longreq",  "dblreq",  "semiuri", "transports",
                                     "mpart01", "unreason", "noreason"};

std::vector<CorpusEntry> g_corpus;
std::size_t g_corpusBytes = 0;

bool
ReadFile(const std::string& path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

// ---- The three parsers, each as "parse" and "parse + serialise" -------------------------

/// The corpus check also runs the header checks the protocol core makes before acting on a
/// message (ParseMessage itself lets a message without, say, a Call-ID through so that the
/// core can answer 400), matching what the other two libraries are asked to extract.
bool
SipsimAccepts(const std::string& text)
{
    sipsim::Result<sipsim::SipMessage> message = sipsim::ParseMessage(text);
    return message.Ok() && !sipsim::CheckMandatoryHeaders(*message).has_value();
}

bool
SipsimParse(const std::string& text)
{
    sipsim::Result<sipsim::SipMessage> message = sipsim::ParseMessage(text);
    benchmark::DoNotOptimize(message);
    return message.Ok();
}

bool
SipsimParseSerialize(const std::string& text, std::string& out)
{
    sipsim::Result<sipsim::SipMessage> message = sipsim::ParseMessage(text);
    if (!message.Ok())
    {
        return false;
    }
    out.clear();
    message->SerializeTo(out);
    benchmark::DoNotOptimize(out.data());
    return true;
}

/// libosip2: osip_message_parse returns 0 and the mandatory headers were extracted.
/// osip_message_to_str rebuilds the text from the structure (the parser leaves the message
/// marked "not built", so there is no cached-text shortcut).
bool
OsipParseSerialize(const std::string& text, bool serialize)
{
    osip_message_t* message = nullptr;
    if (osip_message_init(&message) != 0)
    {
        return false;
    }
    bool ok = osip_message_parse(message, text.data(), text.size()) == 0 &&
              message->from != nullptr && message->to != nullptr && message->call_id != nullptr &&
              message->cseq != nullptr && osip_list_size(&message->vias) > 0;
    if (ok && serialize)
    {
        char* wire = nullptr;
        size_t length = 0;
        ok = osip_message_to_str(message, &wire, &length) == 0 && wire != nullptr;
        benchmark::DoNotOptimize(wire);
        osip_free(wire);
    }
    osip_message_free(message);
    return ok;
}

/// sofia-sip: msg_make parsed the whole message with no header in error, and found the
/// start line and the mandatory headers. msg_as_string encodes each header from its parsed
/// structure (msg_make keeps no copy of the original header text).
bool
SofiaParseSerialize(const std::string& text, bool serialize)
{
    msg_t* message =
        msg_make(sip_default_mclass(), 0, text.data(), static_cast<ssize_t>(text.size()));
    if (message == nullptr)
    {
        return false;
    }
    sip_t* sip = sip_object(message);
    bool ok = !msg_has_error(message) && sip != nullptr && sip->sip_error == nullptr &&
              (sip->sip_request != nullptr || sip->sip_status != nullptr) &&
              sip->sip_via != nullptr && sip->sip_from != nullptr && sip->sip_to != nullptr &&
              sip->sip_call_id != nullptr && sip->sip_cseq != nullptr;
    if (ok && serialize)
    {
        size_t length = 0;
        // Allocated from the message's own home: freed with the message.
        char* wire =
            msg_as_string(reinterpret_cast<su_home_t*>(message), message, nullptr, 0, &length);
        ok = wire != nullptr;
        benchmark::DoNotOptimize(wire);
    }
    msg_destroy(message);
    return ok;
}

void
DiscardOsipTrace(const char*, int, osip_trace_level_t, const char*, va_list)
{
}

// ---- Corpus -----------------------------------------------------------------------------

/// Loads the files, keeps the messages all three libraries parse, and prints what was
/// dropped. Returns false when a file is missing or nothing is left.
bool
BuildCorpus()
{
    std::vector<CorpusEntry> candidates;
    for (int n = 1; n <= 23; ++n)
    {
        char name[16];
        std::snprintf(name, sizeof(name), "F%02d.sip", n);
        candidates.push_back({std::string("seed/") + name, ""});
        if (!ReadFile(std::string(SIPSIM_SEED_DIR) + "/" + name, candidates.back().text))
        {
            std::fprintf(stderr, "parser_bench: cannot read %s/%s\n", SIPSIM_SEED_DIR, name);
            return false;
        }
    }
    for (const char* name : kRfc4475Valid)
    {
        candidates.push_back({std::string("rfc4475/") + name, ""});
        if (!ReadFile(std::string(SIPSIM_RFC4475_DIR) + "/" + name + ".dat",
                      candidates.back().text))
        {
            std::fprintf(stderr, "parser_bench: cannot read %s/%s.dat\n", SIPSIM_RFC4475_DIR, name);
            return false;
        }
    }

    int failSipsim = 0;
    int failOsip = 0;
    int failSofia = 0;
    std::string out;
    for (CorpusEntry& entry : candidates)
    {
        const bool sipsimOk = SipsimAccepts(entry.text) && SipsimParseSerialize(entry.text, out);
        const bool osipOk = OsipParseSerialize(entry.text, true);
        const bool sofiaOk = SofiaParseSerialize(entry.text, true);
        failSipsim += sipsimOk ? 0 : 1;
        failOsip += osipOk ? 0 : 1;
        failSofia += sofiaOk ? 0 : 1;
        if (sipsimOk && osipOk && sofiaOk)
        {
            g_corpusBytes += entry.text.size();
            g_corpus.push_back(std::move(entry));
        }
        else
        {
            std::printf("excluded %-20s failed in:%s%s%s\n", entry.name.c_str(),
                        sipsimOk ? "" : " sipsim", osipOk ? "" : " osip2", sofiaOk ? "" : " sofia");
        }
    }
    std::printf("parse failures: sipsim %d, osip2 %d, sofia %d (of %zu)\n", failSipsim, failOsip,
                failSofia, candidates.size());
    std::printf("corpus: %zu messages, %zu bytes (%zu excluded)\n", g_corpus.size(), g_corpusBytes,
                candidates.size() - g_corpus.size());
    std::fflush(stdout);
    return !g_corpus.empty();
}

// ---- Benchmarks -------------------------------------------------------------------------

void
Account(benchmark::State& state, int failures)
{
    if (failures != 0)
    {
        state.SkipWithError("a corpus message stopped parsing");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * g_corpus.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * g_corpusBytes));
}

void
BM_ParseSerialize_Sipsim(benchmark::State& state)
{
    std::string out;
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += SipsimParseSerialize(entry.text, out) ? 0 : 1;
        }
    }
    Account(state, failures);
}

void
BM_ParseSerialize_Osip2(benchmark::State& state)
{
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += OsipParseSerialize(entry.text, true) ? 0 : 1;
        }
    }
    Account(state, failures);
}

void
BM_ParseSerialize_Sofia(benchmark::State& state)
{
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += SofiaParseSerialize(entry.text, true) ? 0 : 1;
        }
    }
    Account(state, failures);
}

void
BM_Parse_Sipsim(benchmark::State& state)
{
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += SipsimParse(entry.text) ? 0 : 1;
        }
    }
    Account(state, failures);
}

void
BM_Parse_Osip2(benchmark::State& state)
{
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += OsipParseSerialize(entry.text, false) ? 0 : 1;
        }
    }
    Account(state, failures);
}

void
BM_Parse_Sofia(benchmark::State& state)
{
    int failures = 0;
    for (auto _ : state)
    {
        for (const CorpusEntry& entry : g_corpus)
        {
            failures += SofiaParseSerialize(entry.text, false) ? 0 : 1;
        }
    }
    Account(state, failures);
}

BENCHMARK(BM_ParseSerialize_Sipsim);
BENCHMARK(BM_ParseSerialize_Osip2);
BENCHMARK(BM_ParseSerialize_Sofia);
BENCHMARK(BM_Parse_Sipsim);
BENCHMARK(BM_Parse_Osip2);
BENCHMARK(BM_Parse_Sofia);

} // namespace

int
main(int argc, char** argv)
{
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
    {
        return 1;
    }
    // osip logs every rejected message to stderr; the corpus check prints its own summary.
    osip_trace_initialize_func(TRACE_LEVEL0, DiscardOsipTrace);
    for (int level = TRACE_LEVEL0; level < END_TRACE_LEVEL; ++level)
    {
        osip_trace_disable_level(static_cast<osip_trace_level_t>(level));
    }
    if (parser_init() != 0)
    {
        std::fprintf(stderr, "parser_bench: osip parser_init failed\n");
        return 1;
    }
    if (!BuildCorpus())
    {
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
