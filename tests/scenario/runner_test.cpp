// dtrsim scenario run as CI runs it: exit codes, the load balancer process, reports, Ctrl-C.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <signal.h>

#include <fstream>

#include "support/process.hpp"
#include "support/wait.hpp"

using namespace dtrsim::test;
using nlohmann::json;

namespace {

std::string src(const std::string& p) { return std::string(DTRSIM_SOURCE_DIR) + "/" + p; }

// Writes a scenario into `dir` and returns its path.
std::string write_scenario(const TempDir& dir, const std::string& name, const json& j) {
  std::string path = dir.file(name);
  std::ofstream(path) << j.dump(2);
  return path;
}

json with_lb(json command, const std::string& ready = "10s") {
  return {{"name", "lb-process"},
          {"description", "load balancer process handling"},
          {"cluster", {{"replicas", 1}}},
          {"load_balancer", {{"command", command}, {"http", "http://127.0.0.1:0"}, {"ready_timeout", ready}}},
          {"steps", json::array({{{"at", "0s"}, {"expect", {{"replica", 1}, {"status", 200}}}}})}};
}

bool process_exists_with(const std::string& marker) {
  Process p({"/usr/bin/pgrep", "-f", marker});
  return p.wait() == 0;
}

} // namespace

TEST_CASE("an invalid scenario exits 2 with every error and starts nothing", "[integration][scenario]") {
  Process p({DTRSIM_BINARY, "scenario", "run", src("tests/scenario/bad/three-errors.json")});
  CHECK(p.wait() == 2);
  CHECK_THAT(p.err(), Catch::Contains("cluster.replicas: must be an integer from 1 to 64 (got 0)"));
  CHECK_THAT(p.err(), Catch::Contains("steps[1].replica: is required"));
  CHECK_THAT(p.err(), Catch::Contains("3 errors in"));
  CHECK_THAT(p.err(), Catch::Contains("nothing was started"));
  CHECK(p.out().empty());
}

TEST_CASE("a load balancer that dies is exit 3 with the end of its log", "[integration][scenario]") {
  TempDir dir;
  std::string file = write_scenario(dir, "dies.json", with_lb({"sh", "-c", "echo 'bind failed: no such thing'; exit 4"}));
  Process p({DTRSIM_BINARY, "scenario", "run", file, "--junit", dir.file("junit.xml")});
  CHECK(p.wait(std::chrono::seconds(20)) == 3);
  CHECK_THAT(p.err(), Catch::Contains("the load balancer exited with status 4"));
  CHECK_THAT(p.err(), Catch::Contains("| bind failed: no such thing"));
  CHECK_THAT(read_file(dir.file("junit.xml")), Catch::Contains("<error message=\"the load balancer exited"));
}

TEST_CASE("a load balancer that never listens is exit 3 and is stopped", "[integration][scenario]") {
  TempDir dir;
  std::string file = write_scenario(dir, "silent.json", with_lb({"sleep", "31.4159"}, "300ms"));
  Process p({DTRSIM_BINARY, "scenario", "run", file});
  CHECK(p.wait(std::chrono::seconds(20)) == 3);
  CHECK_THAT(p.err(), Catch::Contains("did not listen on 127.0.0.1:"));
  CHECK(wait_until([] { return !process_exists_with("sleep 31.4159"); }));
  Process missing({DTRSIM_BINARY, "scenario", "run",
                   write_scenario(dir, "missing.json", with_lb({"no-such-load-balancer-binary"}))});
  CHECK(missing.wait(std::chrono::seconds(20)) == 3);
  CHECK_THAT(missing.err(), Catch::Contains("cannot start \"no-such-load-balancer-binary\""));
}

