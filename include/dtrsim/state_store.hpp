#pragma once
// The one place the current ClusterState lives. Readers (connection threads) take an immutable
// snapshot (a shared_ptr copy under a lock held for that copy only); the Cluster is the only
// writer and publishes whole new states, so no reader ever sees a half-applied command.
// Waiters (hung requests, slow handshakes) sleep on it and wake when a new state is published.

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

  StatePtr snapshot() const {
    std::lock_guard<std::mutex> lock(ptr_m_);
    return state_;
  }

  // Replaces the state and wakes every waiter. Called by the owner of the command lock only.
  void publish(ClusterState next) {
    StatePtr fresh = std::make_shared<const ClusterState>(std::move(next));
    {
      std::lock_guard<std::mutex> lock(ptr_m_);
      state_.swap(fresh);
    }
    wake_all();  // the old state (in `fresh`) is released outside the lock
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
  mutable std::mutex ptr_m_;  // guards state_ only
  StatePtr state_;
  std::mutex m_;              // guards waits and wake-ups
  std::condition_variable cv_;
  unsigned long long wakeups_ = 0;
};

} // namespace dtrsim
