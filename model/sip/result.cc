#include "result.h"

namespace sipsim
{

std::string
ParseError::ToString() const
{
    if (line <= 0)
    {
        return reason;
    }
    std::string out = "line " + std::to_string(line);
    if (column > 0)
    {
        out += ", column " + std::to_string(column);
    }
    out += ": ";
    out += reason;
    return out;
}

} // namespace sipsim