TEST_CASE("a forwarding load balancer from a rendered config is measured through",
          "[integration][scenario]") {
  TempDir dir;
  Process p({DTRSIM_BINARY, "scenario", "run", src("tests/scenario/forwarder.json"), "--json",
             dir.file("report.json"), "--junit", dir.file("junit.xml"), "--html", dir.file("t.html"),
             "--run-dir", dir.file("run")});
  int code = p.wait(std::chrono::seconds(60));
  INFO(p.out() << p.err());
  CHECK(code == 0);
  CHECK_THAT(p.out(), Catch::Contains("PASS: 5 requests: replica-1 5"));
  CHECK_THAT(p.out(), Catch::Contains("PASS: 3 requests: failed 3"));
  json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["result"] == "passed");
  REQUIRE(report["steps"].size() == 4);
  CHECK(report["steps"][0]["measured"]["answered"] == json{{"replica-1", 5}});
  CHECK(report["steps"][2]["kind"] == "command");
  CHECK(report["steps"][2]["lateness_ms"].get<double>() >= 0);
  // The JUnit file is XML a CI server can read.
  Process xml({"/usr/bin/python3", "-c",
               "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); "
               "print(d.getElementsByTagName('testcase').length)",
               dir.file("junit.xml")});
  CHECK(xml.wait() == 0);
  CHECK(xml.out() == "3\n");
  CHECK_THAT(read_file(dir.file("t.html")), Catch::Contains("<svg"));
  CHECK_FALSE(process_exists_with("forwarder.conf"));
}

TEST_CASE("a failed expectation is exit 1 with the measurement in the reports",
          "[integration][scenario]") {
  TempDir dir;
  json s = {{"name", "fails"},
            {"description", "expects the wrong status"},
            {"cluster", {{"replicas", 1}}},
            {"steps", json::array({{{"at", "0s"}, {"within", "200ms"}, {"expect", {{"replica", 1}, {"status", 503}}}}})}};
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "fails.json", s), "--junit",
             dir.file("j.xml"), "--run-dir", dir.file("run")});
  CHECK(p.wait() == 1);
  CHECK_THAT(p.out(), Catch::Contains("  kept " + dir.file("run") + ": ca.pem\n"));  // no load balancer
  CHECK_THAT(p.out(), Catch::Contains("FAIL (gave up after 0."));
  CHECK_THAT(p.out(), Catch::Contains("status 200, expected 503"));
  CHECK_THAT(read_file(dir.file("j.xml")), Catch::Contains("failures=\"1\""));
  CHECK_THAT(read_file(dir.file("j.xml")), Catch::Contains("<failure message=\"replica-1 https /_ping answered 200"));
}

TEST_CASE("Ctrl-C stops the load balancer and the replicas", "[integration][scenario]") {
  TempDir dir;
  json s = with_lb({"socat", "TCP-LISTEN:${DTRSIM_LB_HTTP_PORT},bind=127.0.0.1,fork,reuseaddr,backlog=27182",
                    "TCP:${DTRSIM_REPLICA_1_ADDRESS}:${DTRSIM_REPLICA_1_HTTP_PORT}"});
  s["steps"].push_back({{"at", "30s"}, {"do", "heal"}});
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "long.json", s), "--run-dir", dir.file("run"),
             "--junit", dir.file("junit.xml"), "--json", dir.file("report.json")});
  REQUIRE(wait_until([&] { return p.out().find("PASS") != std::string::npos; }, std::chrono::seconds(20)));
  CHECK(process_exists_with("backlog=27182"));
  p.signal(SIGINT);
  CHECK(p.wait(std::chrono::seconds(10)) == 3);
  CHECK_THAT(p.err(), Catch::Contains("interrupted"));
  CHECK_THAT(p.out(), Catch::Contains("ERROR: interrupted before the end: 1 of 2 steps ran"));
  CHECK_THAT(p.out(), Catch::Contains("  kept " + dir.file("run") + ": ca.pem, load-balancer.log\n"));
  CHECK_FALSE(process_exists_with("backlog=27182"));
  // CI sees an interrupted run as an error, not as a pass.
  std::string junit = read_file(dir.file("junit.xml"));
  CHECK_THAT(junit, Catch::Contains("tests=\"2\" failures=\"0\" errors=\"1\""));
  CHECK_THAT(junit, Catch::Contains("name=\"run\""));
  CHECK_THAT(junit, Catch::Contains("<error message=\"interrupted before the end: 1 of 2 steps ran\"/>"));
  json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["result"] == "interrupted");
  CHECK(report["error"] == "interrupted before the end: 1 of 2 steps ran");
}

