#ifndef SIPSIM_PEER_SOCKET_UTIL_H
#define SIPSIM_PEER_SOCKET_UTIL_H

// Small POSIX helpers shared by the event loop's UDP and TCP halves. Internal to sipsim_peer.

#include "sip/types.h"

#include <netinet/in.h>
#include <optional>
#include <string>
#include <sys/socket.h>

namespace sipsim::peer_detail
{

/// A numeric host and port as a socket address; nullopt for names (no DNS here).
struct SocketAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;

    const sockaddr* Get() const { return reinterpret_cast<const sockaddr*>(&storage); }
    sockaddr* Get() { return reinterpret_cast<sockaddr*>(&storage); }
};

std::optional<SocketAddress> MakeSocketAddress(const std::string& host, uint16_t port);
/// The host (numeric, IPv6 without brackets) and port of a socket address.
Address FromSocketAddress(const sockaddr_storage& storage, Transport transport);
/// "host:port" key used to find connections.
std::string PeerKey(const Address& address);
bool SetNonBlocking(int fd);
/// strerror(errno) as a string.
std::string ErrnoText();

} // namespace sipsim::peer_detail

#endif
