// status: that status (and body) instead of the real answer.
#include "fault_fixture.hpp"

using namespace dtrsim;
using namespace dtrsim::test;

TEST_CASE("status replaces the answer with its code and body", "[integration][faults]") {
  FaultFixture f;
  f.add(2, {{"type", "status"}, {"code", 500}, {"body", R"({"Error":"boom","Healthy":false})"}});
  auto res = f.get(2, "/_ping", true);
  REQUIRE(res);
  CHECK(res->status == 500);
  CHECK(res->body == R"({"Error":"boom","Healthy":false})");
  CHECK(res->get_header_value("Content-Type") == "application/json");
  CHECK(res->get_header_value("X-Dtrsim-Replica") == "000000000002");
  f.clear(2);
  f.add(2, {{"type", "status"}, {"code", 503}});
  res = f.get(2, "/health");
  CHECK(res->status == 503);
  CHECK(res->body == "503 Service Unavailable\n");
}
