#ifndef SIPSIM_SIP_SHARED_BYTES_H
#define SIPSIM_SIP_SHARED_BYTES_H

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace sipsim
{

/// Immutable bytes that every holder shares without a copy: a transaction keeps what it sent
/// for retransmission, each Transmit carries the same bytes out, and an in-process receiver
/// may keep them to recognise their arrival. Copying a SharedBytes copies a pointer.
class SharedBytes
{
public:
    SharedBytes() = default;
    SharedBytes(std::string bytes) : m_bytes(std::make_shared<const std::string>(std::move(bytes)))
    {
    }
    SharedBytes(const char* bytes) : m_bytes(std::make_shared<const std::string>(bytes)) {}

    const std::string& Str() const { return m_bytes ? *m_bytes : Empty(); }
    operator const std::string&() const { return Str(); }
    operator std::string_view() const { return Str(); }

    const char* data() const { return Str().data(); }
    std::size_t size() const { return Str().size(); }
    bool empty() const { return Str().empty(); }

    friend bool operator==(const SharedBytes& a, const SharedBytes& b)
    {
        return a.m_bytes == b.m_bytes || a.Str() == b.Str();
    }
    friend bool operator!=(const SharedBytes& a, const SharedBytes& b) { return !(a == b); }
    friend std::ostream& operator<<(std::ostream& out, const SharedBytes& bytes)
    {
        return out << bytes.Str();
    }

private:
    static const std::string& Empty()
    {
        static const std::string empty;
        return empty;
    }

    std::shared_ptr<const std::string> m_bytes;
};

} // namespace sipsim

#endif
