// A load balancer run for a scenario: started in its own process group with its output in a log
// file, waited on until it accepts connections, stopped (with its workers) at the end.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace dtrsim {

// wait_ready() was interrupted (Ctrl-C) before the load balancer listened.
class LbWaitInterrupted : public std::runtime_error {
 public:
  LbWaitInterrupted() : std::runtime_error("interrupted while waiting for the load balancer to listen") {}
};

class LbProcess {
 public:
  LbProcess() = default;
  ~LbProcess() { stop(); }
  LbProcess(const LbProcess&) = delete;
  LbProcess& operator=(const LbProcess&) = delete;

  // Throws std::runtime_error when the program cannot be started.
  void start(const std::vector<std::string>& argv, const std::string& cwd,
             const std::map<std::string, std::string>& env, const std::string& log_file);
  // Waits until every "host:port" accepts a TCP connection. Throws std::runtime_error (with the
  // tail of the log) when the process exits or `timeout` passes first, and LbWaitInterrupted as
  // soon as `*abort` is set.
  void wait_ready(const std::vector<std::pair<std::string, int>>& endpoints,
                  std::chrono::milliseconds timeout, const std::atomic<bool>* abort = nullptr);
  // SIGTERM to its process group, then SIGKILL after 3 s. Idempotent.
  void stop();
  bool running();
  pid_t pid() const { return pid_; }
  // Its exit status once running() has seen it exit (128 + N for signal N), -1 before.
  int exit_status() const { return exit_status_; }
  std::string log_tail(size_t lines = 20) const;

 private:
  pid_t pid_ = -1;
  std::string log_file_;
  int exit_status_ = -1;
};

} // namespace dtrsim
