#pragma once
// Runs the dtrsim binary as a child process with captured output, for CLI tests.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace dtrsim::test {

class Process {
 public:
  // Starts `args` (args[0] is the program); stdout and stderr go to temporary files.
  explicit Process(std::vector<std::string> args, std::vector<std::string> env = {});
  ~Process();  // kills the child if it still runs

  // Waits for exit; returns the exit code, 128+signal, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void signal(int sig);
  bool running();
  pid_t pid() const { return pid_; }
  std::string out() const;
  std::string err() const;

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  bool exited_ = false;
  std::string out_path_, err_path_;
};

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
bool file_exists(const std::string& path);

} // namespace dtrsim::test
