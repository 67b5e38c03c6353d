#pragma once
// --state-file: a JSON description of the running cluster (replicas with id, name and URLs, the CA
// file, the control URL), written atomically once every listener accepts, for scripts to wait on.

#include <nlohmann/json.hpp>
#include <string>

#include "dtrsim/cluster.hpp"

namespace dtrsim {

nlohmann::json state_file_json(const Cluster& cluster, const std::string& ca_file,
                               const std::string& control_url);

// Writes `text` to `path` through a temporary file in the same directory and rename(2), so a
// reader sees the old file or the whole new one. Throws std::runtime_error naming the path.
void write_file_atomically(const std::string& path, const std::string& text);

// Where the CA is written beside the state file: "run/state.json" -> "run/state.ca.pem".
std::string ca_path_for(const std::string& state_file);

} // namespace dtrsim
