// Blocking and awaiting termination signals.
#include "signals.hpp"

#include <pthread.h>

#include <csignal>
#include <iostream>
#include <thread>

namespace dtrsim::cli {

static sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void block_termination_signals() {
  sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_termination() {
  sigset_t set = termination_set();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {}
  return sig;
}

int with_abort_on_signal(std::atomic<bool>& abort, const std::function<int()>& work,
                         const std::string& note) {
  block_termination_signals();
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    sigset_t set = termination_set();
    timespec tick{0, 100'000'000};
    while (!done)
      if (sigtimedwait(&set, nullptr, &tick) > 0) {
        std::cerr << "dtrsim: interrupted, " << note << std::endl;
        abort = true;
      }
  });
  int code = work();
  done = true;
  watcher.join();
  return code;
}

} // namespace dtrsim::cli
