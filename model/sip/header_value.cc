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
            std::memcpy(m_storage.chars, text.data(), text.size());
        }
        return;
    }
    m_isInline = false;
    m_storage.shared.block = detail::TextBlock::Create(text);
    m_storage.shared.data = m_storage.shared.block->Chars();
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
    value.m_storage.shared.block = block;
    value.m_storage.shared.data = part.data();
    detail::TextBlock::Retain(block);
    return value;
}

HeaderValue
HeaderValue::Part(std::string_view part) const
{
    return Slice(m_isInline ? nullptr : m_storage.shared.block, part);
}

std::ostream&
operator<<(std::ostream& out, const HeaderValue& value)
{
    return out << value.view();
}

} // namespace sipsim
