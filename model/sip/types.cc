#include "types.h"

namespace sipsim
{

const char*
TransportName(Transport transport)
{
    switch (transport)
    {
    case Transport::Udp:
        return "UDP";
    case Transport::Tcp:
        return "TCP";
    }
    return "UDP";
}

std::string
Address::ToString() const
{
    if (host.find(':') != std::string::npos && host.front() != '[')
    {
        return "[" + host + "]:" + std::to_string(port);
    }
    return host + ":" + std::to_string(port);
}

bool
Address::operator<(const Address& other) const
{
    if (host != other.host)
    {
        return host < other.host;
    }
    if (port != other.port)
    {
        return port < other.port;
    }
    return transport < other.transport;
}

double
RandomSource::NextUnit()
{
    // 53 random bits give every representable double in [0, 1) on the 2^-53 grid.
    return static_cast<double>(NextU64() >> 11) * (1.0 / 9007199254740992.0);
}

std::string
RandomSource::Token(std::size_t length)
{
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string token;
    token.reserve(length);
    uint64_t bits = 0;
    int remaining = 0;
    for (std::size_t i = 0; i < length; ++i)
    {
        if (remaining == 0)
        {
            bits = NextU64();
            remaining = 10; // 10 draws of 6 bits per 64-bit word
        }
        // Rejection-free mapping: 6 bits modulo 36 has a small bias, irrelevant for ids.
        token.push_back(kAlphabet[(bits & 0x3f) % 36]);
        bits >>= 6;
        --remaining;
    }
    return token;
}

uint64_t
SplitMixRandom::NextU64()
{
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

} // namespace sipsim
