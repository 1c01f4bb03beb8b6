#ifndef SIPSIM_SIP_VALIDATED_LINES_H
#define SIPSIM_SIP_VALIDATED_LINES_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sipsim
{

/// Header lines that already passed ValidateSemantics at one element. The checks are pure
/// functions of the line, and an element meets the same From, To, Call-ID, Contact, Route,
/// Record-Route and lower Via lines again and again (in a request, its retransmissions and
/// its responses), so a remembered line is not checked again: same verdicts, less work.
/// Bounded: everything is forgotten once `capacity` lines are held.
///
/// One open-addressing table and one byte arena instead of a node per line: this is looked
/// up for most header lines of every message, and a node map costs a cache miss per hop.
class ValidatedLines
{
public:
    explicit ValidatedLines(std::size_t capacity);
    bool Contains(uint8_t kind, std::string_view value) const;
    void Add(uint8_t kind, std::string_view value);
    std::size_t Size() const { return m_size; }

private:
    struct Slot
    {
        uint64_t hash = 0;
        uint32_t offset = 0; ///< of the exact value in m_arena: a hash match alone never counts
        uint32_t length = 0;
        uint8_t kind = 0;
        bool used = false;
    };
    static uint64_t Hash(uint8_t kind, std::string_view value);
    /// The slot holding (kind, value), or the empty slot where it would go.
    std::size_t Probe(uint64_t hash, uint8_t kind, std::string_view value) const;
    void Clear();

    std::size_t m_capacity;
    std::size_t m_size = 0;
    std::vector<Slot> m_slots; ///< power of two, at least twice m_capacity; allocated on first Add
    std::string m_arena;
};

} // namespace sipsim

#endif
