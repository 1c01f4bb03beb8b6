#include "output_dir.h"

#include <filesystem>
#include <system_error>
#include <unistd.h>

namespace sipsim
{

namespace fs = std::filesystem;

std::optional<std::string>
CheckOutputDir(const std::string& dir)
{
    if (dir.empty())
    {
        return "empty path";
    }
    std::error_code ec;
    fs::path path = fs::absolute(fs::path(dir), ec);
    if (ec)
    {
        return "'" + dir + "': " + ec.message();
    }
    path = path.lexically_normal();
    fs::path probe = path;
    while (true)
    {
        const fs::file_status status = fs::status(probe, ec);
        if (fs::exists(status))
        {
            if (!fs::is_directory(status))
            {
                return "'" + dir + "': " + probe.string() + " is not a directory";
            }
            if (::access(probe.c_str(), W_OK | X_OK) != 0)
            {
                return "'" + dir + "': " + probe.string() + " is not writable";
            }
            return std::nullopt;
        }
        if (!probe.has_parent_path() || probe.parent_path() == probe)
        {
            return "'" + dir + "': no existing parent directory";
        }
        probe = probe.parent_path();
    }
}

std::optional<std::string>
CreateOutputDir(const std::string& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
    {
        return "'" + dir + "': " + ec.message();
    }
    return std::nullopt;
}

} // namespace sipsim