TEST_CASE("a load balancer that dies during the run ends it at once with its exit status",
          "[integration][scenario]") {
  TempDir dir;
  // socat without fork serves one connection (dtrsim's readiness check), then the script exits 5.
  json s = with_lb({"sh", "-c",
                    "socat TCP-LISTEN:${DTRSIM_LB_HTTP_PORT},bind=127.0.0.1,reuseaddr "
                    "TCP:${DTRSIM_REPLICA_1_ADDRESS}:${DTRSIM_REPLICA_1_HTTP_PORT}; echo 'socat is gone'; exit 5"});
  s["steps"].push_back({{"at", "30s"}, {"do", "heal"}});
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "dies-later.json", s), "--run-dir",
             dir.file("run"), "--junit", dir.file("junit.xml"), "--json", dir.file("report.json")});
  CHECK(p.wait(std::chrono::seconds(15)) == 3);  // long before the step at 30 s
  CHECK_THAT(p.err(), Catch::Contains("dtrsim: the load balancer exited with status 5 during the run; the end of "
                                      "its log:\n  | socat is gone\n"));
  CHECK_THAT(read_file(dir.file("junit.xml")),
             Catch::Contains("<error message=\"the load balancer exited with status 5 during the run"));
  json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["result"] == "error");
  CHECK_THAT(report["error"].get<std::string>(), Catch::Contains("socat is gone"));
}

TEST_CASE("load balancer URLs from the command line are checked before anything starts",
          "[integration][scenario]") {
  std::string file = src("tests/scenario/bad-semantic/lb-without-balancer.json");
  Process bad({DTRSIM_BINARY, "scenario", "run", file, "--lb-https", "notaurl"});
  CHECK(bad.wait() == 2);
  CHECK(bad.err() ==
        "dtrsim: --lb-https: \"notaurl\" is not https://ADDRESS:PORT (ADDRESS: an IP address, [IPv6] or "
        "localhost; PORT: 1-65535)\ndtrsim: nothing was started\n");
  CHECK(bad.out().empty());
  // A step on the default port (https) with only an HTTP URL.
  Process wrong_port({DTRSIM_BINARY, "scenario", "run", file, "--lb-http", "http://127.0.0.1:9"});
  CHECK(wrong_port.wait() == 2);
  CHECK_THAT(wrong_port.err(), Catch::Contains(file + ": steps[0].expect.port: no load balancer URL for https "
                                                      "(the default port): pass --lb-https"));
  CHECK(wrong_port.out().empty());
  Process validate({DTRSIM_BINARY, "scenario", "validate", "--lb-http", "http://127.0.0.1:99999", file});
  CHECK(validate.wait() == 2);
  CHECK_THAT(validate.err(), Catch::Contains("dtrsim: --lb-http: \"http://127.0.0.1:99999\" is not http://ADDRESS:PORT"));
  Process validate_ok({DTRSIM_BINARY, "scenario", "validate", "--lb-https", "https://127.0.0.1:8443", file});
  CHECK(validate_ok.wait() == 0);
}

TEST_CASE("an expectation that cannot be checked fails its step and the run goes on",
          "[integration][scenario]") {
  TempDir dir;
  json s = {{"name", "unknown-variable"},
            {"description", "a stats socket path with a variable dtrsim does not have"},
            {"cluster", {{"replicas", 1}}},
            {"steps", json::array({{{"at", "0s"},
                                    {"expect", {{"haproxy", {{"socket", "${NO_SUCH_VARIABLE}/admin.sock"},
                                                             {"backend", "b"}, {"server", "s"}, {"status", "UP"}}}}}},
                                   {{"at", "0s"}, {"expect", {{"replica", 1}, {"status", 200}}}}})}};
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "unknown-variable.json", s), "--run-dir",
             dir.file("run"), "--json", dir.file("report.json")});
  CHECK(p.wait(std::chrono::seconds(20)) == 1);
  CHECK_THAT(p.out(), Catch::Contains("FAIL: could not be checked: unknown variable ${NO_SUCH_VARIABLE}"));
  json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["result"] == "failed");
  REQUIRE(report["steps"].size() == 2);
  CHECK(report["steps"][1]["ok"] == true);
}

namespace {
// The reports a CI server reads must parse, whatever bytes the replicas and the load balancer wrote.
void check_reports_parse(const TempDir& dir) {
  Process xml({"/usr/bin/python3", "-c", "import sys, xml.dom.minidom as m; m.parse(sys.argv[1]); print('ok')",
               dir.file("junit.xml")});
  CHECK(xml.wait() == 0);
  CHECK(xml.out() == "ok\n");
  CHECK_NOTHROW(json::parse(read_file(dir.file("report.json"))));
}
} // namespace

