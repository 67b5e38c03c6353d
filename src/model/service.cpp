// Service names and our documented default error texts.
#include "dtrsim/service.hpp"

namespace dtrsim {

std::string_view service_name(Service s) {
  switch (s) {
    case Service::registry: return "registry";
    case Service::garant: return "garant";
    case Service::rethinkdb: return "rethinkdb";
    case Service::notary: return "notary";
    case Service::api: return "api";
  }
  return "unknown";
}

std::optional<Service> parse_service(std::string_view name) {
  for (Service s : kAllServices)
    if (service_name(s) == name) return s;
  return std::nullopt;
}

std::string service_list() {
  std::string out;
  for (Service s : kAllServices) {
    if (!out.empty()) out += ", ";
    out += service_name(s);
  }
  return out;
}

std::string default_service_error(Service s, int replica_number) {
  // Replica N sits at 10.0.0.(N+2) on the simulated overlay network dtr-ol.
  std::string ip = "10.0.0." + std::to_string(2 + (replica_number % 250));
  switch (s) {
    case Service::registry:
      return "dial tcp " + ip + ":5000: connect: connection refused";
    case Service::garant:
      return "dial tcp " + ip + ":8080: connect: connection refused";
    case Service::rethinkdb:
      return "dial tcp " + ip + ":28015: connect: connection refused";
    case Service::notary:
      return "dial tcp " + ip + ":4443: connect: connection refused";
    case Service::api:
      return "dial tcp " + ip + ":443: connect: connection refused";
  }
  return "failed";
}

} // namespace dtrsim
