#pragma once
// The control API's HTTP server: cpp-httplib's routing and parsing, with a connection loop of
// our own so that stop() ends idle keep-alive connections at once instead of after their
// keep-alive timeout. Open sockets are tracked under one lock, so shutting them down never
// races with their close.

#include <httplib.h>

#include <chrono>
#include <mutex>
#include <set>

namespace dtrsim {

class ControlHttpServer : public httplib::Server {
 public:
  ControlHttpServer();

  // Stops accepting and shuts down every open connection; workers then finish at once.
  void stop_all();

 private:
  bool process_and_close_socket(socket_t sock) override;

  std::mutex mutex_;
  std::set<socket_t> open_;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  std::chrono::seconds keep_alive_{5};
  std::chrono::seconds io_timeout_{5};
  std::size_t keep_alive_max_ = 1000;
};

} // namespace dtrsim
