// Field-by-field JSON checks with collected errors.
#include "json_reader.hpp"

#include "dtrsim/text.hpp"

namespace dtrsim {

std::string short_json(const nlohmann::json& v) { return shorten(v.dump()); }

JsonReader::JsonReader(const nlohmann::json& j, std::string path, Errors& errors)
    : j_(j), path_(std::move(path)), errors_(errors), is_object_(j.is_object()) {
  if (!is_object_) errors_.add(path_, "must be an object (got " + short_json(j) + ")");
}

const nlohmann::json* JsonReader::get(const char* key) {
  known_.insert(key);
  if (!is_object_) return nullptr;
  auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

std::optional<std::string> JsonReader::string(const char* key, bool required) {
  const nlohmann::json* v = get(key);
  if (!v) {
    if (required && is_object_) errors_.add(path(key), "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    errors_.add(path(key), "must be a string (got " + short_json(*v) + ")");
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<long long> JsonReader::integer(const char* key, long long min, long long max,
                                             bool required) {
  const nlohmann::json* v = get(key);
  if (!v) {
    if (required && is_object_) errors_.add(path(key), "is required");
    return std::nullopt;
  }
  if (!v->is_number_integer() || v->get<long long>() < min || v->get<long long>() > max) {
    errors_.add(path(key), "must be an integer from " + std::to_string(min) + " to " +
                               std::to_string(max) + " (got " + short_json(*v) + ")");
    return std::nullopt;
  }
  return v->get<long long>();
}

std::optional<bool> JsonReader::boolean(const char* key) {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    errors_.add(path(key), "must be true or false (got " + short_json(*v) + ")");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<Millis> JsonReader::duration(const char* key, bool required) {
  const nlohmann::json* v = get(key);
  if (!v) {
    if (required && is_object_) errors_.add(path(key), "is required");
    return std::nullopt;
  }
  auto d = v->is_string() ? parse_duration(v->get<std::string>()) : std::nullopt;
  if (!d) {
    errors_.add(path(key), short_json(*v) + " " +
                               duration_problem(v->is_string() ? v->get<std::string>() : ""));
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> JsonReader::strings(const char* key, bool required) {
  const nlohmann::json* v = get(key);
  if (!v) {
    if (required && is_object_) errors_.add(path(key), "is required");
    return std::nullopt;
  }
  if (!v->is_array() || v->empty()) {
    errors_.add(path(key), "must be a non-empty array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      errors_.add(path(key) + "[" + std::to_string(i) + "]",
                  "must be a string (got " + short_json((*v)[i]) + ")");
      return std::nullopt;
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

void JsonReader::finish(const std::string& expected) {
  if (!is_object_) return;
  for (const auto& [key, value] : j_.items())
    if (!known_.count(key)) errors_.add(path(key), "unknown key (expected " + expected + ")");
}

} // namespace dtrsim
