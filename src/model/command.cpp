// Parsing and printing of commands.
#include "dtrsim/command.hpp"

#include <algorithm>
#include <map>
#include "dtrsim/text.hpp"

namespace dtrsim {
namespace {

using nlohmann::json;

const std::map<std::string, std::vector<std::string>, std::less<>>& field_table() {
  static const std::map<std::string, std::vector<std::string>, std::less<>> table = {
      {"fail", {"replica", "service", "error"}},
      {"recover", {"replica", "service"}},
      {"fault", {"replica", "fault"}},
      {"clear", {"replica", "name"}},
      {"stop", {"replica"}},
      {"start", {"replica"}},
      {"join", {"id", "http_port", "https_port"}},
      {"remove", {"replica"}},
      {"partition", {"groups"}},
      {"heal", {}},
      {"readonly", {"replica", "on"}},
      {"reset", {}},
  };
  return table;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) append_item(out, i, ", ");
  return out;
}

std::string describe(const json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

ReplicaSelector selector(const json& j, const std::string& path) {
  if (j.is_number_integer()) {
    // Indexes beyond int would wrap around to another replica when resolved.
    bool in_range = j.is_number_unsigned()
                        ? j.get<std::uint64_t>() >= 1 && j.get<std::uint64_t>() <= 1000000
                        : j.get<long long>() >= 1 && j.get<long long>() <= 1000000;
    if (!in_range)
      throw CommandError(path, "no replica \"" + describe(j) + "\" (replicas are numbered from 1)");
    return ReplicaSelector{j};
  }
  if (j.is_string()) return ReplicaSelector{j};
  throw CommandError(path, "must be a replica index, name, id or \"*\" (got " + describe(j) + ")");
}

const json& required(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw CommandError(key, "is required");
  return *it;
}

std::string string_field(const json& v, const char* key) {
  if (!v.is_string()) throw CommandError(key, "must be a string (got " + describe(v) + ")");
  return v.get<std::string>();
}

Service service_field(const json& v, const char* key) {
  std::string name = string_field(v, key);
  if (auto s = parse_service(name)) return *s;
  throw CommandError(key, "unknown service \"" + name + "\" (one of " + service_list() + ")");
}

int port_field(const json& v, const char* key) {
  if (!v.is_number_integer() || v.get<long long>() < 0 || v.get<long long>() > 65535)
    throw CommandError(key, "must be a port number 0-65535 (got " + describe(v) + ")");
  return v.get<int>();
}

} // namespace

CommandError CommandError::under(const std::string& prefix) const {
  if (prefix.empty()) return *this;
  if (path_.empty()) return CommandError(prefix, message_);
  return CommandError(prefix + (path_.front() == '[' ? "" : ".") + path_, message_);
}

const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const char* n : {"fail", "recover", "fault", "clear", "stop", "start", "join", "remove",
                          "partition", "heal", "readonly", "reset"})
      out.push_back(n);
    return out;
  }();
  return names;
}

const std::vector<std::string>& command_fields(std::string_view name) {
  static const std::vector<std::string> none;
  auto it = field_table().find(name);
  return it == field_table().end() ? none : it->second;
}

