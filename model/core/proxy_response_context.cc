// Response contexts and the best-response rules of RFC 3261 §16.7 steps 4, 6 and 7.
#include "proxy_response_context.h"

#include <algorithm>

namespace sipsim
{

namespace
{

bool
IsChallengeHeader(const HeaderField& field)
{
    return HeaderNameEquals(field.name, "WWW-Authenticate") ||
           HeaderNameEquals(field.name, "Proxy-Authenticate");
}

} // namespace

ProxyBranch*
ResponseContext::FindBranch(ClientTxnId txn)
{
    for (ProxyBranch& branch : branches)
    {
        if (branch.txn == txn)
        {
            return &branch;
        }
    }
    return nullptr;
}

bool
ResponseContext::AllBranchesDone() const
{
    return std::all_of(branches.begin(), branches.end(),
                       [](const ProxyBranch& b) { return b.done; });
}

bool
ResponseContext::Finished() const
{
    return !serverAlive && std::all_of(branches.begin(), branches.end(),
                                       [](const ProxyBranch& b) { return b.terminated; });
}

int
FinalResponseRank(int statusCode)
{
    const int cls = statusCode / 100;
    switch (cls)
    {
    case 6:
        return 0;
    case 3:
        return 100;
    case 4:
        switch (statusCode)
        {
        case 401:
        case 407:
        case 415:
        case 420:
        case 484:
            return 200;
        default:
            return 210;
        }
    case 5:
        return statusCode == 503 ? 310 : 300;
    default:
        return 1000;
    }
}

void
AddFinalResponse(ResponseContext& context, const SipMessage& response)
{
    const int code = response.StatusCode();
    if (code == 401 || code == 407)
    {
        for (const HeaderField& field : response.Headers())
        {
            if (IsChallengeHeader(field))
            {
                context.challenges.push_back(field);
            }
        }
    }
    if (!context.best || FinalResponseRank(code) < FinalResponseRank(context.best->StatusCode()))
    {
        context.best = response;
    }
}

std::optional<SipMessage>
BuildBestResponse(const ResponseContext& context)
{
    if (!context.best)
    {
        return std::nullopt;
    }
    SipMessage out = *context.best;
    const int code = out.StatusCode();
    if (code == 401 || code == 407)
    {
        auto& headers = out.MutableHeaders();
        headers.erase(std::remove_if(headers.begin(), headers.end(), IsChallengeHeader),
                      headers.end());
        // Before Content-Length, where a UA would have put them.
        auto at = std::find_if(headers.begin(), headers.end(), [](const HeaderField& f) {
            return HeaderNameEquals(f.name, "Content-Length");
        });
        headers.insert(at, context.challenges.begin(), context.challenges.end());
    }
    else if (code == 503)
    {
        out.SetStatus(500, "Server Internal Error");
        out.Remove("Retry-After");
    }
    return out;
}

} // namespace sipsim
