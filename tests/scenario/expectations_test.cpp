// Pure parts of expectation checks: JSON subsets and HAProxy's stats CSV.
#include <catch2/catch.hpp>

#include "scenario/expectations.hpp"

using namespace dtrsim;
using nlohmann::json;

TEST_CASE("a JSON subset matches objects key by key and everything else exactly", "[expectations]") {
  json body = json::parse(R"({"Error":"","Healthy":true,"x":{"a":1,"b":[1,2]}})");
  CHECK(json_contains(body, json::parse(R"({"Healthy":true})")));
  CHECK(json_contains(body, json::parse(R"({"x":{"b":[1,2]}})")));
  CHECK_FALSE(json_contains(body, json::parse(R"({"Healthy":false})")));
  CHECK_FALSE(json_contains(body, json::parse(R"({"x":{"b":[1]}})")));
  CHECK_FALSE(json_contains(body, json::parse(R"({"missing":1})")));
}

TEST_CASE("HAProxy's show stat CSV gives a server's status", "[expectations]") {
  std::string csv =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight\n"
      "be_https,r1,0,0,0,1,,3,0,0,,0,,0,0,0,0,UP,100\n"
      "be_https,r2,0,0,0,1,,3,0,0,,0,,0,0,0,0,DOWN 1/2,100\n"
      "be_https,BACKEND,0,0,0,1,,6,0,0,0,0,,0,0,0,0,UP,200\n";
  CHECK(haproxy_status(csv, "be_https", "r1") == "UP");
  CHECK(haproxy_status(csv, "be_https", "r2") == "DOWN 1/2");
  CHECK(haproxy_status(csv, "be_http", "r1").empty());
}