Command parse_command(const json& j) {
  if (!j.is_object()) throw CommandError("", "a command must be a JSON object with \"do\"");
  auto it = j.find("do");
  if (it == j.end()) throw CommandError("do", "is required (one of " + join_list(command_names()) + ")");
  if (!it->is_string()) throw CommandError("do", "must be a string (got " + describe(*it) + ")");
  std::string name = it->get<std::string>();
  auto fields = field_table().find(name);
  if (fields == field_table().end())
    throw CommandError("do", "unknown command \"" + name + "\" (one of " +
                                 join_list(command_names()) + ")");
  for (const auto& [key, value] : j.items()) {
    if (key == "do") continue;
    const auto& allowed = fields->second;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      throw CommandError(key, "unknown field for \"" + name + "\"" +
                                  (allowed.empty() ? std::string(" (it takes none)")
                                                   : " (expected " + join_list(allowed) + ")"));
  }
  auto opt = [&](const char* key) -> const json* {
    auto f = j.find(key);
    return f == j.end() ? nullptr : &*f;
  };

  if (name == "fail") {
    cmd::Fail c{selector(required(j, "replica"), "replica"),
                service_field(required(j, "service"), "service"), std::nullopt};
    if (auto* e = opt("error")) {
      c.error = string_field(*e, "error");
      if (c.error->empty())
        throw CommandError("error", "must not be empty (leave it out for the default text)");
    }
    return c;
  }
  if (name == "recover") {
    cmd::Recover c{selector(required(j, "replica"), "replica"), std::nullopt};
    if (auto* s = opt("service"); s && !(s->is_string() && *s == "*"))
      c.service = service_field(*s, "service");
    return c;
  }
  if (name == "fault") {
    const json& f = required(j, "fault");
    if (!f.is_object()) throw CommandError("fault", "must be an object with \"type\"");
    return cmd::Fault{selector(required(j, "replica"), "replica"), f};
  }
  if (name == "clear") {
    cmd::Clear c{selector(required(j, "replica"), "replica"), std::nullopt};
    if (auto* n = opt("name")) c.name = string_field(*n, "name");
    return c;
  }
  if (name == "stop") return cmd::Stop{selector(required(j, "replica"), "replica")};
  if (name == "start") return cmd::Start{selector(required(j, "replica"), "replica")};
  if (name == "remove") return cmd::Remove{selector(required(j, "replica"), "replica")};
  if (name == "join") {
    cmd::Join c;
    if (auto* id = opt("id")) c.id = string_field(*id, "id");
    if (auto* p = opt("http_port")) c.http_port = port_field(*p, "http_port");
    if (auto* p = opt("https_port")) c.https_port = port_field(*p, "https_port");
    return c;
  }
  if (name == "partition") {
    const json& g = required(j, "groups");
    if (!g.is_array() || g.size() < 2)
      throw CommandError("groups", "must be an array of at least two groups, e.g. [[1],[2,3]]");
    cmd::Partition c;
    for (size_t i = 0; i < g.size(); ++i) {
      std::string path = "groups[" + std::to_string(i) + "]";
      if (!g[i].is_array() || g[i].empty())
        throw CommandError(path, "must be a non-empty array of replicas");
      std::vector<ReplicaSelector> group;
      for (size_t k = 0; k < g[i].size(); ++k) {
        std::string p = path + "[" + std::to_string(k) + "]";
        ReplicaSelector s = selector(g[i][k], p);
        if (s.all()) throw CommandError(p, "\"*\" cannot be used in a partition");
        group.push_back(std::move(s));
      }
      c.groups.push_back(std::move(group));
    }
    return c;
  }
  if (name == "heal") return cmd::Heal{};
  if (name == "readonly") {
    cmd::Readonly c{selector(required(j, "replica"), "replica"), true};
    if (auto* on = opt("on")) {
      if (!on->is_boolean()) throw CommandError("on", "must be true or false (got " + describe(*on) + ")");
      c.on = on->get<bool>();
    }
    return c;
  }
  return cmd::Reset{};
}

std::vector<Command> parse_commands(const json& j) {
  std::vector<Command> out;
  if (!j.is_array()) {
    out.push_back(parse_command(j));
    return out;
  }
  if (j.empty()) throw CommandError("", "an empty array of commands");
  for (size_t i = 0; i < j.size(); ++i) {
    try {
      out.push_back(parse_command(j[i]));
    } catch (const CommandError& e) {
      throw e.under("[" + std::to_string(i) + "]");
    }
  }
  return out;
}

std::string_view command_name(const Command& c) {
  static const char* names[] = {"fail", "recover", "fault", "clear", "stop", "start",
                                "join", "remove", "partition", "heal", "readonly", "reset"};
  return names[c.index()];
}

json to_json(const Command& c) {
  json j = {{"do", command_name(c)}};
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, cmd::Fail>) {
          j["replica"] = v.replica.value;
          j["service"] = service_name(v.service);
          if (v.error) j["error"] = *v.error;
        } else if constexpr (std::is_same_v<T, cmd::Recover>) {
          j["replica"] = v.replica.value;
          j["service"] = v.service ? std::string(service_name(*v.service)) : "*";
        } else if constexpr (std::is_same_v<T, cmd::Fault>) {
          j["replica"] = v.replica.value;
          j["fault"] = v.fault;
        } else if constexpr (std::is_same_v<T, cmd::Clear>) {
          j["replica"] = v.replica.value;
          if (v.name) j["name"] = *v.name;
        } else if constexpr (std::is_same_v<T, cmd::Stop> || std::is_same_v<T, cmd::Start> ||
                             std::is_same_v<T, cmd::Remove>) {
          j["replica"] = v.replica.value;
        } else if constexpr (std::is_same_v<T, cmd::Join>) {
          if (v.id) j["id"] = *v.id;
          if (v.http_port) j["http_port"] = *v.http_port;
          if (v.https_port) j["https_port"] = *v.https_port;
        } else if constexpr (std::is_same_v<T, cmd::Partition>) {
          json groups = json::array();
          for (const auto& g : v.groups) {
            json group = json::array();
            for (const auto& s : g) group.push_back(s.value);
            groups.push_back(group);
          }
          j["groups"] = groups;
        } else if constexpr (std::is_same_v<T, cmd::Readonly>) {
          j["replica"] = v.replica.value;
          j["on"] = v.on;
        }
      },
      c);
  return j;
}

} // namespace dtrsim
