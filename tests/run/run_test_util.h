#ifndef SIPSIM_TESTS_RUN_TEST_UTIL_H
#define SIPSIM_TESTS_RUN_TEST_UTIL_H

// In-process `sipsim run` of the seed scenario with overrides, and readers for its outputs.

#include "run/call_tracker.h"
#include "run/message_tracker.h"
#include "run/runner.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace sipsim::test
{

namespace fs = std::filesystem;

inline const std::string kSeedScenario = std::string(SIPSIM_SCENARIOS_DIR) + "/two-proxy-auth.toml";

/// Loss only on the A -> P1 direction of the A-P1 link.
inline std::vector<std::string>
ForwardLossOnAP1(double loss)
{
    return {"impairments.links.A-P1.loss=" + std::to_string(loss),
            "impairments.links.A-P1.direction=\"forward\""};
}

struct RunOutcome
{
    int code = -1;
    std::string out;
    std::string err;
    fs::path dir;
};

/// The output directories this test process made, removed when it exits so that test runs
/// do not pile up in the temporary directory. SIPSIM_KEEP_TEST_OUTPUT=1 keeps them for a look
/// after a failure.
class TestDirs
{
public:
    static TestDirs& Instance()
    {
        static TestDirs dirs;
        return dirs;
    }

    void Add(const fs::path& dir) { m_dirs.push_back(dir); }

    TestDirs(const TestDirs&) = delete;
    TestDirs& operator=(const TestDirs&) = delete;

    ~TestDirs()
    {
        if (std::getenv("SIPSIM_KEEP_TEST_OUTPUT") != nullptr)
        {
            return;
        }
        for (const fs::path& dir : m_dirs)
        {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    }

private:
    TestDirs() = default;
    std::vector<fs::path> m_dirs;
};

inline fs::path
TestDir(const std::string& name)
{
    // Per process: CTest may run several test processes (and people) at once.
    const fs::path dir =
        fs::path(::testing::TempDir()) / ("sipsim-run-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    TestDirs::Instance().Add(dir);
    return dir;
}

inline RunOutcome
RunSeed(const std::string& name, std::vector<std::string> overrides = {},
        std::optional<uint32_t> run = std::nullopt, RunOptions extra = {})
{
    RunOptions options = std::move(extra);
    options.scenarioPath = options.scenarioPath.empty() ? kSeedScenario : options.scenarioPath;
    options.overrides = std::move(overrides);
    options.run = run;
    options.quiet = true;
    RunOutcome outcome;
    outcome.dir = TestDir(name);
    options.outDir = outcome.dir.string();
    std::ostringstream out;
    std::ostringstream err;
    outcome.code = RunScenario(options, out, err);
    outcome.out = out.str();
    outcome.err = err.str();
    return outcome;
}

inline std::string
ReadFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

/// The "F<n> ..." lines of ladder.txt.
inline std::vector<std::string>
LadderLines(const fs::path& dir)
{
    std::vector<std::string> lines;
    std::istringstream in(ReadFile(dir / "ladder.txt"));
    for (std::string line; std::getline(in, line);)
    {
        if (line.size() > 1 && line[0] == 'F' && std::isdigit(static_cast<unsigned char>(line[1])))
        {
            lines.push_back(line);
        }
    }
    return lines;
}

/// A CSV file as rows of fields keyed by the header (fields here never contain commas).
struct Csv
{
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    std::size_t Column(const std::string& name) const
    {
        for (std::size_t i = 0; i < header.size(); ++i)
        {
            if (header[i] == name)
            {
                return i;
            }
        }
        ADD_FAILURE() << "no column " << name;
        return 0;
    }
    const std::string& At(std::size_t row, const std::string& column) const
    {
        return rows.at(row).at(Column(column));
    }
};

inline Csv
ReadCsv(const fs::path& path)
{
    Csv csv;
    std::istringstream in(ReadFile(path));
    auto split = [](const std::string& line) {
        std::vector<std::string> fields;
        std::string field;
        std::istringstream s(line);
        while (std::getline(s, field, ','))
        {
            fields.push_back(field);
        }
        if (!line.empty() && line.back() == ',')
        {
            fields.emplace_back();
        }
        return fields;
    };
    std::string line;
    if (std::getline(in, line))
    {
        csv.header = split(line);
    }
    while (std::getline(in, line))
    {
        csv.rows.push_back(split(line));
    }
    return csv;
}

/// "2.016531840" -> 2016531840 ns, exactly.
inline int64_t
Nanoseconds(const std::string& seconds)
{
    const auto dot = seconds.find('.');
    EXPECT_NE(dot, std::string::npos) << seconds;
    return std::stoll(seconds.substr(0, dot)) * 1000000000LL + std::stoll(seconds.substr(dot + 1));
}

} // namespace sipsim::test

#endif
