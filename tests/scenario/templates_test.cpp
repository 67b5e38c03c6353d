// Rendering load-balancer configurations from templates.
#include <catch2/catch.hpp>

#include "scenario/templates.hpp"

using namespace dtrsim;

TEST_CASE("lines with per-replica variables repeat once per replica", "[templates]") {
  TemplateVars v;
  v.global = {{"DTRSIM_LB_HTTP_PORT", "18080"}};
  v.replicas = {{{"REPLICA_N", "1"}, {"REPLICA_ADDRESS", "127.0.1.1"}, {"REPLICA_HTTP_PORT", "80"}},
                {{"REPLICA_N", "2"}, {"REPLICA_ADDRESS", "127.0.1.2"}, {"REPLICA_HTTP_PORT", "80"}}};
  std::string out = render_template(
      "frontend fe\n    bind 127.0.0.1:${DTRSIM_LB_HTTP_PORT}\n"
      "    server r${REPLICA_N} ${REPLICA_ADDRESS}:${REPLICA_HTTP_PORT} check\n"
      "    stats socket \"$${HOME}/admin.sock\"\n",
      v);
  CHECK(out ==
        "frontend fe\n    bind 127.0.0.1:18080\n"
        "    server r1 127.0.1.1:80 check\n"
        "    server r2 127.0.1.2:80 check\n"
        "    stats socket \"${HOME}/admin.sock\"\n");
}

TEST_CASE("unknown variables are errors with their line", "[templates]") {
  TemplateVars v;
  CHECK_THROWS_WITH(render_template("ok\nbind ${NOPE}\n", v), "line 2: unknown variable ${NOPE}");
  CHECK_THROWS_WITH(render_template("bind ${OPEN\n", v), Catch::Contains("line 1: unclosed ${"));
  CHECK(substitute("a${X}b", {{"X", "1"}}) == "a1b");
}