TEST_CASE("bytes that are not UTF-8 do not break the reports", "[integration][scenario]") {
  TempDir dir;
  const std::string fffd = "\xEF\xBF\xBD";
  // The end of the load balancer's log, quoted in the reports, has a 0xFF byte.
  Process dies({DTRSIM_BINARY, "scenario", "run",
                write_scenario(dir, "dies.json", with_lb({"sh", "-c", "printf 'bad \\377 byte\\n'; exit 4"})),
                "--junit", dir.file("junit.xml"), "--json", dir.file("report.json")});
  CHECK(dies.wait(std::chrono::seconds(20)) == 3);
  check_reports_parse(dir);
  CHECK_THAT(json::parse(read_file(dir.file("report.json")))["error"].get<std::string>(),
             Catch::Contains("| bad " + fffd + " byte"));
  CHECK_THAT(read_file(dir.file("junit.xml")), Catch::Contains("| bad " + fffd + " byte"));

  // A body whose excerpt would end in the middle of a character.
  std::string body = "xy";
  for (int i = 0; i < 100; ++i) body += "\xC3\xA9";
  json s = {{"name", "multibyte"},
            {"description", "a long body of two-byte characters"},
            {"cluster", {{"replicas", 1}}},
            {"steps", json::array({{{"at", "0s"}, {"do", "fault"}, {"replica", 1},
                                    {"fault", {{"type", "status"}, {"code", 500}, {"body", body}}}},
                                   {{"at", "0s"}, {"expect", {{"replica", 1}, {"body_contains", "nope"}}}}})}};
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "multibyte.json", s), "--run-dir",
             dir.file("run"), "--junit", dir.file("junit.xml"), "--json", dir.file("report.json")});
  CHECK(p.wait(std::chrono::seconds(20)) == 1);
  check_reports_parse(dir);
  std::string excerpt = json::parse(read_file(dir.file("report.json")))["steps"][1]["measured"]["body"];
  CHECK(excerpt == body.substr(0, 156) + "...");
}

TEST_CASE("Ctrl-C while waiting for the load balancer to listen stops it at once",
          "[integration][scenario]") {
  TempDir dir;
  std::string file = write_scenario(dir, "never-listens.json", with_lb({"sleep", "27.1828"}, "60s"));
  Process p({DTRSIM_BINARY, "scenario", "run", file, "--junit", dir.file("junit.xml")});
  REQUIRE(wait_until([] { return process_exists_with("sleep 27.1828"); }, std::chrono::seconds(20)));
  auto interrupted = std::chrono::steady_clock::now();
  p.signal(SIGINT);
  CHECK(p.wait(std::chrono::seconds(10)) == 3);
  CHECK(std::chrono::steady_clock::now() - interrupted < std::chrono::seconds(5));  // not the 60 s wait
  CHECK_THAT(p.err(), Catch::Contains("dtrsim: interrupted while waiting for the load balancer to listen"));
  CHECK_FALSE(process_exists_with("sleep 27.1828"));
  CHECK_THAT(read_file(dir.file("junit.xml")), Catch::Contains("failures=\"0\" errors=\"1\""));
}

