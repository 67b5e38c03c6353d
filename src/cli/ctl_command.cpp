// `dtrsim ctl ...`: a client of the control API. Each verb builds a command of the shared
// vocabulary and posts it; the server does all checking.
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli.hpp"
#include "dtrsim/command.hpp"
#include "dtrsim/control_client.hpp"
#include "dtrsim/fault_registry.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim::cli {
namespace {

using nlohmann::json;

struct CtlFlags {
  std::string control = "http://127.0.0.1:7070";
  std::string token;
  bool json_output = false;
};

// "2" -> 2 (an index), anything else stays a string (name, id, "*").
json replica_value(const std::string& text) {
  if (!text.empty() && text.size() < 7 && text.find_first_not_of("0123456789") == std::string::npos)
    return std::stoi(text);
  return text;
}

std::string failed_services(const json& r) {
  std::string out;
  for (const auto& [name, st] : r["services"].items())
    if (!st.value("healthy", true)) append_item(out, name, ",");
  return out.empty() ? "-" : out;
}

std::string fault_names(const json& r) {
  std::string out;
  for (const auto& f : r.value("faults", json::array()))
    append_item(out, f.value("name", std::string("?")), ",");
  return out.empty() ? "-" : out;
}

void print_status(const json& c) {
  std::cout << std::left << std::setw(12) << "REPLICA" << std::setw(14) << "ID" << std::setw(9)
            << "STATE" << std::setw(8) << "HEALTH" << std::setw(8) << "QUORUM" << std::setw(24)
            << "FAILED" << "FAULTS\n";
  for (const auto& r : c["replicas"]) {
    bool running = r["running"];
    std::string quorum = std::to_string(r["quorum"]["reachable"].get<int>()) + "/" +
                         std::to_string(r["quorum"]["size"].get<int>());
    std::cout << std::setw(12) << r["name"].get<std::string>() << std::setw(14)
              << r["id"].get<std::string>() << std::setw(9) << (running ? "running" : "stopped")
              << std::setw(8) << (running ? std::to_string(r["health"]["status"].get<int>()) : "-")
              << std::setw(8) << (running ? quorum : "-") << std::setw(24) << failed_services(r)
              << fault_names(r) << "\n";
  }
  std::string parts;
  for (const auto& g : c["partitions"]) {
    std::string group;
    for (const auto& n : g) append_item(group, n.get<std::string>(), ",");
    append_item(parts, group, " | ");
  }
  int tolerated = c.value("failures_tolerated", 0);
  std::cout << "partitions: " << (parts.empty() ? "none" : parts) << "; the cluster tolerates "
            << tolerated << " failure" << (tolerated == 1 ? "" : "s") << "\n";
}

void print_journal(const json& j) {
  for (const auto& e : j["entries"]) {
    std::cout << "#" << e["seq"].get<std::uint64_t>() << " " << e["time"].get<std::string>() << " "
              << e["name"].get<std::string>() << " " << e["port"].get<std::string>() << " ";
    if (!e["method"].get<std::string>().empty())
      std::cout << e["method"].get<std::string>() << " " << e["path"].get<std::string>() << " "
                << e["status"].get<int>() << " host=" << e["host"].get<std::string>() << " ";
    std::cout << "peer=" << e["peer"].get<std::string>() << " " << e["duration_ms"].get<double>()
              << "ms";
    if (!e["fault"].get<std::string>().empty()) std::cout << " fault=" << e["fault"].get<std::string>();
    if (e.contains("event")) std::cout << " event=" << e["event"].get<std::string>();
    if (e.contains("detail")) std::cout << " (" << e["detail"].get<std::string>() << ")";
    std::cout << "\n";
  }
}

// A rejected command or query (400) is a usage error; no answer, a refused token (401), a command
// that could not be carried out (409) or a server error is a runtime failure.
[[noreturn]] void fail_with(const ControlError& e) {
  int code = e.status() == 400 || e.status() == 404 ? usage : runtime;
  throw ExitRequest{code, "dtrsim ctl: " + std::string(e.what())};
}

// Posts `command` and prints the resulting state (or the raw JSON).
void post(const CtlFlags& f, const json& command) {
  try {
    ControlClient client(f.control, f.token);
    json out = client.commands(command);
    if (f.json_output) {
      std::cout << out.dump(2) << "\n";
      return;
    }
    for (const auto& w : out.value("warnings", json::array()))
      std::cout << "warning: " << w.get<std::string>() << "\n";
    out.erase("warnings");
    print_status(out);
  } catch (const ControlError& e) {
    fail_with(e);
  }
}

CLI::App* verb(CLI::App& ctl, const char* name, const char* help) {
  return ctl.add_subcommand(name, help);
}

} // namespace

