// The fault envelope that `dtrsim ctl fault` builds from its words, kept in the library so that
// the README's examples can be checked through the same code.
#include "dtrsim/command.hpp"
#include "dtrsim/fault_registry.hpp"

namespace dtrsim {

nlohmann::json fault_envelope(const FaultWords& w) {
  nlohmann::json fault = {{"type", w.type}};
  if (!w.name.empty()) fault["name"] = w.name;
  if (!w.ports.empty()) fault["ports"] = w.ports;
  if (!w.duration.empty()) fault["duration"] = w.duration;
  if (w.probability) fault["probability"] = *w.probability;
  if (!w.paths.empty()) {
    nlohmann::json paths = nlohmann::json::array();
    size_t from = 0;
    for (;;) {
      size_t comma = w.paths.find(',', from);
      paths.push_back(w.paths.substr(from, comma - from));
      if (comma == std::string::npos) break;
      from = comma + 1;
    }
    fault["paths"] = paths;
  }
  for (const auto& kv : w.attributes) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CommandError("", "\"" + kv + "\" is not KEY=VALUE (e.g. ms=300)");
    std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, false);
    fault[key] = parsed.is_number() || parsed.is_boolean() ? parsed : nlohmann::json(value);
  }
  return fault;
}

} // namespace dtrsim
