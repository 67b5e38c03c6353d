#pragma once
// The one place the current ClusterState lives. Readers (connection threads) take immutable
// snapshots without locking; the Cluster is the only writer and publishes whole new states, so no
// reader ever sees a half-applied command. Waiters (hung requests, slow handshakes) sleep on it and
// wake when a new state is published.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "dtrsim/state.hpp"

namespace dtrsim {

using StatePtr = std::shared_ptr<const ClusterState>;

class StateStore {
 public:
  explicit StateStore(ClusterState initial)
      : state_(std::make_shared<const ClusterState>(std::move(initial))) {}

  StatePtr snapshot() const { return state_.load(std::memory_order_acquire); }

  // Replaces the state and wakes every waiter. Called by the owner of the command lock only.
  void publish(ClusterState next) {
    state_.store(std::make_shared<const ClusterState>(std::move(next)), std::memory_order_release);
    wake_all();
  }

  void wake_all() {
    { std::lock_guard<std::mutex> lock(m_); ++wakeups_; }
    cv_.notify_all();
  }

  // Sleeps until `done()` is true or `deadline` passes; `done` is re-evaluated after every publish
  // or wake_all. Returns done()'s last value.
  bool wait_until(std::chrono::steady_clock::time_point deadline,
                  const std::function<bool()>& done) {
    std::unique_lock<std::mutex> lock(m_);
    return cv_.wait_until(lock, deadline, done);
  }

 private:
  std::atomic<StatePtr> state_;
  std::mutex m_;
  std::condition_variable cv_;
  unsigned long long wakeups_ = 0;
};

} // namespace dtrsim
