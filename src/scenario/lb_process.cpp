// Starting, waiting for and stopping a load-balancer process.
#include "lb_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "../net/socket.hpp"

namespace dtrsim {

namespace {

// The program's path as execvp would find it, resolved before fork().
std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = ::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end == start ? "." : dirs.substr(start, end - start)) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return name;  // execve fails with ENOENT and the child reports it
}

} // namespace

void LbProcess::start(const std::vector<std::string>& argv, const std::string& cwd,
                      const std::map<std::string, std::string>& env, const std::string& log_file) {
  log_file_ = log_file;
  // Everything the child needs is prepared here: after fork() in a multi-threaded process the
  // child may only make async-signal-safe calls (no allocation) until it execs.
  std::string program = find_program(argv.at(0));
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (!env.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
  int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot write " + log_file + ": " + std::strerror(errno));
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork: " + std::string(std::strerror(errno)));
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (::chdir(cwd.c_str()) != 0) {
      int err = errno;
      [[maybe_unused]] auto w = ::write(ready[1], &err, sizeof err);
      ::_exit(127);
    }
    ::execve(program.c_str(), args.data(), envp.data());
    int err = errno;
    [[maybe_unused]] auto w = ::write(ready[1], &err, sizeof err);
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);
  ::close(log);
  ::close(ready[1]);
  int err = 0;
  ssize_t n = ::read(ready[0], &err, sizeof err);  // EOF (exec succeeded) or the child's errno
  ::close(ready[0]);
  if (n == sizeof err) {
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("cannot start \"" + argv[0] + "\" in " + cwd + ": " + std::strerror(err));
  }
}

bool LbProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::kill(-pid_, SIGKILL);  // leftover workers of its group
    pid_ = -1;
    return false;
  }
  return true;
}

void LbProcess::wait_ready(const std::vector<std::pair<std::string, int>>& endpoints,
                           std::chrono::milliseconds timeout, const std::atomic<bool>* abort) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (const auto& [host, port] : endpoints) {
    for (;;) {
      if (abort && abort->load()) throw LbWaitInterrupted();
      if (!running())
        throw std::runtime_error("the load balancer exited with status " + std::to_string(exit_status_) +
                                 " before listening on " + net::format_endpoint(host, port) +
                                 "; the end of its log:\n" + log_tail());
      net::SocketAddress sa = net::make_address(host, port);
      int fd = ::socket(sa.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
      bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&sa.storage), sa.length) == 0;
      if (fd >= 0) ::close(fd);
      if (ok) break;
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("the load balancer did not listen on " + net::format_endpoint(host, port) +
                                 " within " + std::to_string(timeout.count()) +
                                 "ms; the end of its log:\n" + log_tail());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
}

void LbProcess::stop() {
  if (!running()) return;
  ::kill(-pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (running()) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

std::string LbProcess::log_tail(size_t lines) const {
  std::ifstream in(log_file_);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += "  | " + l + "\n";
  return out.empty() ? "  | (empty)\n" : out;
}

} // namespace dtrsim
