#ifndef SIPSIM_SIP_RESULT_H
#define SIPSIM_SIP_RESULT_H

#include <string>
#include <utility>
#include <variant>

namespace sipsim
{

/// Why a piece of SIP text was rejected. Line and column are 1-based; 0 means unknown.
struct ParseError
{
    std::string reason;
    int line = 0;
    int column = 0;

    /// "reason" or "line L, column C: reason".
    std::string ToString() const;
};

/// A value or the reason it could not be produced. The parser never throws: every
/// failure travels as a Result so malformed network input cannot escape as an exception.
template <typename T> class Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(ParseError error) : m_data(std::move(error)) {}

    bool Ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return Ok(); }

    T& Value() & { return std::get<0>(m_data); }
    const T& Value() const& { return std::get<0>(m_data); }
    T&& Value() && { return std::get<0>(std::move(m_data)); }
    const ParseError& Error() const { return std::get<1>(m_data); }

    T* operator->() { return &Value(); }
    const T* operator->() const { return &Value(); }
    T& operator*() & { return Value(); }
    const T& operator*() const& { return Value(); }

private:
    std::variant<T, ParseError> m_data;
};

inline ParseError
MakeError(std::string reason, int line = 0, int column = 0)
{
    return ParseError{std::move(reason), line, column};
}

} // namespace sipsim

#endif
