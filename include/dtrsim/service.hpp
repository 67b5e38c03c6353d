#pragma once
// The five failable services of a replica (registry, garant, rethinkdb, notary and the api server)
// and their spelling in commands, the control API and health errors.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace dtrsim {

enum class Service { registry, garant, rethinkdb, notary, api };

inline constexpr std::array<Service, 5> kAllServices{Service::registry, Service::garant,
                                                     Service::rethinkdb, Service::notary,
                                                     Service::api};

std::string_view service_name(Service s);
std::optional<Service> parse_service(std::string_view name);

// "registry, garant, rethinkdb, notary, api": for error messages.
std::string service_list();

// Our default error text for a failed service of replica number `replica_number`. These strings
// are plausible, not DTR's own (DTR's real strings are not public); users set their own with
// `fail ... error`.
std::string default_service_error(Service s, int replica_number);

} // namespace dtrsim
