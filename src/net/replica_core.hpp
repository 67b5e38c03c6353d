#pragma once
// The part of a ReplicaServer its connection threads share: environment, counters and the set of
// open connections (so close() can end them all).

#include <sys/socket.h>
#include <unistd.h>

#include "replica_server.hpp"

namespace dtrsim::net {

struct ReplicaServer::Core {
  Core(ServerEnv& e, int n, std::string id, std::shared_ptr<const TlsContexts> t)
      : env(e), number(n), replica_id(std::move(id)), tls(std::move(t)) {}

  ServerEnv& env;
  const int number;
  const std::string replica_id;
  const std::shared_ptr<const TlsContexts> tls;

  std::atomic<std::uint64_t> accepts{0}, handled{0}, requests{0};
  std::atomic<std::uint64_t> reading{0}, writing{0}, waiting{0};
  std::atomic<bool> closing{false};

  std::mutex conn_m;
  std::condition_variable conn_cv;
  std::set<int> fds;

  // False (and nothing registered) while the replica is closing.
  bool add_connection(int fd) {
    std::lock_guard<std::mutex> lock(conn_m);
    if (closing) return false;
    fds.insert(fd);
    return true;
  }

  // Forgets fd and closes it: under the lock, so close() never shuts down a reused descriptor.
  void end_connection(int fd, bool reset) {
    std::lock_guard<std::mutex> lock(conn_m);
    fds.erase(fd);
    if (reset) {
      linger lg{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ::close(fd);
    conn_cv.notify_all();
  }
};

} // namespace dtrsim::net
