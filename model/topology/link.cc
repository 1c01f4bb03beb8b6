// Link attributes as text (shared by the DOT reader and scenario impairments).

#include "topology/topology.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sipsim
{

namespace
{

Result<double>
ParseProbability(const std::string& key, const std::string& text)
{
    const char* begin = text.c_str();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(begin, &end);
    while (end != nullptr && *end == ' ')
    {
        ++end;
    }
    if (end == begin || *end != '\0' || errno != 0 || !std::isfinite(v))
    {
        return MakeError(key + ": invalid probability '" + text + "'");
    }
    if (v < 0.0 || v > 1.0)
    {
        return MakeError(key + ": probability " + text + " outside [0, 1]");
    }
    return v;
}

const std::map<std::string, int> kLinkKeys = {
    {"delay", 0}, {"jitter", 0},       {"loss", 0},        {"loss_model", 0}, {"ge_p", 0},
    {"ge_r", 0},  {"ge_loss_good", 0}, {"ge_loss_bad", 0}, {"rate", 0},       {"queue_size", 0},
};

} // namespace

bool
IsLinkAttribute(const std::string& key)
{
    return kLinkKeys.count(key) != 0;
}

Result<LinkDirection>
ApplyLinkAttributes(const LinkDirection& base, const std::map<std::string, std::string>& attributes)
{
    LinkDirection out = base;
    for (const auto& [key, value] : attributes)
    {
        if (!IsLinkAttribute(key))
        {
            return MakeError("unknown link attribute '" + key + "'");
        }
    }
    auto get = [&attributes](const char* key) -> const std::string* {
        auto it = attributes.find(key);
        return it == attributes.end() ? nullptr : &it->second;
    };

    for (const char* key : {"delay", "jitter"})
    {
        if (const std::string* v = get(key))
        {
            auto d = ParseDuration(*v);
            if (!d)
            {
                return MakeError(std::string(key) + ": " + d.Error().reason);
            }
            (std::string(key) == "delay" ? out.delay : out.jitter) = *d;
        }
    }
    if (const std::string* v = get("rate"))
    {
        auto r = ParseRate(*v);
        if (!r)
        {
            return MakeError("rate: " + r.Error().reason);
        }
        out.rateBps = *r;
    }
    if (const std::string* v = get("queue_size"))
    {
        char* end = nullptr;
        const long long q = std::strtoll(v->c_str(), &end, 10);
        if (end == v->c_str() || *end != '\0' || q < 1 || q > 1'000'000)
        {
            return MakeError("queue_size: '" + *v + "' is not a packet count in [1, 1000000]");
        }
        out.queueSize = static_cast<uint32_t>(q);
    }

    LossModel& loss = out.loss;
    const std::string* model = get("loss_model");
    const std::string* plain = get("loss");
    if (model != nullptr)
    {
        auto kind = ParseLossModel(*model);
        if (!kind)
        {
            return MakeError("loss_model: " + kind.Error().reason);
        }
        if (*kind != loss.kind)
        {
            // A new model starts from its neutral parameters, not the old model's.
            loss = LossModel{};
            loss.kind = *kind;
            if (*kind == LossModelKind::GilbertElliott && (!get("ge_p") || !get("ge_r")))
            {
                return MakeError("loss_model: gilbert-elliott needs ge_p and ge_r");
            }
        }
    }
    if (plain != nullptr)
    {
        auto p = ParseProbability("loss", *plain);
        if (!p)
        {
            return p.Error();
        }
        if (model == nullptr)
        {
            loss = LossModel{};
            loss.kind = *p > 0.0 ? LossModelKind::Iid : LossModelKind::None;
        }
        else if (loss.kind == LossModelKind::GilbertElliott)
        {
            return MakeError("loss: not used by gilbert-elliott (use ge_loss_good/ge_loss_bad)");
        }
        loss.p = *p;
    }
    struct GeField
    {
        const char* key;
        double* field;
    };
    for (const GeField& f :
         {GeField{"ge_p", &loss.p}, GeField{"ge_r", &loss.r},
          GeField{"ge_loss_good", &loss.lossGood}, GeField{"ge_loss_bad", &loss.lossBad}})
    {
        if (const std::string* v = get(f.key))
        {
            if (loss.kind != LossModelKind::GilbertElliott)
            {
                return MakeError(std::string(f.key) +
                                 ": only valid with loss_model=gilbert-elliott");
            }
            auto p = ParseProbability(f.key, *v);
            if (!p)
            {
                return p.Error();
            }
            *f.field = *p;
        }
    }
    return out;
}

} // namespace sipsim
