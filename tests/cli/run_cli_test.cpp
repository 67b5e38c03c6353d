// `dtrsim run` as a user runs it: state file, signals, startup errors.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/socket.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/wait.hpp"

using namespace dtrsim::test;
using nlohmann::json;

namespace {

std::vector<std::string> run_args(std::vector<std::string> extra) {
  std::vector<std::string> args{DTRSIM_BINARY, "run",         "--http-port", "0",
                                "--https-port", "0",   "--control",   "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

json wait_for_state(Process& p, const std::string& path) {
  REQUIRE(wait_until([&] { return file_exists(path) || !p.running(); }));
  INFO(p.err());
  REQUIRE(file_exists(path));
  return json::parse(read_file(path));
}

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

} // namespace

TEST_CASE("dtrsim run writes a state file once every listener accepts", "[integration][cli]") {
  TempDir dir;
  Process p(run_args({"--state-file", dir.file("state.json"), "--sequential-ids"}));
  json state = wait_for_state(p, dir.file("state.json"));
  REQUIRE(state["replicas"].size() == 3);
  CHECK(state["replicas"][1]["id"] == "000000000002");
  CHECK(state["replicas"][1]["name"] == "replica-2");
  CHECK(state["ca_file"] == dir.file("state.ca.pem"));
  CHECK_THAT(state["control_url"].get<std::string>(), Catch::StartsWith("http://127.0.0.1:"));
  std::string ca = read_file(dir.file("state.ca.pem"));
  CHECK_THAT(ca, Catch::StartsWith("-----BEGIN CERTIFICATE-----"));
  for (const auto& r : state["replicas"]) {
    auto http = http_client(r["address"], r["http_port"]);
    auto res = http->Get("/_ping");
    REQUIRE(res);
    CHECK(res->status == 200);
    auto https = https_client(r["address"], r["https_port"], ca);
    res = https->Get("/_ping");
    REQUIRE(res);
    CHECK(res->get_header_value("X-Dtrsim-Replica") == r["id"]);
    CHECK(r["https_url"] == "https://127.0.0.1:" + std::to_string(r["https_port"].get<int>()));
  }
  CHECK_THAT(p.out(), Catch::Contains("replica-3   000000000003"));
  p.signal(SIGINT);
  CHECK(p.wait() == 0);
}

TEST_CASE("SIGTERM stops within a second even with idle keep-alive clients",
          "[integration][cli]") {
  TempDir dir;
  Process p(run_args({"--state-file", dir.file("s.json")}));
  json state = wait_for_state(p, dir.file("s.json"));
  std::vector<int> idle;
  for (const auto& r : state["replicas"]) {
    int fd = connect_tcp(r["address"], r["http_port"]);
    REQUIRE(fd >= 0);
    std::string req = "GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    REQUIRE(read_response(fd, std::chrono::seconds(2)));
    idle.push_back(fd);
    int tls = connect_tcp(r["address"], r["https_port"]);  // connected, not even handshaking
    REQUIRE(tls >= 0);
    idle.push_back(tls);
  }
  auto start = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  CHECK(p.wait(std::chrono::seconds(1)) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK_THAT(p.out(), Catch::Contains("stopped on SIGTERM"));
  for (int fd : idle) ::close(fd);
}

TEST_CASE("SIGTERM stops within a second with a keep-alive client of the control API, and the "
          "state file goes with the process",
          "[integration][cli]") {
  TempDir dir;
  Process p(run_args({"--state-file", dir.file("s.json")}));
  json state = wait_for_state(p, dir.file("s.json"));
  std::string url = state["control_url"];
  std::string hostport = url.substr(url.find("//") + 2);
  int fd = connect_tcp(hostport.substr(0, hostport.rfind(':')),
                       std::stoi(hostport.substr(hostport.rfind(':') + 1)));
  REQUIRE(fd >= 0);
  std::string req = "GET /v1/cluster HTTP/1.1\r\nHost: x\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  REQUIRE(read_response(fd, std::chrono::seconds(2)));  // now idle, kept alive
  auto start = std::chrono::steady_clock::now();
  p.signal(SIGTERM);
  CHECK(p.wait(std::chrono::seconds(2)) == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK_FALSE(file_exists(dir.file("s.json")));
  ::close(fd);
}

TEST_CASE("a start-up error after the control API started exits at once, never hangs",
          "[integration][cli]") {
  for (int i = 0; i < 5; ++i) {
    Process p(run_args({"--state-file", "/nonexistent-dir/state.json"}));
    auto start = std::chrono::steady_clock::now();
    CHECK(p.wait(std::chrono::seconds(3)) == 3);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    CHECK(count_lines(p.err()) == 1);
    CHECK_THAT(p.err(), Catch::Contains("cannot write /nonexistent-dir/"));
  }
}

TEST_CASE("a port in use is one clear line and a non-zero exit, leaving nothing listening",
          "[integration][cli]") {
  int busy = dtrsim::net::listen_on("127.0.0.1", 0, 16);
  int port = dtrsim::net::local_port(busy);
  int free_fd = dtrsim::net::listen_on("127.0.0.1", 0, 16);
  int free_port = dtrsim::net::local_port(free_fd);
  ::close(free_fd);
  Process p({DTRSIM_BINARY, "run", "--replicas", "1", "--http-port", std::to_string(free_port),
             "--https-port", std::to_string(port), "--control", "127.0.0.1:0"});
  auto start = std::chrono::steady_clock::now();
  int code = p.wait(std::chrono::seconds(1));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  CHECK(code == 3);
  CHECK(count_lines(p.err()) == 1);
  CHECK_THAT(p.err(), Catch::Contains("127.0.0.1:" + std::to_string(port)));
  CHECK_THAT(p.err(), Catch::Contains("Address already in use"));
  // The HTTP port it had bound first was released.
  int again = dtrsim::net::listen_on("127.0.0.1", free_port, 16);
  CHECK(again >= 0);
  ::close(again);
  ::close(busy);
}

TEST_CASE("bad flags are one line naming the flag and exit 2", "[integration][cli]") {
  struct Case {
    std::vector<std::string> args;
    std::string words;
  };
  for (const auto& c : std::vector<Case>{
           {{"--replicas", "abc"}, "--replicas"},
           {{"--replicas", "0"}, "--replicas: 0 is not between 1 and 64"},
           {{"--dtr-version", "9.9"}, "--dtr-version: unknown version \"9.9\""},
           {{"--heartbeat", "5 s"}, "--heartbeat: \"5 s\" is not a duration"},
           {{"--bind", "example.com"}, "--bind: \"example.com\" is not an IP address"},
           {{"--replica-ids", "abc"}, "--replica-ids"},
           {{"--no-such-flag"}, "--no-such-flag"},
           {{"--control", "0.0.0.0:0"}, "refusing to expose the control API beyond loopback"},
           {{"--control", "7070x"}, "--control: \"7070x\" is not ADDRESS:PORT"},
       }) {
    std::vector<std::string> args{DTRSIM_BINARY, "run"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    Process p(args);
    CHECK(p.wait(std::chrono::seconds(2)) == 2);
    CHECK_THAT(p.err(), Catch::Contains(c.words));
  }
}

TEST_CASE("dtrsim --help explains the subcommands and flags", "[integration][cli]") {
  Process top({DTRSIM_BINARY, "--help"});
  CHECK(top.wait() == 0);
  CHECK_THAT(top.out(), Catch::Contains("run"));
  Process run({DTRSIM_BINARY, "run", "--help"});
  CHECK(run.wait() == 0);
  for (const char* flag : {"--replicas", "--distinct-addresses", "--dtr-version", "--state-file",
                           "--seed", "--tls-cert", "--heartbeat"})
    CHECK_THAT(run.out(), Catch::Contains(flag));
}
