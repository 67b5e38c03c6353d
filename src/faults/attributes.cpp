// Attribute checks shared by the fault types.
#include "attributes.hpp"

#include "dtrsim/command.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {

static const std::set<std::string> kEnvelopeKeys = {"type", "name", "ports", "paths",
                                                    "probability", "duration"};

AttributeReader::AttributeReader(const nlohmann::json& envelope, std::string type)
    : j_(envelope), type_(std::move(type)) {}

long long AttributeReader::integer(const char* key, long long min, long long max,
                                   std::optional<long long> fallback) {
  read_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end()) {
    if (fallback) return *fallback;
    throw CommandError(key, "is required for " + type_);
  }
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max)
    throw CommandError(key, "must be an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + " (got " + it->dump() + ")");
  return it->get<long long>();
}

std::optional<std::string> AttributeReader::text(const char* key) {
  read_.insert(key);
  auto it = j_.find(key);
  if (it == j_.end()) return std::nullopt;
  if (!it->is_string()) throw CommandError(key, "must be a string (got " + it->dump() + ")");
  return it->get<std::string>();
}

std::optional<Service> AttributeReader::service(const char* key) {
  auto name = text(key);
  if (!name) return std::nullopt;
  auto s = parse_service(*name);
  if (!s) throw CommandError(key, "unknown service \"" + *name + "\" (one of " + service_list() + ")");
  return s;
}

void AttributeReader::finish() const {
  for (const auto& [key, value] : j_.items()) {
    if (kEnvelopeKeys.count(key) || read_.count(key)) continue;
    std::string known;
    for (const auto& k : read_) append_item(known, k, ", ");
    throw CommandError(key, "unknown attribute for " + type_ +
                                (known.empty() ? " (it takes none)" : " (it takes " + known + ")"));
  }
}

} // namespace dtrsim
