#pragma once
// Reads a fault type's own attributes from its envelope, checking types and ranges, and reports
// attributes the type does not know.

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "dtrsim/duration.hpp"
#include "dtrsim/service.hpp"

namespace dtrsim {

class AttributeReader {
 public:
  AttributeReader(const nlohmann::json& envelope, std::string type);

  // An integer in [min, max]; `fallback` when absent, or an error when no fallback.
  long long integer(const char* key, long long min, long long max,
                    std::optional<long long> fallback = std::nullopt);
  std::optional<std::string> text(const char* key);
  std::optional<Service> service(const char* key);

  // Throws for every key that is neither an envelope key nor one the type read.
  void finish() const;

 private:
  const nlohmann::json& j_;
  std::string type_;
  std::set<std::string> read_;
};

} // namespace dtrsim
