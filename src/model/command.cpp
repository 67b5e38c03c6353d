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

std::string describe(const json& v) { return shorten(v.dump()); }

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

std::optional<Command> parse_command(const json& j, std::vector<CommandError>& errors,
                                     const std::vector<std::string>& extra_keys) {
  size_t before = errors.size();
  // Runs one field's check; its CommandError joins `errors` and the others are still checked.
  auto field = [&errors](auto&& check) -> std::optional<decltype(check())> {
    try {
      return check();
    } catch (const CommandError& e) {
      errors.push_back(e);
      return std::nullopt;
    }
  };
  if (!j.is_object()) {
    errors.emplace_back("", "a command must be a JSON object with \"do\"");
    return std::nullopt;
  }
  auto it = j.find("do");
  if (it == j.end()) {
    errors.emplace_back("do", "is required (one of " + join_list(command_names()) + ")");
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors.emplace_back("do", "must be a string (got " + describe(*it) + ")");
    return std::nullopt;
  }
  std::string name = it->get<std::string>();
  auto fields = field_table().find(name);
  if (fields == field_table().end()) {
    errors.emplace_back("do", "unknown command \"" + name + "\" (one of " + join_list(command_names()) + ")");
    return std::nullopt;
  }
  std::vector<std::string> allowed = fields->second;
  allowed.insert(allowed.end(), extra_keys.begin(), extra_keys.end());
  for (const auto& [key, value] : j.items())
    if (key != "do" && std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      errors.emplace_back(key, "unknown field for \"" + name + "\"" +
                                   (allowed.empty() ? std::string(" (it takes none)")
                                                    : " (expected " + join_list(allowed) + ")"));
  auto opt = [&](const char* key) -> const json* {
    auto f = j.find(key);
    return f == j.end() ? nullptr : &*f;
  };
  auto replica = [&] { return field([&] { return selector(required(j, "replica"), "replica"); }); };

  std::optional<Command> out;
  if (name == "fail") {
    auto r = replica();
    auto service = field([&] { return service_field(required(j, "service"), "service"); });
    cmd::Fail c{r.value_or(ReplicaSelector{}), service.value_or(Service{}), std::nullopt};
    if (auto* e = opt("error")) c.error = field([&] {
      std::string text = string_field(*e, "error");
      if (text.empty())
        throw CommandError("error", "must not be empty (leave it out for the default text)");
      return text;
    });
    out = c;
  } else if (name == "recover") {
    cmd::Recover c{replica().value_or(ReplicaSelector{}), std::nullopt};
    if (auto* s = opt("service"); s && !(s->is_string() && *s == "*"))
      c.service = field([&] { return service_field(*s, "service"); });
    out = c;
  } else if (name == "fault") {
    auto f = field([&]() -> json {
      const json& f = required(j, "fault");
      if (!f.is_object()) throw CommandError("fault", "must be an object with \"type\"");
      return f;
    });
    out = cmd::Fault{replica().value_or(ReplicaSelector{}), f.value_or(json())};
  } else if (name == "clear") {
    cmd::Clear c{replica().value_or(ReplicaSelector{}), std::nullopt};
    if (auto* n = opt("name")) c.name = field([&] { return string_field(*n, "name"); });
    out = c;
  } else if (name == "stop") {
    out = cmd::Stop{replica().value_or(ReplicaSelector{})};
  } else if (name == "start") {
    out = cmd::Start{replica().value_or(ReplicaSelector{})};
  } else if (name == "remove") {
    out = cmd::Remove{replica().value_or(ReplicaSelector{})};
  } else if (name == "join") {
    cmd::Join c;
    if (auto* id = opt("id")) c.id = field([&] { return string_field(*id, "id"); });
    if (auto* p = opt("http_port")) c.http_port = field([&] { return port_field(*p, "http_port"); });
    if (auto* p = opt("https_port")) c.https_port = field([&] { return port_field(*p, "https_port"); });
    out = c;
  } else if (name == "partition") {
    cmd::Partition c;
    auto g = field([&]() -> json {
      const json& g = required(j, "groups");
      if (!g.is_array() || g.size() < 2)
        throw CommandError("groups", "must be an array of at least two groups, e.g. [[1],[2,3]]");
      return g;
    });
    for (size_t i = 0; g && i < g->size(); ++i) {
      std::string path = "groups[" + std::to_string(i) + "]";
      const json& members = (*g)[i];
      if (!members.is_array() || members.empty()) {
        errors.emplace_back(path, "must be a non-empty array of replicas");
        continue;
      }
      std::vector<ReplicaSelector> group;
      for (size_t k = 0; k < members.size(); ++k) {
        std::string p = path + "[" + std::to_string(k) + "]";
        auto s = field([&] {
          ReplicaSelector s = selector(members[k], p);
          if (s.all()) throw CommandError(p, "\"*\" cannot be used in a partition");
          return s;
        });
        if (s) group.push_back(std::move(*s));
      }
      c.groups.push_back(std::move(group));
    }
    out = c;
  } else if (name == "heal") {
    out = cmd::Heal{};
  } else if (name == "readonly") {
    cmd::Readonly c{replica().value_or(ReplicaSelector{}), true};
    if (auto* on = opt("on"))
      c.on = field([&] {
               if (!on->is_boolean()) throw CommandError("on", "must be true or false (got " + describe(*on) + ")");
               return on->get<bool>();
             }).value_or(true);
    out = c;
  } else {
    out = cmd::Reset{};
  }
  if (errors.size() != before) return std::nullopt;
  return out;
}

Command parse_command(const json& j) {
  std::vector<CommandError> errors;
  std::optional<Command> c = parse_command(j, errors);
  if (!c) throw errors.front();
  return *c;
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