TEST_CASE("an expectation of replica \"*\" must hold on every replica", "[integration][scenario]") {
  TempDir dir;
  json s = {{"name", "every-replica"},
            {"description", "replica \"*\" checks each replica"},
            {"cluster", {{"replicas", 3}, {"sequential_ids", true}}},
            {"steps", json::array({
                          {{"at", "0s"}, {"expect", {{"replica", "*"}, {"status", 200}}}},
                          {{"at", "0s"}, {"within", "2s"},
                           {"expect", {{"cluster_status", {{"replica", "*"}, {"replica_health", {{"*", "OK"}}}}}}}},
                          {{"at", "0s"},
                           {"expect", {{"journal", {{"replica", "*"}, {"path", "/_ping"}, {"min_count", 1},
                                                    {"include_own", true}}}}}},
                          {{"at", "0s"}, {"do", "fail"}, {"replica", 2}, {"service", "registry"}},
                          {{"at", "0s"}, {"expect", {{"replica", "*"}, {"status", 200}}}},
                      })}};
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "every.json", s), "--run-dir", dir.file("run"),
             "--json", dir.file("report.json")});
  CHECK(p.wait(std::chrono::seconds(20)) == 1);
  json report = json::parse(read_file(dir.file("report.json")));
  REQUIRE(report["steps"].size() == 5);
  for (int i : {0, 1, 2}) {
    INFO(report["steps"][i].dump());
    CHECK(report["steps"][i]["ok"] == true);
    CHECK(report["steps"][i]["measured"].size() == 3);  // one entry per replica
  }
  CHECK(report["steps"][2]["detail"].get<std::string>().rfind("replica-1: ", 0) == 0);
  const json& last = report["steps"][4];
  CHECK(last["ok"] == false);
  CHECK(last["measured"]["replica-1"]["status"] == 200);
  CHECK(last["measured"]["replica-2"]["status"] == 503);
  CHECK_THAT(last["detail"].get<std::string>(),
             Catch::Contains(" | replica-2 https /_ping answered 503 in ") && Catch::Contains("status 503, expected 200"));
}

TEST_CASE("journal expectations leave out the scenario's own requests unless asked",
          "[integration][scenario]") {
  TempDir dir;
  // A "load balancer" that forwards, and health-checks replica 1 on /_ping every 100 ms.
  json s = with_lb({"sh", "-c",
                    "(while :; do printf 'GET /_ping HTTP/1.1\\r\\nHost: lb\\r\\nUser-Agent: fake-health-check\\r\\n"
                    "Connection: close\\r\\n\\r\\n' | socat -t1 - TCP:${DTRSIM_REPLICA_1_ADDRESS}:"
                    "${DTRSIM_REPLICA_1_HTTP_PORT} >/dev/null; sleep 0.1; done) & exec socat "
                    "TCP-LISTEN:${DTRSIM_LB_HTTP_PORT},bind=127.0.0.1,fork,reuseaddr "
                    "TCP:${DTRSIM_REPLICA_1_ADDRESS}:${DTRSIM_REPLICA_1_HTTP_PORT}"});
  json health = {{"replica", 1}, {"port", "http"}, {"path", "/health"}};
  json none_of_theirs = health, all = health;
  none_of_theirs["max_count"] = 0;  // only the scenario asked for /health
  all["min_count"] = 6;
  all["include_own"] = true;
  s["steps"] = json::array({
      {{"at", "0s"}, {"expect", {{"via", "lb"}, {"port", "http"}, {"path", "/health"}, {"requests", 5}, {"reaches", {1}}}}},
      {{"at", "0s"}, {"expect", {{"replica", 1}, {"port", "http"}, {"path", "/health"}, {"status", 200}}}},
      {{"at", "0s"}, {"expect", {{"journal", none_of_theirs}}}},
      {{"at", "0s"}, {"within", "1s"}, {"expect", {{"journal", all}}}},
      {{"at", "0s"}, {"within", "3s"},
       {"expect", {{"journal", {{"replica", 1}, {"port", "http"}, {"path", "/_ping"}, {"min_count", 2}}}}}},
  });
  Process p({DTRSIM_BINARY, "scenario", "run", write_scenario(dir, "own.json", s), "--run-dir", dir.file("run"),
             "--json", dir.file("report.json")});
  int code = p.wait(std::chrono::seconds(20));
  INFO(p.out() << p.err());
  CHECK(code == 0);
  json report = json::parse(read_file(dir.file("report.json")));
  REQUIRE(report["steps"].size() == 5);
  CHECK(report["steps"][2]["measured"]["count"] == 0);
  CHECK(report["steps"][2]["measured"]["own_left_out"].get<int>() >= 5);
  CHECK_THAT(report["steps"][2]["detail"].get<std::string>(),
             Catch::StartsWith("0 matching entries (and ") && Catch::Contains(" of dtrsim's own requests, left out)"));
  CHECK(report["steps"][3]["summary"] == "expect journal replica 1 http /health including dtrsim's own");
  CHECK(report["steps"][4]["measured"]["count"].get<int>() >= 2);  // the load balancer's checks
}
