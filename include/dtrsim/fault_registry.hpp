#pragma once
// The closed list of fault types and the parsing of a fault envelope:
//   {"type": "latency", "name"?, "ports"?: "http"|"https"|"both", "paths"?: ["/_ping", "/api/*"],
//    "probability"?: 0..1, "duration"?: "30s", ...attributes of the type}

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dtrsim/fault.hpp"

namespace dtrsim {

class AttributeReader;

struct FaultType {
  std::string_view name;
  FaultStage stage;
  std::string_view observed;  // what the client sees
  std::unique_ptr<Fault> (*make)(AttributeReader&);
};

// Every fault type, in the README's order.
const std::vector<FaultType>& fault_types();
const FaultType* find_fault_type(std::string_view name);

// Parses an envelope into a fault (without id, added_at and draws, which the caller sets).
// Throws CommandError with paths relative to the envelope ("ms", "probability").
ActiveFault parse_fault(const nlohmann::json& envelope);

// What `dtrsim ctl fault REPLICA TYPE [KEY=VALUE ...] [--name N --ports P --paths A,B
// --probability X --duration D]` says about the fault.
struct FaultWords {
  std::string type, name, ports, paths, duration;  // "": not given
  std::optional<double> probability;
  std::vector<std::string> attributes;  // KEY=VALUE; numbers and booleans are taken as such
};

// The envelope the words describe (unchecked: parse_fault checks it). Throws CommandError for an
// attribute that is not KEY=VALUE.
nlohmann::json fault_envelope(const FaultWords& words);

} // namespace dtrsim
