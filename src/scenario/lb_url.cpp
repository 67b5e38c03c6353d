// Load balancer URLs (SCHEME://ADDRESS:PORT): one parser for the scenario file, the --lb-http and
// --lb-https flags, the launcher and the expectations that send requests through them.
#include <arpa/inet.h>

#include "dtrsim/scenario.hpp"

namespace dtrsim {

std::optional<LbUrl> parse_lb_url(const std::string& url, std::string_view scheme, bool allow_port_0) {
  std::string prefix = std::string(scheme) + "://";
  if (url.rfind(prefix, 0) != 0) return std::nullopt;
  std::string rest = url.substr(prefix.size());
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  LbUrl out;
  out.host = rest.substr(0, colon);
  std::string port = rest.substr(colon + 1);
  bool bracketed = out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']';
  if (bracketed) out.host = out.host.substr(1, out.host.size() - 2);
  in_addr a4{};
  in6_addr a6{};
  bool address = bracketed ? inet_pton(AF_INET6, out.host.c_str(), &a6) == 1
                           : out.host == "localhost" || inet_pton(AF_INET, out.host.c_str(), &a4) == 1;
  // Digits only, no leading zero, at most 65535.
  if (!address || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      (port.size() > 1 && port.front() == '0'))
    return std::nullopt;
  out.port = std::stoi(port);
  if (out.port > 65535 || (out.port == 0 && !allow_port_0)) return std::nullopt;
  return out;
}

std::string lb_url_problem(const std::string& url, std::string_view scheme, bool allow_port_0) {
  return "\"" + url + "\" is not " + std::string(scheme) +
         "://ADDRESS:PORT (ADDRESS: an IP address, [IPv6] or localhost; PORT: 1-65535" +
         (allow_port_0 ? ", or 0 to pick a free one)" : ")");
}

std::vector<std::string> check_lb_flags(const std::string& http, const std::string& https) {
  std::vector<std::string> errors;
  for (auto [flag, scheme, url] : {std::tuple{"--lb-http", "http", &http}, {"--lb-https", "https", &https}})
    if (!url->empty() && !parse_lb_url(*url, scheme, false))
      errors.push_back(std::string(flag) + ": " + lb_url_problem(*url, scheme, false));
  return errors;
}

} // namespace dtrsim
