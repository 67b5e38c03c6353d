// A growing pool of connection threads that shrinks again when they stay idle.
#include "worker_pool.hpp"

namespace dtrsim::net {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() {
  std::vector<std::thread> all;
  {
    std::unique_lock<std::mutex> lock(m_);
    stop_ = true;
    cv_.notify_all();
    for (auto& [id, t] : threads_) all.push_back(std::move(t));
    threads_.clear();
    finished_.clear();
  }
  for (auto& t : all)
    if (t.joinable()) t.join();
}

void WorkerPool::join_finished_locked(std::vector<std::thread>& out) {
  for (auto id : finished_) {
    auto it = threads_.find(id);
    if (it == threads_.end()) continue;
    out.push_back(std::move(it->second));
    threads_.erase(it);
  }
  finished_.clear();
}

bool WorkerPool::submit(std::function<void()> job) {
  std::vector<std::thread> done;
  {
    std::lock_guard<std::mutex> lock(m_);
    if (stop_) return false;
    join_finished_locked(done);
    if (idle_ > jobs_.size()) {
      jobs_.push_back(std::move(job));
      cv_.notify_one();
    } else if (threads_.size() < max_threads_) {
      jobs_.push_back(std::move(job));
      std::thread t([this] { run(); });
      auto id = t.get_id();
      threads_.emplace(id, std::move(t));
    } else {
      return false;
    }
  }
  for (auto& t : done) t.join();
  return true;
}

void WorkerPool::run() {
  std::unique_lock<std::mutex> lock(m_);
  for (;;) {
    if (jobs_.empty()) {
      ++idle_;
      bool got = cv_.wait_for(lock, idle_exit_, [this] { return stop_ || !jobs_.empty(); });
      --idle_;
      if (stop_) return;
      if (!got) {
        finished_.push_back(std::this_thread::get_id());
        return;
      }
    }
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job();
    job = nullptr;
    lock.lock();
    if (stop_ && jobs_.empty()) return;
  }
}

} // namespace dtrsim::net
