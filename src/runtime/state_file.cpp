// The --state-file document and atomic file writes.
#include "dtrsim/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace dtrsim {

nlohmann::json state_file_json(const Cluster& cluster, const std::string& ca_file,
                               const std::string& control_url) {
  nlohmann::json replicas = nlohmann::json::array();
  for (const auto& r : cluster.replicas())
    replicas.push_back({{"number", r.number},
                        {"id", r.id},
                        {"name", r.name},
                        {"address", r.address},
                        {"http_port", r.http_port},
                        {"https_port", r.https_port},
                        {"http_url", r.http_url},
                        {"https_url", r.https_url},
                        {"fingerprint", r.fingerprint}});
  nlohmann::json out = {{"pid", static_cast<long>(::getpid())},
                        {"profile", cluster.state()->profile.name},
                        {"health_path", cluster.state()->profile.documented_health_path},
                        {"dtr_fqdn", cluster.config().dtr_fqdn},
                        {"seed", cluster.seed()},
                        {"replicas", replicas},
                        {"ca_file", ca_file}};
  out["control_url"] = control_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(control_url);
  return out;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    done += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
}

std::string ca_path_for(const std::string& state_file) {
  size_t slash = state_file.find_last_of('/');
  size_t dot = state_file.find_last_of('.');
  std::string stem = dot != std::string::npos && (slash == std::string::npos || dot > slash)
                         ? state_file.substr(0, dot)
                         : state_file;
  return stem + ".ca.pem";
}

} // namespace dtrsim
