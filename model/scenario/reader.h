#ifndef SIPSIM_SCENARIO_READER_H
#define SIPSIM_SCENARIO_READER_H

// Internal to sipsim_scenario: typed, range-checked reads from one TOML table, with every
// error naming the full dotted key.

#include "sip/result.h"
#include "sip/types.h"
#include "topology/topology.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <toml++/toml.h>

namespace sipsim::detail
{

inline std::string
Join(const std::string& prefix, const std::string& key)
{
    return prefix.empty() ? key : prefix + "." + key;
}

/// Reads one table, remembering the first error; later calls do nothing once it failed.
class Reader
{
public:
    Reader(const toml::table* table, std::string prefix, std::optional<ParseError>* error)
        : m_table(table), m_prefix(std::move(prefix)), m_error(error)
    {
    }

    bool Failed() const { return m_error->has_value(); }
    bool Has(const char* key) const { return m_table != nullptr && m_table->contains(key); }
    const std::string& Prefix() const { return m_prefix; }
    const toml::table* Table() const { return m_table; }

    void Fail(const std::string& key, const std::string& reason)
    {
        if (!Failed())
        {
            *m_error = MakeError(Join(m_prefix, key) + ": " + reason);
        }
    }

    /// Rejects keys outside `allowed`, naming the full dotted key.
    void Allow(std::initializer_list<const char*> allowed)
    {
        if (m_table == nullptr || Failed())
        {
            return;
        }
        const std::set<std::string> keys(allowed.begin(), allowed.end());
        for (const auto& [key, node] : *m_table)
        {
            if (keys.count(std::string(key.str())) == 0)
            {
                *m_error =
                    MakeError("unknown key '" + Join(m_prefix, std::string(key.str())) + "'");
                return;
            }
        }
    }

    Reader Sub(const char* key)
    {
        const toml::node* node = Get(key);
        if (node != nullptr && !node->is_table())
        {
            Fail(key, "expected a table");
            node = nullptr;
        }
        return Reader(node != nullptr ? node->as_table() : nullptr, Join(m_prefix, key), m_error);
    }

    /// A reader for a nested table that is not a plain key (an array element).
    Reader At(const toml::table* table, const std::string& key) const
    {
        return Reader(table, Join(m_prefix, key), m_error);
    }

    const toml::node* Get(const char* key) const
    {
        return m_table == nullptr || m_error->has_value() ? nullptr : m_table->get(key);
    }

    template <typename T> void Int(const char* key, T* out, int64_t min, int64_t max)
    {
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return;
        }
        if (!node->is_integer())
        {
            return Fail(key, "expected an integer");
        }
        const int64_t v = node->as_integer()->get();
        if (v < min || v > max)
        {
            return Fail(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) +
                                 "], got " + std::to_string(v));
        }
        *out = static_cast<T>(v);
    }

    void Double(const char* key, double* out, double min, double max)
    {
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return;
        }
        if (!node->is_number())
        {
            return Fail(key, "expected a number");
        }
        const double v = node->value<double>().value_or(std::nan(""));
        if (!(v >= min && v <= max))
        {
            std::ostringstream os;
            os << "must be in [" << min << ", " << max << "], got " << v;
            return Fail(key, os.str());
        }
        *out = v;
    }

    void Bool(const char* key, bool* out)
    {
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return;
        }
        if (!node->is_boolean())
        {
            return Fail(key, "expected true or false");
        }
        *out = node->as_boolean()->get();
    }

    void String(const char* key, std::string* out)
    {
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return;
        }
        if (!node->is_string())
        {
            return Fail(key, "expected a string");
        }
        *out = node->as_string()->get();
    }

    /// "10ms"-style string or a number of seconds.
    void Time(const char* key, Duration* out, bool positive = false)
    {
        std::string text;
        if (!ScalarText(key, &text))
        {
            return;
        }
        auto d = ParseDuration(text);
        if (!d)
        {
            return Fail(key, d.Error().reason);
        }
        if (positive && d->count() <= 0)
        {
            return Fail(key, "must be > 0");
        }
        *out = *d;
    }

    template <typename E> void Enum(const char* key, E* out, const std::map<std::string, E>& names)
    {
        std::string text;
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return;
        }
        String(key, &text);
        if (Failed())
        {
            return;
        }
        auto it = names.find(text);
        if (it == names.end())
        {
            std::string options;
            for (const auto& [name, value] : names)
            {
                options += (options.empty() ? "" : ", ") + name;
            }
            return Fail(key, "unknown value '" + text + "' (use " + options + ")");
        }
        *out = it->second;
    }

    /// The value as text for ApplyLinkAttributes: strings as is, numbers printed.
    bool ScalarText(const char* key, std::string* out)
    {
        const toml::node* node = Get(key);
        if (node == nullptr)
        {
            return false;
        }
        if (node->is_string())
        {
            *out = node->as_string()->get();
        }
        else if (node->is_integer())
        {
            *out = std::to_string(node->as_integer()->get());
        }
        else if (node->is_floating_point())
        {
            std::ostringstream os;
            os.precision(17);
            os << node->as_floating_point()->get();
            *out = os.str();
        }
        else
        {
            Fail(key, "expected a string or a number");
            return false;
        }
        return true;
    }

private:
    const toml::table* m_table;
    std::string m_prefix;
    std::optional<ParseError>* m_error;
};

} // namespace sipsim::detail

#endif
