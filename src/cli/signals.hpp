#pragma once
// SIGINT/SIGTERM handling for long-running subcommands: blocked in every thread, then awaited.

#include <atomic>
#include <functional>
#include <string>

namespace dtrsim::cli {

// Call before starting any thread, so that only wait_for_termination() receives the signals.
void block_termination_signals();
// Returns the signal number that arrived (SIGINT or SIGTERM).
int wait_for_termination();

// Runs `work` with SIGINT/SIGTERM turned into `abort` (and a note on stderr), so that work that
// started processes or changed the cluster can undo it before the program exits.
int with_abort_on_signal(std::atomic<bool>& abort, const std::function<int()>& work,
                         const std::string& note);

} // namespace dtrsim::cli
