// Blocking and awaiting termination signals.
#include "signals.hpp"

#include <pthread.h>

#include <csignal>

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

} // namespace dtrsim::cli
