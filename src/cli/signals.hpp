#pragma once
// SIGINT/SIGTERM handling for long-running subcommands: blocked in every thread, then awaited.

namespace dtrsim::cli {

// Call before starting any thread, so that only wait_for_termination() receives the signals.
void block_termination_signals();
// Returns the signal number that arrived (SIGINT or SIGTERM).
int wait_for_termination();

} // namespace dtrsim::cli
