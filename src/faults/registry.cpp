// The closed list of fault types, and the parsing of the envelope every fault shares.
#include "dtrsim/fault_registry.hpp"

#include "dtrsim/command.hpp"
#include "fault_types.hpp"
#include "dtrsim/text.hpp"

namespace dtrsim {

using namespace faults;

const std::vector<FaultType>& fault_types() {
  static const std::vector<FaultType> types = {
      {"latency", FaultStage::request, "the normal response, late", make_latency},
      {"hang", FaultStage::request, "request read, no response until the client gives up", make_hang},
      {"reset", FaultStage::request, "TCP RST (connection reset by peer)", make_reset},
      {"close", FaultStage::request, "connection closed with no response (empty reply)", make_close},
      {"status", FaultStage::request, "that status instead of the real answer", make_status},
      {"garbage", FaultStage::request, "random non-HTTP bytes, then close", make_garbage},
      {"dribble", FaultStage::request, "the normal response, slowly", make_dribble},
      {"flap", FaultStage::service, "a service alternates failed/healthy every period", make_flap},
      {"accept_stall", FaultStage::accept, "new connections queue, then time out at connect",
       make_accept_stall},
      {"bandwidth", FaultStage::connection, "the whole connection throttled, both directions",
       make_bandwidth},
      {"tls_handshake_failure", FaultStage::handshake, "the TLS handshake aborted",
       make_tls_handshake_failure},
      {"tls_slow_handshake", FaultStage::handshake, "the TLS handshake completes late",
       make_tls_slow_handshake},
      {"tls_expired_cert", FaultStage::handshake, "a certificate that has expired",
       make_tls_expired_cert},
      {"tls_wrong_host", FaultStage::handshake, "a certificate for another name",
       make_tls_wrong_host},
      {"tls_untrusted", FaultStage::handshake, "a certificate not signed by the CA",
       make_tls_untrusted},
  };
  return types;
}

const FaultType* find_fault_type(std::string_view name) {
  for (const auto& t : fault_types())
    if (t.name == name) return &t;
  return nullptr;
}

namespace {

std::string type_list() {
  std::string out;
  for (const auto& t : fault_types()) append_item(out, std::string(t.name), ", ");
  return out;
}

void check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '.');
  if (!ok)
    throw CommandError("name", "\"" + name + "\" is not a fault name (1-64 letters, digits, _ - .)");
}

PortSelector parse_ports(const nlohmann::json& v) {
  if (v == "both") return PortSelector::both;
  if (v == "http") return PortSelector::http;
  if (v == "https") return PortSelector::https;
  throw CommandError("ports", "must be \"http\", \"https\" or \"both\" (got " + v.dump() + ")");
}

std::vector<std::string> parse_paths(const nlohmann::json& v) {
  if (!v.is_array() || v.empty())
    throw CommandError("paths", "must be a non-empty array of paths such as [\"/_ping\", \"/api/*\"]");
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    std::string where = "paths[" + std::to_string(i) + "]";
    if (!v[i].is_string()) throw CommandError(where, "must be a string (got " + v[i].dump() + ")");
    std::string p = v[i];
    size_t star = p.find('*');
    if (p.empty() || p.front() != '/' || (star != std::string::npos && star != p.size() - 1))
      throw CommandError(where, "\"" + p + "\" is not a path (start with /; * only at the end)");
    out.push_back(p);
  }
  return out;
}

} // namespace

ActiveFault parse_fault(const nlohmann::json& j) {
  if (!j.is_object()) throw CommandError("", "a fault must be an object with \"type\"");
  auto t = j.find("type");
  if (t == j.end()) throw CommandError("type", "is required (one of " + type_list() + ")");
  if (!t->is_string()) throw CommandError("type", "must be a string (got " + t->dump() + ")");
  const FaultType* type = find_fault_type(t->get<std::string>());
  if (!type)
    throw CommandError("type", "unknown fault type \"" + t->get<std::string>() + "\" (one of " +
                                   type_list() + ")");
  ActiveFault f;
  f.type = std::string(type->name);
  f.stage = type->stage;
  f.name = f.type;
  if (auto n = j.find("name"); n != j.end()) {
    if (!n->is_string()) throw CommandError("name", "must be a string (got " + n->dump() + ")");
    f.name = n->get<std::string>();
  }
  check_name(f.name);
  if (auto p = j.find("ports"); p != j.end()) f.ports = parse_ports(*p);
  if (auto p = j.find("paths"); p != j.end()) f.paths = parse_paths(*p);
  if (auto p = j.find("probability"); p != j.end()) {
    if (!p->is_number() || p->get<double>() < 0 || p->get<double>() > 1)
      throw CommandError("probability", "must be a number from 0 to 1 (got " + p->dump() + ")");
    f.probability = p->get<double>();
  }
  if (auto d = j.find("duration"); d != j.end()) {
    auto parsed = d->is_string() ? parse_duration(d->get<std::string>()) : std::nullopt;
    if (!parsed || parsed->count() <= 0)
      throw CommandError("duration", d->dump() + " " +
                                         (d->is_string() && !parsed ? duration_problem(d->get<std::string>())
                                                                    : duration_problem("")));
    f.duration = parsed;
  }

  std::string why;
  switch (type->stage) {
    case FaultStage::handshake:
      if (f.ports == PortSelector::http)
        throw CommandError("ports", f.type + " acts on the HTTPS port only");
      why = "acts during the TLS handshake, before any path is known";
      break;
    case FaultStage::connection: why = "acts on whole connections, before any path is known"; break;
    case FaultStage::accept: why = "acts on the listener, before any path is known"; break;
    case FaultStage::service: why = "acts on a service, not on requests"; break;
    case FaultStage::request: break;
  }
  if (!why.empty() && !f.paths.empty()) throw CommandError("paths", f.type + " " + why);
  // Selectors that would have nothing to choose among (docs/decisions.md, "Faults").
  if (type->stage == FaultStage::accept && j.contains("probability"))
    throw CommandError("probability", "accept_stall takes no probability: it stops the whole "
                                      "listener, and the kernel, not dtrsim, then turns away "
                                      "every new connection");
  if (type->stage == FaultStage::service && j.contains("probability"))
    throw CommandError("probability", "flap takes no probability: it fails a service for every "
                                      "request alike, period by period (set period_ms)");
  if (type->stage == FaultStage::service && j.contains("ports"))
    throw CommandError("ports", "flap takes no ports: it fails a service of the replica, which "
                                "the health endpoints of both ports report");

  AttributeReader attrs(j, f.type);
  f.impl = type->make(attrs);
  attrs.finish();
  f.spec = j;
  f.spec["name"] = f.name;
  return f;
}

} // namespace dtrsim
