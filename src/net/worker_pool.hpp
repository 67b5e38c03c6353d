#pragma once
// Threads for connections: one per open connection, reused when a connection ends, created on
// demand up to a limit. A load balancer holding hundreds of idle keep-alive connections therefore
// never starves a fresh health check (unlike a fixed pool of 8).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace dtrsim::net {

class WorkerPool {
 public:
  explicit WorkerPool(size_t max_threads = 4096,
                      std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `job` on an idle thread or a new one. False when `max_threads` are all busy.
  bool submit(std::function<void()> job);

 private:
  void run();
  void join_finished_locked(std::vector<std::thread>& out);

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex m_;
  std::condition_variable cv_;
  std::condition_variable exited_cv_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread::id> finished_;
  size_t idle_ = 0;
  bool stop_ = false;
};

} // namespace dtrsim::net
