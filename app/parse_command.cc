// sipsim parse FILE...: parse each file as one SIP message and print its canonical form
// (or, with --json, a structured view including the typed core headers).
#include "commands.h"
#include "sip/headers.h"
#include "sip/message.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sipsim::app
{

namespace
{

// ordered_json keeps fields in the order written: start line first, typed fields last.
using json = nlohmann::ordered_json;

struct ParseOptions
{
    std::vector<std::string> files;
    bool json = false;
    bool stream = false;
};

bool
ReadFile(const std::string& path, std::string& contents, std::string& problem)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        problem = std::strerror(errno);
        return false;
    }
    contents.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad())
    {
        problem = std::strerror(errno);
        return false;
    }
    return true;
}

json
ParamsJson(const std::vector<GenericParam>& params)
{
    json out = json::object();
    for (const GenericParam& p : params)
    {
        out[p.name] = p.value ? json(*p.value) : json(nullptr);
    }
    return out;
}

json
ViaJson(const Via& via)
{
    json out = {{"protocol", via.protocolName + "/" + via.protocolVersion},
                {"transport", via.transport},
                {"host", via.host},
                {"sent_by", via.SentBy()}};
    if (via.port)
    {
        out["port"] = *via.port;
    }
    if (!via.Branch().empty())
    {
        out["branch"] = std::string(via.Branch());
    }
    out["params"] = ParamsJson(via.params);
    return out;
}

json
NameAddrJson(const NameAddr& address)
{
    json out = json::object();
    if (address.displayName)
    {
        out["display_name"] = *address.displayName;
    }
    out["uri"] = address.uri;
    if (!address.Tag().empty())
    {
        out["tag"] = address.Tag();
    }
    out["params"] = ParamsJson(address.params);
    return out;
}

/// The typed fields, each only when its header is present and parses.
void
AddTypedFields(const SipMessage& message, json& out)
{
    if (auto vias = GetVias(message); vias.Ok() && !vias->empty())
    {
        json list = json::array();
        for (const Via& via : *vias)
        {
            list.push_back(ViaJson(via));
        }
        out["via"] = std::move(list);
    }
    if (auto from = GetFrom(message); from.Ok())
    {
        out["from"] = NameAddrJson(*from);
    }
    if (auto to = GetTo(message); to.Ok())
    {
        out["to"] = NameAddrJson(*to);
    }
    if (auto callId = GetCallId(message); callId.Ok())
    {
        out["call_id"] = *callId;
    }
    if (auto cseq = GetCSeq(message); cseq.Ok())
    {
        out["cseq"] = {{"number", cseq->number}, {"method", cseq->method}};
    }
    if (message.Has("Contact"))
    {
        if (auto contacts = GetContacts(message); contacts.Ok())
        {
            if (contacts->star)
            {
                out["contact"] = "*";
            }
            else
            {
                json list = json::array();
                for (const NameAddr& contact : contacts->contacts)
                {
                    list.push_back(NameAddrJson(contact));
                }
                out["contact"] = std::move(list);
            }
        }
    }
    if (auto maxForwards = GetMaxForwards(message); maxForwards.Ok())
    {
        out["max_forwards"] = *maxForwards;
    }
}

json
MessageJson(const std::string& file, const SipMessage& message)
{
    json out = {{"file", file}};
    if (message.IsRequest())
    {
        out["type"] = "request";
        out["method"] = message.Method();
        out["request_uri"] = message.RequestUri();
    }
    else
    {
        out["type"] = "response";
        out["status_code"] = message.StatusCode();
        out["reason_phrase"] = message.ReasonPhrase();
    }
    out["version"] = message.Version();
    json headers = json::array();
    for (const HeaderField& field : message.Headers())
    {
        headers.push_back({{"name", field.name}, {"value", field.value}});
    }
    out["headers"] = std::move(headers);
    out["body"] = message.Body();
    out["body_length"] = message.Body().size();
    AddTypedFields(message, out);
    return out;
}

int
RunParse(const ParseOptions& options)
{
    // Read everything first: a missing file is a usage error reported on its own.
    std::vector<std::string> contents(options.files.size());
    for (std::size_t i = 0; i < options.files.size(); ++i)
    {
        std::string problem;
        if (!ReadFile(options.files[i], contents[i], problem))
        {
            std::cerr << "sipsim: error: cannot read " << options.files[i] << ": " << problem
                      << "\n";
            return kExitUsage;
        }
    }
    Framing framing = options.stream ? Framing::Stream : Framing::Datagram;
    int status = kExitOk;
    for (std::size_t i = 0; i < options.files.size(); ++i)
    {
        Result<SipMessage> parsed = ParseMessage(contents[i], framing);
        if (!parsed.Ok())
        {
            std::cout.flush(); // keep stdout and stderr in file order on a terminal
            std::cerr << options.files[i] << ": error: " << parsed.Error().ToString() << "\n";
            status = kExitInvalidInput;
            continue;
        }
        if (options.json)
        {
            // Bodies and reason phrases may hold any bytes: replace invalid UTF-8 rather
            // than fail (body_length still gives the exact size).
            std::cout << MessageJson(options.files[i], *parsed)
                             .dump(2, ' ', false, json::error_handler_t::replace)
                      << "\n";
        }
        else
        {
            std::string wire = parsed->Serialize();
            std::cout.write(wire.data(), static_cast<std::streamsize>(wire.size()));
        }
    }
    std::cout.flush();
    return status;
}

} // namespace

void
RegisterParseCommand(CLI::App& app, CommandAction& action)
{
    auto options = std::make_shared<ParseOptions>();
    CLI::App* parse =
        app.add_subcommand("parse", "Parse SIP messages (RFC 3261) and print their canonical form");
    parse->description(
        "Parse each FILE as one SIP message and print its canonical serialization:\n"
        "compact header names expanded, folded lines joined, whitespace around names and\n"
        "values trimmed, body as framed by Content-Length (UDP rules unless --stream).\n"
        "\n"
        "Exit status: 0 when every file parses; 1 when a file is not a valid SIP message,\n"
        "reported on stderr as 'FILE: error: line L, column C: reason' (the other files\n"
        "are still processed); 2 for usage errors such as a missing file or a bad flag.");
    parse->add_option("FILE", options->files, "Files each holding one SIP message (raw bytes)")
        ->required();
    parse->add_flag("--json", options->json,
                    "Print a JSON object per file instead: start line, headers in order, body, "
                    "and typed via/from/to/call_id/cseq/contact/max_forwards where they parse");
    parse->add_flag("--stream", options->stream,
                    "Use stream (TCP) framing: Content-Length is mandatory and must match the "
                    "bytes after the headers exactly");
    parse->footer("Examples:\n  sipsim parse invite.sip\n  sipsim parse --json a.sip b.sip");
    parse->callback([&action, options] { action = [options] { return RunParse(*options); }; });
}

} // namespace sipsim::app
