// The header-line memo of ValidateSemantics.
#include "validated_lines.h"

#include "hash_bytes.h"

#include <cstring>

namespace sipsim
{

ValidatedLines::ValidatedLines(std::size_t capacity) : m_capacity(capacity == 0 ? 1 : capacity)
{
}

uint64_t
ValidatedLines::Hash(uint8_t kind, std::string_view value)
{
    return HashBytes(value) * 31 + kind;
}

std::size_t
ValidatedLines::Probe(uint64_t hash, uint8_t kind, std::string_view value) const
{
    const std::size_t mask = m_slots.size() - 1;
    // The table is never more than half full, so an empty slot ends every probe.
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask)
    {
        const Slot& slot = m_slots[i];
        if (!slot.used || (slot.hash == hash && slot.kind == kind && slot.length == value.size() &&
                           (value.empty() || std::memcmp(m_arena.data() + slot.offset, value.data(),
                                                         value.size()) == 0)))
        {
            return i;
        }
    }
}

bool
ValidatedLines::Contains(uint8_t kind, std::string_view value) const
{
    return m_size != 0 && m_slots[Probe(Hash(kind, value), kind, value)].used;
}

void
ValidatedLines::Add(uint8_t kind, std::string_view value)
{
    if (m_slots.empty())
    {
        std::size_t slots = 2;
        while (slots < 2 * m_capacity)
        {
            slots *= 2;
        }
        m_slots.resize(slots);
    }
    if (m_size >= m_capacity || m_arena.size() + value.size() > UINT32_MAX)
    {
        Clear();
    }
    const uint64_t hash = Hash(kind, value);
    Slot& slot = m_slots[Probe(hash, kind, value)];
    if (slot.used)
    {
        return;
    }
    slot = Slot{hash, static_cast<uint32_t>(m_arena.size()), static_cast<uint32_t>(value.size()),
                kind, true};
    m_arena.append(value);
    ++m_size;
}

void
ValidatedLines::Clear()
{
    for (Slot& slot : m_slots)
    {
        slot.used = false;
    }
    m_arena.clear();
    m_size = 0;
}

} // namespace sipsim
