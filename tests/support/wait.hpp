#pragma once
// The only place tests wait: poll a condition until it holds or a bound passes.

#include <chrono>
#include <functional>
#include <thread>

namespace dtrsim::test {

inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

} // namespace dtrsim::test
