#ifndef SIPSIM_AUTH_DIGEST_SERVER_H
#define SIPSIM_AUTH_DIGEST_SERVER_H

#include "digest.h"
#include "sip/hash_bytes.h"
#include "sip/headers.h"
#include "sip/types.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sipsim
{

/// The users of one realm: a password, or precomputed HA1 values (H(user:realm:password)) so a
/// store need not hold plain passwords.
class CredentialStore
{
public:
    void AddUser(std::string username, std::string password);
    /// `ha1` is the non-session HA1 in lowercase hex; a -sess algorithm stores it for its base
    /// hash (MD5-sess shares MD5's HA1).
    void AddHa1(std::string username, DigestAlgorithm algorithm, std::string ha1);
    void Remove(std::string_view username);
    bool Has(std::string_view username) const;
    std::size_t Size() const { return m_users.size(); }

    /// The non-session HA1 for `username` in `realm`, or nullopt when the user is unknown or
    /// has neither a password nor an HA1 for this hash.
    std::optional<std::string> Ha1(std::string_view username, std::string_view realm,
                                   DigestAlgorithm algorithm) const;

private:
    struct User
    {
        std::optional<std::string> password;
        std::map<DigestAlgorithm, std::string> ha1; ///< keyed by the base (non-sess) algorithm
        /// HA1s computed from the password, with the realm each is for: a server asks for its
        /// own realm on every request, and H(username:realm:password) is a hash per request
        /// otherwise. Cleared when the password changes.
        mutable std::map<DigestAlgorithm, std::pair<std::string, std::string>> derivedHa1;
    };
    std::map<std::string, User, std::less<>> m_users;
};

struct DigestServerConfig
{
    std::string realm;
    DigestAlgorithm algorithm = DigestAlgorithm::Md5;
    /// Offer qop="auth" (RFC 3261 §22.4 SHOULD); false is RFC 2069 mode without nc, so replay
    /// protection is then the nonce lifetime only.
    bool qop = true;
    /// Also offer auth-int (qop="auth,auth-int"); needs `qop`.
    bool authInt = false;
    /// How long a nonce is accepted after its challenge.
    Duration nonceLifetime = Seconds(300);
    /// The most challenges (nonces) tracked at once; beyond it the oldest is dropped, and a
    /// client still using it gets StaleNonce and retries with a new nonce.
    std::size_t maxOutstandingNonces = 4096;
};

/// Outcome of checking credentials. Everything but Ok calls for a new challenge (401/407);
/// only StaleNonce sets stale=true in it (RFC 7616 §3.3).
enum class DigestVerdict
{
    Ok,
    NoCredentials,        ///< none, none for our realm, or not the Digest scheme
    UnknownUser,          ///< username not in the credential store
    WrongPassword,        ///< response does not match
    StaleNonce,           ///< right response, but the nonce expired (or was dropped)
    UnknownNonce,         ///< a nonce this server never issued: challenge afresh, stale=false
    ReplayedNonceCount,   ///< right response, but nc already used (or below the replay window)
    RealmMismatch,        ///< credentials for another realm
    UnsupportedAlgorithm, ///< not the algorithm this server challenges with
    Malformed,            ///< a required parameter missing or invalid
};

const char* DigestVerdictName(DigestVerdict verdict);

/// Digest authentication for a registrar, UAS or proxy in one realm. It issues nonces that
/// carry their issue time and a keyed hash, so an expired nonce is recognised (StaleNonce) even
/// after it left the table; the table holds only live nonces and their nc history, which bounds
/// memory by maxOutstandingNonces and the lifetime. `now` must not decrease between calls.
///
/// Replay check (qop modes): per nonce, a sliding window like IPsec anti-replay (RFC 4303
/// §3.4.3): the highest accepted nc plus a bitmap of the kNcWindow ncs below it. An nc not yet
/// accepted is Ok even when it arrives after a higher one (a lost INVITE retransmitted after a
/// later request reused the nonce); one already accepted, or below the window, is a replay.
/// Exception: credentials identical to a recently accepted use (same nc, cnonce and response)
/// are Ok again, because a retransmitted request carries the very same bytes (§17) and a
/// stateless proxy sees each retransmission. Same nc with another cnonce is a replay.
class DigestServer
{
public:
    /// `random` supplies the nonce key, opaque and nonces; it must outlive the server.
    DigestServer(DigestServerConfig config, CredentialStore credentials, RandomSource& random);

    /// A challenge for WWW-Authenticate or Proxy-Authenticate: realm, qop, nonce, opaque,
    /// algorithm, and stale=TRUE when `stale`. Records the nonce.
    AuthHeader Challenge(TimePoint now, bool stale = false);
    /// Checks credentials from Authorization or Proxy-Authorization against `method` and, for
    /// auth-int, `body`. On Ok the nc is recorded as used for the nonce.
    DigestVerdict Verify(TimePoint now, std::string_view method, const AuthHeader& credentials,
                         std::string_view body = {});
    /// Verifies the value meant for this realm among all of a request's credentials (several
    /// proxies may have challenged, §22.3); NoCredentials when none is for this realm.
    DigestVerdict VerifyAny(TimePoint now, std::string_view method,
                            const std::vector<AuthHeader>& credentials, std::string_view body = {});

    /// Drops nonces past their lifetime. Challenge and Verify call it too.
    void Purge(TimePoint now);
    std::size_t OutstandingNonces() const { return m_nonces.size(); }

    const DigestServerConfig& Config() const { return m_config; }
    CredentialStore& Credentials() { return m_credentials; }
    const CredentialStore& Credentials() const { return m_credentials; }

private:
    /// How many ncs below the highest accepted one the replay window still tracks.
    static constexpr uint32_t kNcWindow = 64;
    /// How many accepted (nc, cnonce, response) uses per nonce are remembered so their exact
    /// retransmissions pass; a few cover the requests a UA has in flight on one nonce.
    static constexpr std::size_t kRememberedUses = 8;

    struct AcceptedUse
    {
        uint32_t nc = 0;
        std::string cnonce;
        std::string response;
    };

    struct NonceState
    {
        TimePoint issued;
        uint32_t highestNc = 0;         ///< 0 until an nc was accepted (nc 0 is malformed)
        uint64_t seenBelow = 0;         ///< bit i-1 set: highestNc - i was accepted (1 <= i <= 64)
        std::deque<AcceptedUse> recent; ///< newest last, at most kRememberedUses
    };

    /// Applies the replay window to a correct response; records the use on Ok.
    static DigestVerdict CheckNonceCount(NonceState& state, uint32_t nc, const std::string& cnonce,
                                         const std::string& response);

    std::string MakeNonce(TimePoint issued, uint64_t salt) const;
    /// The issue time of a nonce this server made, or nullopt for a foreign or forged one.
    std::optional<TimePoint> NonceIssueTime(std::string_view nonce) const;
    bool Expired(TimePoint issued, TimePoint now) const;

    DigestServerConfig m_config;
    CredentialStore m_credentials;
    RandomSource& m_random;
    std::string m_key;    ///< keys the nonce hash so clients cannot mint nonces
    std::string m_opaque; ///< constant per server; echoed by clients
    std::unordered_map<std::string, NonceState, BytesHasher> m_nonces;
    std::deque<std::string> m_issueOrder; ///< nonces of m_nonces, oldest first
};

} // namespace sipsim

#endif
