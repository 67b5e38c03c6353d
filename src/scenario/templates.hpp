// ${VARIABLE} substitution for load-balancer configurations and commands. A template line that
// names a per-replica variable (${REPLICA_ADDRESS}, ${REPLICA_HTTP_PORT}, ${REPLICA_HTTPS_PORT},
// ${REPLICA_ID}, ${REPLICA_NAME}, ${REPLICA_N}) is repeated once per replica, so one template
// fits any cluster size. "$${" writes a literal "${" (for HAProxy's own environment syntax).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace dtrsim {

struct TemplateVars {
  std::map<std::string, std::string> global;
  std::vector<std::map<std::string, std::string>> replicas;  // REPLICA_* per replica
};

// Throws std::runtime_error("line 12: unknown variable ${FOO}").
std::string render_template(const std::string& text, const TemplateVars& vars);

// One string with global variables only.
std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars);

} // namespace dtrsim
