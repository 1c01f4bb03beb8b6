// Shared immutable header values: allocation, reference counting, slicing.
#include "header_value.h"

#include <cstring>
#include <new>
#include <ostream>

namespace sipsim
{

namespace detail
{

TextBlock*
TextBlock::Create(std::string_view bytes)
{
    void* memory = ::operator new(sizeof(TextBlock) + bytes.size());
    auto* block = new (memory) TextBlock();
    if (!bytes.empty())
    {
        std::memcpy(block->Chars(), bytes.data(), bytes.size());
    }
    return block;
}

void
TextBlock::Release(TextBlock* block)
{
    if (block->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    {
        block->~TextBlock();
        ::operator delete(block);
    }
}

} // namespace detail

void
HeaderValue::Assign(std::string_view text)
{
    m_size = static_cast<std::uint32_t>(text.size());
    if (text.size() <= kInlineCapacity)
    {
        m_isInline = true;
        if (!text.empty())
        {
            std::memcpy(m_inline, text.data(), text.size());
        }
        return;
    }
    m_isInline = false;
    m_shared.block = detail::TextBlock::Create(text);
    m_shared.data = m_shared.block->Chars();
}

// Out of line: inlined into vector growth, GCC 12 warns falsely (-Wstringop-overflow)
// about the copy into the inline buffer.
HeaderValue::HeaderValue(HeaderValue&& other) noexcept
    : m_size(other.m_size), m_isInline(other.m_isInline)
{
    if (m_isInline)
    {
        std::memcpy(m_inline, other.m_inline, kInlineCapacity);
    }
    else
    {
        m_shared = other.m_shared;
        other.m_isInline = true; // the reference moved here
        other.m_size = 0;
    }
}

HeaderValue
HeaderValue::Slice(detail::TextBlock* block, std::string_view part)
{
    if (block == nullptr || part.size() <= kInlineCapacity)
    {
        return HeaderValue(part);
    }
    HeaderValue value;
    value.m_size = static_cast<std::uint32_t>(part.size());
    value.m_isInline = false;
    value.m_shared.block = block;
    value.m_shared.data = part.data();
    detail::TextBlock::Retain(block);
    return value;
}

HeaderValue
HeaderValue::Part(std::string_view part) const
{
    return Slice(m_isInline ? nullptr : m_shared.block, part);
}

std::ostream&
operator<<(std::ostream& out, const HeaderValue& value)
{
    return out << value.view();
}

} // namespace sipsim