void setup_ctl(CLI::App& app) {
  auto f = std::make_shared<CtlFlags>();
  CLI::App* ctl = app.add_subcommand("ctl", "Drive a running dtrsim through its control API");
  ctl->add_option("--control", f->control, "Control API URL")
      ->envname("DTRSIM_CONTROL")
      ->capture_default_str();
  ctl->add_option("--control-token", f->token, "Bearer token of the control API")
      ->envname("DTRSIM_CONTROL_TOKEN");
  ctl->add_flag("--json", f->json_output, "Print the control API's JSON instead of a table");
  ctl->require_subcommand(1);

  verb(*ctl, "status", "Show replicas, health, quorum, failed services and faults")->callback([f] {
    try {
      json c = ControlClient(f->control, f->token).cluster();
      if (f->json_output) std::cout << c.dump(2) << "\n";
      else print_status(c);
    } catch (const ControlError& e) {
      fail_with(e);
    }
  });

  {
    auto replica = std::make_shared<std::string>();
    auto service = std::make_shared<std::string>();
    auto error = std::make_shared<std::string>();
    CLI::App* v = verb(*ctl, "fail", "Fail a service: fail REPLICA SERVICE [--error TEXT]");
    v->add_option("replica", *replica, "Index, replica-N, id or *")->required();
    v->add_option("service", *service, "registry, garant, rethinkdb, notary or api")->required();
    v->add_option("--error", *error, "The error text health checks report");
    v->callback([f, replica, service, error] {
      json c = {{"do", "fail"}, {"replica", replica_value(*replica)}, {"service", *service}};
      if (!error->empty()) c["error"] = *error;
      post(*f, c);
    });
  }
  {
    auto replica = std::make_shared<std::string>();
    auto service = std::make_shared<std::string>("*");
    CLI::App* v = verb(*ctl, "recover", "Make a service (default: all) healthy again");
    v->add_option("replica", *replica, "Index, replica-N, id or *")->required();
    v->add_option("service", *service, "A service, or * for all")->capture_default_str();
    v->callback([f, replica, service] {
      post(*f, {{"do", "recover"}, {"replica", replica_value(*replica)}, {"service", *service}});
    });
  }
  for (const char* name : {"stop", "start", "remove"}) {
    auto replica = std::make_shared<std::string>();
    std::string help = std::string(name) == "stop"    ? "Close a replica's listeners (connection refused)"
                       : std::string(name) == "start" ? "Reopen a stopped replica on the same ports"
                                                      : "Remove a replica from the cluster (like dtr remove)";
    CLI::App* v = verb(*ctl, name, help.c_str());
    v->add_option("replica", *replica, "Index, replica-N, id or *")->required();
    std::string verb_name = name;
    v->callback([f, replica, verb_name] {
      post(*f, {{"do", verb_name}, {"replica", replica_value(*replica)}});
    });
  }
  {
    auto id = std::make_shared<std::string>();
    auto http_port = std::make_shared<int>(-1);
    auto https_port = std::make_shared<int>(-1);
    CLI::App* v = verb(*ctl, "join", "Add a replica (like dtr join)");
    v->add_option("--id", *id, "Its 12-hex-character id (default: random)");
    v->add_option("--http-port", *http_port, "Its HTTP port (default: the next one)");
    v->add_option("--https-port", *https_port, "Its HTTPS port (default: the next one)");
    v->callback([f, id, http_port, https_port] {
      json c = {{"do", "join"}};
      if (!id->empty()) c["id"] = *id;
      if (*http_port >= 0) c["http_port"] = *http_port;
      if (*https_port >= 0) c["https_port"] = *https_port;
      post(*f, c);
    });
  }
  {
    auto groups = std::make_shared<std::vector<std::string>>();
    CLI::App* v = verb(*ctl, "partition", "Cut the network: partition 1 2,3 (each group reaches only itself)");
    v->add_option("groups", *groups, "Groups of replicas, comma-separated")->required()->expected(2, -1);
    v->callback([f, groups] {
      json g = json::array();
      for (const auto& text : *groups) {
        json group = json::array();
        std::stringstream ss(text);
        std::string item;
        while (std::getline(ss, item, ',')) group.push_back(replica_value(item));
        g.push_back(group);
      }
      post(*f, {{"do", "partition"}, {"groups", g}});
    });
  }
  {
    struct FaultArgs {
      std::string replica;
      double probability = -1;
      FaultWords words;
    };
    auto a = std::make_shared<FaultArgs>();
    CLI::App* v = verb(*ctl, "fault",
                       "Add a transport fault: fault REPLICA TYPE [KEY=VALUE ...], e.g. "
                       "fault 2 latency ms=300");
    v->add_option("replica", a->replica, "Index, replica-N, id or *")->required();
    v->add_option("type", a->words.type, "latency, hang, reset, close, status, garbage, dribble, flap, "
                                    "accept_stall, bandwidth, tls_* (see the README)")
        ->required();
    v->add_option("attributes", a->words.attributes, "The type's attributes: ms=300 code=503 ...");
    v->add_option("--name", a->words.name, "Its name (default: the type)");
    v->add_option("--ports", a->words.ports, "http, https or both (default)");
    v->add_option("--paths", a->words.paths, "Comma-separated paths or prefixes ending in *");
    v->add_option("--probability", a->probability, "0 to 1 (default 1), reproducible with --seed");
    v->add_option("--duration", a->words.duration, "Clear it by itself after this long (e.g. 30s)");
    v->callback([f, a] {
      if (a->probability >= 0) a->words.probability = a->probability;
      json fault;
      try {
        fault = fault_envelope(a->words);
      } catch (const CommandError& e) {
        throw ExitRequest{usage, "dtrsim ctl: " + std::string(e.what())};
      }
      post(*f, {{"do", "fault"}, {"replica", replica_value(a->replica)}, {"fault", fault}});
    });
  }
  {
    auto replica = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    CLI::App* v = verb(*ctl, "clear", "Remove one named fault, or all of a replica's");
    v->add_option("replica", *replica, "Index, replica-N, id or *")->required();
    v->add_option("name", *name, "The fault's name (default: all)");
    v->callback([f, replica, name] {
      json c = {{"do", "clear"}, {"replica", replica_value(*replica)}};
      if (!name->empty()) c["name"] = *name;
      post(*f, c);
    });
  }
  verb(*ctl, "heal", "End all partitions")->callback([f] { post(*f, {{"do", "heal"}}); });
  verb(*ctl, "reset", "All healthy, no faults, no partitions, all running")->callback([f] {
    post(*f, {{"do", "reset"}});
  });
  {
    auto replica = std::make_shared<std::string>();
    auto on = std::make_shared<std::string>();
    CLI::App* v = verb(*ctl, "readonly", "Set replica_readonly: readonly REPLICA on|off");
    v->add_option("replica", *replica, "Index, replica-N, id or *")->required();
    v->add_option("state", *on, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
    v->callback([f, replica, on] {
      post(*f, {{"do", "readonly"}, {"replica", replica_value(*replica)}, {"on", *on == "on"}});
    });
  }
  {
    auto file = std::make_shared<std::string>();
    CLI::App* v = verb(*ctl, "apply", "Post commands from a JSON file (- for stdin)");
    v->add_option("file", *file, "A command object or an array of them")->required();
    v->callback([f, file] {
      std::stringstream ss;
      if (*file == "-") ss << std::cin.rdbuf();
      else {
        std::ifstream in(*file);
        if (!in) throw ExitRequest{usage, "dtrsim ctl: cannot read " + *file};
        ss << in.rdbuf();
      }
      json body = json::parse(ss.str(), nullptr, false);
      if (body.is_discarded()) throw ExitRequest{usage, "dtrsim ctl: " + *file + " is not valid JSON"};
      post(*f, body);
    });
  }
  {
    auto replica = std::make_shared<std::string>();
    auto since = std::make_shared<std::string>();
    auto limit = std::make_shared<int>(0);
    auto clear = std::make_shared<bool>(false);
    CLI::App* v = verb(*ctl, "journal", "Show the requests the replicas served (or --clear)");
    v->add_option("--replica", *replica, "Only this replica");
    v->add_option("--since", *since, "After this sequence number, or since an RFC 3339 time");
    v->add_option("--limit", *limit, "At most this many entries");
    v->add_flag("--clear", *clear, "Empty the journal");
    v->callback([f, replica, since, limit, clear] {
      try {
        ControlClient client(f->control, f->token);
        if (*clear) {
          json out = client.clear_journal();
          std::cout << (f->json_output ? out.dump(2) : "cleared " + out["cleared"].dump() + " entries") << "\n";
          return;
        }
        std::string q;
        auto add = [&q](const std::string& k, const std::string& v) {
          append_item(q, k + "=" + v, "&");
        };
        if (!replica->empty()) add("replica", *replica);
        if (!since->empty()) add("since", *since);
        if (*limit > 0) add("limit", std::to_string(*limit));
        json out = client.journal(q);
        if (f->json_output) std::cout << out.dump(2) << "\n";
        else print_journal(out);
      } catch (const ControlError& e) {
        fail_with(e);
      }
    });
  }
}

} // namespace dtrsim::cli
