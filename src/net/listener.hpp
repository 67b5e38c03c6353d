#pragma once
// One listening socket with its accept thread. It can be stalled: it then stops accepting and its
// accept queue is filled, so new clients' SYNs are dropped and their connect() times out, while
// connections already accepted keep working (the accept_stall fault).

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dtrsim::net {

class Listener {
 public:
  using AcceptFn = std::function<void(int fd, std::string peer)>;

  static constexpr int kBacklog = 1024;

  // Binds now (throws BindError); accepting starts with start().
  Listener(const std::string& address, int port);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int port() const { return port_; }

  void start(AcceptFn on_accept);
  // Stops accepting and closes the socket: new clients get "connection refused".
  void stop();

  // Takes effect before it returns.
  void set_stalled(bool stalled);

 private:
  void run();
  void wake();
  // True (once) when `peer` is one of our own plug connections.
  bool is_plug(const std::string& peer);

  std::string address_;
  int port_ = 0;
  int fd_ = -1;
  int wake_fd_ = -1;
  AcceptFn on_accept_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::mutex stall_m_;
  std::atomic<bool> stalled_{false};
  std::vector<int> plugs_;
  std::set<std::string> plug_peers_;  // the plugs' addresses, until accepted
};

} // namespace dtrsim::net
