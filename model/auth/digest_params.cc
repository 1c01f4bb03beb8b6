#include "digest_params.h"

#include <cctype>

namespace sipsim
{

bool
AuthEqualsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
    {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
        {
            return false;
        }
    }
    return true;
}

std::string_view
AuthParamOr(const AuthHeader& header, std::string_view name, std::string_view fallback)
{
    const std::string* value = header.Find(name);
    return value != nullptr ? std::string_view(*value) : fallback;
}

bool
IsDigestScheme(const AuthHeader& header)
{
    return AuthEqualsIgnoreCase(header.scheme, "Digest");
}

} // namespace sipsim
