#ifndef SIPSIM_SIP_HEADER_VALUE_H
#define SIPSIM_SIP_HEADER_VALUE_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace sipsim
{

namespace detail
{
/// Reference-counted immutable bytes; the characters follow the header in one allocation.
/// Atomic because --parse-ahead parses on another thread than the one that uses the values.
struct TextBlock
{
    std::atomic<std::uint32_t> refs{1};

    char* Chars() { return reinterpret_cast<char*>(this + 1); }
    static TextBlock* Create(std::string_view bytes);
    static void Retain(TextBlock* block) { block->refs.fetch_add(1, std::memory_order_relaxed); }
    static void Release(TextBlock* block);
};
} // namespace detail

/// An immutable header value that copies share instead of copying. Values the parser takes
/// from a message all point into one shared copy of its header bytes, and short values are
/// kept inline: copying a message (every proxy hop and transaction does) copies no text, and
/// parsing one allocates once for all its values instead of once per value.
/// Reads as a std::string_view; `str()` makes a std::string where one is needed.
class HeaderValue
{
    template <typename Text>
    using EnableIfText = std::enable_if_t<std::is_convertible_v<const Text&, std::string_view> &&
                                          !std::is_same_v<std::decay_t<Text>, HeaderValue>>;

public:
    HeaderValue() noexcept { m_storage.chars[0] = '\0'; }
    HeaderValue(const std::string& text) { Assign(text); }
    HeaderValue(const char* text) { Assign(std::string_view(text)); }
    /// Explicit, so that copying text from a view shows where it happens (and comparisons
    /// with views stay unambiguous); Part() keeps a piece of a value without copying.
    explicit HeaderValue(std::string_view text) { Assign(text); }
    HeaderValue(const HeaderValue& other) noexcept;
    HeaderValue(HeaderValue&& other) noexcept;
    HeaderValue& operator=(const HeaderValue& other) noexcept;
    HeaderValue& operator=(HeaderValue&& other) noexcept;
    ~HeaderValue() { Drop(); }

    /// The bytes of `part`, which must lie inside this value, sharing them where this does
    /// (the parser keeps each value as a part of one value holding the header section).
    HeaderValue Part(std::string_view part) const;

    const char* data() const { return m_isInline ? m_storage.chars : m_storage.shared.data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::string_view view() const { return {data(), m_size}; }
    /// Bytes a CopyPadded destination needs beyond size().
    static constexpr std::size_t kPaddedCopySlack = 16;
    /// Copies the value to `out`, which must have room for size() + kPaddedCopySlack bytes,
    /// and returns the end of the copy. A short value is copied as one 16-byte block from
    /// its inline buffer (no library call; the bytes after the copy are overwritten or
    /// dropped by the caller): header names are short, and a message writes one per line.
    char* CopyPadded(char* out) const
    {
        if (m_isInline)
        {
            std::memcpy(out, m_storage.chars, kInlineCapacity);
        }
        else
        {
            std::memcpy(out, m_storage.shared.data, m_size);
        }
        return out + m_size;
    }
    operator std::string_view() const { return view(); }
    std::string str() const { return std::string(view()); }

    const char* begin() const { return data(); }
    const char* end() const { return data() + m_size; }
    char operator[](std::size_t i) const { return data()[i]; }
    char front() const { return data()[0]; }
    char back() const { return data()[m_size - 1]; }
    std::size_t find(std::string_view what, std::size_t from = 0) const
    {
        return view().find(what, from);
    }
    std::size_t find(char c, std::size_t from = 0) const { return view().find(c, from); }
    std::string_view substr(std::size_t pos, std::size_t count = std::string_view::npos) const
    {
        return view().substr(pos, count);
    }

    /// What a memo of one piece of a value can hold (headers.h): a From or To value's tag,
    /// found by validating the whole name-addr, a Call-ID's validated text, and the method
    /// of a CSeq that parsed. Each is read several times per message and hop (transactions,
    /// dialogs, loop detection).
    enum class Piece : std::uint8_t
    {
        None,
        AddressTag,
        CallId,
        CSeqMethod,
    };
    /// False unless that piece was remembered; else sets `piece` (a view into this value,
    /// possibly empty). The value is immutable, so the memo never goes stale; copies carry it.
    bool RememberedPiece(Piece kind, std::string_view& piece) const
    {
        if (kind == Piece::None || m_memoKind != kind)
        {
            return false;
        }
        piece = std::string_view(data() + m_memoOffset, m_memoSize);
        return true;
    }
    /// Remembers one piece (replacing any other); a piece that is not a view into this
    /// value, or lies beyond what a byte can say, is not remembered.
    void RememberPiece(Piece kind, std::string_view piece) const
    {
        // Addresses as integers: comparing pointers into different objects is unspecified.
        const auto begin = reinterpret_cast<std::uintptr_t>(data());
        const auto at = piece.empty() ? begin : reinterpret_cast<std::uintptr_t>(piece.data());
        if (at < begin || at - begin + piece.size() > m_size)
        {
            return;
        }
        const std::uintptr_t offset = at - begin;
        if (offset <= 0xFF && piece.size() <= 0xFF)
        {
            m_memoOffset = static_cast<std::uint8_t>(offset);
            m_memoSize = static_cast<std::uint8_t>(piece.size());
            m_memoKind = kind;
        }
    }

    friend bool operator==(const HeaderValue& a, const HeaderValue& b)
    {
        return a.view() == b.view();
    }
    friend bool operator!=(const HeaderValue& a, const HeaderValue& b) { return !(a == b); }
    // Templates so that comparing with a literal, std::string or string_view is an exact
    // match rather than a choice between two user conversions.
    template <typename Text, typename = EnableIfText<Text>>
    friend bool operator==(const HeaderValue& a, const Text& b)
    {
        return a.view() == std::string_view(b);
    }
    template <typename Text, typename = EnableIfText<Text>>
    friend bool operator==(const Text& a, const HeaderValue& b)
    {
        return std::string_view(a) == b.view();
    }
    template <typename Text, typename = EnableIfText<Text>>
    friend bool operator!=(const HeaderValue& a, const Text& b)
    {
        return !(a == b);
    }
    template <typename Text, typename = EnableIfText<Text>>
    friend bool operator!=(const Text& a, const HeaderValue& b)
    {
        return !(a == b);
    }

private:
    /// Values up to this long live inside the object (no allocation, no reference count).
    static constexpr std::size_t kInlineCapacity = 16;
    static_assert(kPaddedCopySlack >= kInlineCapacity, "a padded copy writes the whole buffer");

    void Assign(std::string_view text);
    /// `part` shared from `block` (null: copied), or inline when short.
    static HeaderValue Slice(detail::TextBlock* block, std::string_view part);
    void Drop() noexcept
    {
        if (!m_isInline)
        {
            detail::TextBlock::Release(m_storage.shared.block);
        }
    }

    struct Shared
    {
        detail::TextBlock* block;
        const char* data;
    };
    /// Copied whole (a trivially copyable union), never by memcpy into `chars`: GCC 12
    /// warns falsely (-Wstringop-overflow) about that once inlined into vector growth.
    union Storage {
        Shared shared;
        char chars[kInlineCapacity];
    };
    /// Copies the memo along with the value; a moved-from value is left empty, without one.
    void TakeMemo(const HeaderValue& other) noexcept
    {
        m_memoKind = other.m_memoKind;
        m_memoOffset = other.m_memoOffset;
        m_memoSize = other.m_memoSize;
    }
    void ForgetMemo() noexcept { m_memoKind = Piece::None; }

    Storage m_storage;
    std::uint32_t m_size = 0;
    bool m_isInline = true;
    // The memo, in what would otherwise be padding (the class stays 24 bytes).
    mutable Piece m_memoKind = Piece::None;
    mutable std::uint8_t m_memoOffset = 0;
    mutable std::uint8_t m_memoSize = 0;
};

static_assert(sizeof(HeaderValue) == 24, "the memo must fit in the padding");

// Inline: every copy of a message copies each of its lines' name and value.
inline HeaderValue::HeaderValue(const HeaderValue& other) noexcept
    : m_size(other.m_size), m_isInline(other.m_isInline)
{
    m_storage = other.m_storage;
    TakeMemo(other);
    if (!m_isInline)
    {
        detail::TextBlock::Retain(m_storage.shared.block);
    }
}

inline HeaderValue::HeaderValue(HeaderValue&& other) noexcept
    : m_size(other.m_size), m_isInline(other.m_isInline)
{
    m_storage = other.m_storage;
    TakeMemo(other);
    if (!m_isInline)
    {
        other.m_isInline = true; // the reference moved here
        other.m_size = 0;
        other.ForgetMemo();
    }
}

inline HeaderValue&
HeaderValue::operator=(const HeaderValue& other) noexcept
{
    if (this != &other)
    {
        HeaderValue copy(other);
        *this = std::move(copy);
    }
    return *this;
}

inline HeaderValue&
HeaderValue::operator=(HeaderValue&& other) noexcept
{
    if (this != &other)
    {
        Drop();
        m_size = other.m_size;
        m_isInline = other.m_isInline;
        m_storage = other.m_storage;
        TakeMemo(other);
        if (!m_isInline)
        {
            other.m_isInline = true;
            other.m_size = 0;
            other.ForgetMemo();
        }
    }
    return *this;
}

std::ostream& operator<<(std::ostream& out, const HeaderValue& value);

} // namespace sipsim

#endif
