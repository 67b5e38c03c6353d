// Reads one JSON object field by field, checking types, collecting every error with its JSON path
// instead of stopping at the first, and reporting keys it does not know.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dtrsim/duration.hpp"

namespace dtrsim {

class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}
  void add(const std::string& path, const std::string& message) {
    list_.push_back(file_ + ": " + (path.empty() ? "" : path + ": ") + message);
  }
  const std::vector<std::string>& list() const { return list_; }
  size_t size() const { return list_.size(); }

 private:
  std::string file_;
  std::vector<std::string> list_;
};

class JsonReader {
 public:
  // `j` must outlive the reader. A non-object `j` is reported once at `path`.
  JsonReader(const nlohmann::json& j, std::string path, Errors& errors);

  bool ok() const { return is_object_; }
  const nlohmann::json* get(const char* key);  // marks the key as known
  std::optional<std::string> string(const char* key, bool required = false);
  std::optional<long long> integer(const char* key, long long min, long long max,
                                   bool required = false);
  std::optional<bool> boolean(const char* key);
  std::optional<Millis> duration(const char* key, bool required = false);
  std::optional<std::vector<std::string>> strings(const char* key, bool required = false);
  // Reports every key of the object that was never asked for.
  void finish(const std::string& expected);

  std::string path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  Errors& errors() { return errors_; }

 private:
  const nlohmann::json& j_;
  std::string path_;
  Errors& errors_;
  bool is_object_;
  std::set<std::string> known_;
};

std::string short_json(const nlohmann::json& v);

} // namespace dtrsim
