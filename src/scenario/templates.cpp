// Template rendering for load-balancer configurations.
#include "templates.hpp"

#include <sstream>

namespace dtrsim {
namespace {

// Replaces every ${NAME} of `line` from `a`, then `b`. Unknown names throw.
std::string expand(const std::string& line, const std::map<std::string, std::string>& a,
                   const std::map<std::string, std::string>* b, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (line.compare(i, 2, "${") != 0) {
      out += line[i++];
      continue;
    }
    size_t close = line.find('}', i);
    if (close == std::string::npos) throw std::runtime_error(where + "unclosed ${ in \"" + line + "\"");
    std::string name = line.substr(i + 2, close - i - 2);
    auto it = a.find(name);
    if (it != a.end()) out += it->second;
    else if (b && b->count(name)) out += b->at(name);
    else throw std::runtime_error(where + "unknown variable ${" + name + "}");
    i = close + 1;
  }
  return out;
}

bool names_replica_variable(const std::string& line) {
  for (size_t pos = line.find("${REPLICA_"); pos != std::string::npos; pos = line.find("${REPLICA_", pos + 1))
    if (pos == 0 || line[pos - 1] != '$') return true;
  return false;
}

} // namespace

std::string render_template(const std::string& text, const TemplateVars& vars) {
  std::stringstream in(text);
  std::string line, out;
  int number = 0;
  while (std::getline(in, line)) {
    std::string where = "line " + std::to_string(++number) + ": ";
    if (names_replica_variable(line)) {
      for (const auto& replica : vars.replicas) out += expand(line, replica, &vars.global, where) + "\n";
    } else {
      out += expand(line, vars.global, nullptr, where) + "\n";
    }
  }
  return out;
}

std::string substitute(const std::string& text, const std::map<std::string, std::string>& vars) {
  return expand(text, vars, nullptr, "");
}

} // namespace dtrsim
