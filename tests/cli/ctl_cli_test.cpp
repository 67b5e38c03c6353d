// `dtrsim ctl` against a running `dtrsim run`: every verb, observed on the replicas.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <unistd.h>

#include "net/socket.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/wait.hpp"

using namespace dtrsim::test;
using nlohmann::json;

namespace {

struct RunningSim {
  TempDir dir;
  std::unique_ptr<Process> sim;
  json state;

  RunningSim() {
    sim = std::make_unique<Process>(std::vector<std::string>{
        DTRSIM_BINARY, "run", "--http-port", "0", "--https-port", "0", "--control",
        "127.0.0.1:0", "--sequential-ids", "--heartbeat", "100ms", "--state-file",
        dir.file("state.json")});
    REQUIRE(wait_until([&] { return file_exists(dir.file("state.json")) || !sim->running(); }));
    state = json::parse(read_file(dir.file("state.json")));
  }
  ~RunningSim() {
    sim->signal(SIGTERM);
    int code = sim->wait();
    INFO("dtrsim run's stderr: " << sim->err());
    CHECK(code == 0);
  }

  // Runs `dtrsim ctl ARGS` and returns {exit code, stdout, stderr}.
  std::tuple<int, std::string, std::string> ctl(std::vector<std::string> args) {
    std::vector<std::string> full{DTRSIM_BINARY, "ctl", "--control", state["control_url"]};
    full.insert(full.end(), args.begin(), args.end());
    Process p(full);
    int code = p.wait();
    return {code, p.out(), p.err()};
  }

  int ping(int replica) {
    const json& r = state["replicas"][replica - 1];
    auto res = http_client(r["address"], r["http_port"])->Get("/_ping");
    return res ? res->status : 0;
  }
};

} // namespace

TEST_CASE("dtrsim ctl drives every command and prints the cluster", "[integration][cli]") {
  RunningSim s;
  auto [code, out, err] = s.ctl({"status"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("replica-2   000000000002  running  200     3/3"));

  std::tie(code, out, err) = s.ctl({"fail", "2", "registry", "--error", "disk full"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("replica-2   000000000002  running  503     3/3     registry"));
  CHECK(s.ping(2) == 503);
  CHECK(std::get<0>(s.ctl({"recover", "replica-2"})) == 0);
  CHECK(s.ping(2) == 200);

  CHECK(std::get<0>(s.ctl({"stop", "3"})) == 0);
  CHECK(s.ping(3) == 0);
  CHECK(std::get<0>(s.ctl({"start", "3"})) == 0);
  CHECK(s.ping(3) == 200);

  std::tie(code, out, err) = s.ctl({"partition", "1", "2,3"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("partitions: replica-1 | replica-2,replica-3"));
  CHECK(s.ping(1) == 503);
  CHECK(std::get<0>(s.ctl({"heal"})) == 0);
  CHECK(s.ping(1) == 200);

  std::tie(code, out, err) = s.ctl({"join", "--id", "00000000beef"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("warning: There are currently 4 replicas"));
  CHECK_THAT(out, Catch::Contains("replica-4   00000000beef  running"));
  CHECK(std::get<0>(s.ctl({"remove", "00000000beef"})) == 0);

  std::tie(code, out, err) = s.ctl({"--json", "readonly", "1", "on"});
  CHECK(code == 0);
  CHECK(json::parse(out)["replicas"][0]["readonly"] == true);
  std::tie(code, out, err) = s.ctl({"reset"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("partitions: none"));

  std::tie(code, out, err) = s.ctl({"fault", "2", "status", "code=503", "--paths", "/_ping",
                                    "--name", "down"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("replica-2   000000000002  running  200     3/3     -                       down"));
  CHECK(s.ping(2) == 503);
  std::tie(code, out, err) = s.ctl({"fault", "2", "latency", "ms"});
  CHECK(code == 2);
  CHECK_THAT(err, Catch::Contains("\"ms\" is not KEY=VALUE"));
  CHECK(std::get<0>(s.ctl({"clear", "2", "down"})) == 0);
  CHECK(s.ping(2) == 200);

  std::tie(code, out, err) = s.ctl({"journal", "--replica", "2", "--limit", "50"});
  CHECK(code == 0);
  CHECK_THAT(out, Catch::Contains("replica-2 http GET /_ping 503"));
  std::tie(code, out, err) = s.ctl({"journal", "--clear"});
  CHECK_THAT(out, Catch::StartsWith("cleared "));
}

TEST_CASE("dtrsim ctl exits non-zero with the server's error", "[integration][cli]") {
  RunningSim s;
  auto [code, out, err] = s.ctl({"fail", "replica-9", "registry"});
  CHECK(code == 2);
  CHECK(err == "dtrsim ctl: replica: no replica \"replica-9\"\n");
  std::tie(code, out, err) = s.ctl({"fail", "1", "redis"});
  CHECK(code == 2);
  CHECK_THAT(err, Catch::Contains("service: unknown service \"redis\""));
  Process p({DTRSIM_BINARY, "ctl", "--control", "http://127.0.0.1:1", "status"});
  CHECK(p.wait() == 3);
  CHECK_THAT(p.err(), Catch::Contains("cannot reach the control API at http://127.0.0.1:1"));
}

TEST_CASE("dtrsim ctl exits 3 for a valid command that could not be carried out",
          "[integration][cli]") {
  RunningSim s;
  // Joining on a port another program holds: the command is fine, the port is taken.
  int outsider = dtrsim::net::listen_on("127.0.0.1", 0, 4);
  auto [code, out, err] =
      s.ctl({"join", "--http-port", std::to_string(dtrsim::net::local_port(outsider))});
  CHECK(code == 3);
  CHECK_THAT(err, Catch::Contains("Address already in use"));
  ::close(outsider);
  std::tie(code, out, err) = s.ctl({"status"});
  CHECK(code == 0);
  CHECK_THAT(out, !Catch::Contains("replica-4"));
}

TEST_CASE("dtrsim ctl reads the control URL and token from the environment",
          "[integration][cli]") {
  TempDir dir;
  Process sim({DTRSIM_BINARY, "run", "--replicas", "1", "--http-port", "0", "--https-port", "0",
               "--control", "127.0.0.1:0", "--control-token", "t0ken", "--state-file",
               dir.file("state.json")});
  REQUIRE(wait_until([&] { return file_exists(dir.file("state.json")) || !sim.running(); }));
  json state = json::parse(read_file(dir.file("state.json")));
  std::string url = state["control_url"];
  Process ok({DTRSIM_BINARY, "ctl", "status"},
             {"DTRSIM_CONTROL=" + url, "DTRSIM_CONTROL_TOKEN=t0ken"});
  CHECK(ok.wait() == 0);
  CHECK_THAT(ok.out(), Catch::Contains("replica-1"));
  Process refused({DTRSIM_BINARY, "ctl", "status"}, {"DTRSIM_CONTROL=" + url});
  CHECK(refused.wait() == 3);
  CHECK_THAT(refused.err(), Catch::Contains("Bearer"));
  sim.signal(SIGTERM);
  CHECK(sim.wait() == 0);
}
