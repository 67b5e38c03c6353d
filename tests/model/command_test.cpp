// Parsing of the command vocabulary: every command, and errors that name the field.
#include <catch2/catch.hpp>

#include "dtrsim/command.hpp"

using namespace dtrsim;
using nlohmann::json;

namespace {
std::string error_of(const json& j) {
  try {
    parse_commands(j);
  } catch (const CommandError& e) {
    return e.what();
  }
  return "";
}
} // namespace

TEST_CASE("every command parses and prints back to the same JSON", "[command]") {
  for (const char* text : {
           R"({"do":"fail","replica":2,"service":"rethinkdb","error":"boom"})",
           R"({"do":"recover","replica":"replica-2","service":"*"})",
           R"({"do":"recover","replica":"*","service":"garant"})",
           R"({"do":"fault","replica":1,"fault":{"type":"latency","ms":300}})",
           R"({"do":"clear","replica":1,"name":"latency"})",
           R"({"do":"stop","replica":"a1640e1c15b6"})",
           R"({"do":"start","replica":3})",
           R"({"do":"join","id":"00000000000a","http_port":9000,"https_port":9443})",
           R"({"do":"remove","replica":2})",
           R"({"do":"partition","groups":[[1],[2,"replica-3"]]})",
           R"({"do":"heal"})",
           R"({"do":"readonly","replica":1,"on":false})",
           R"({"do":"reset"})",
       }) {
    json j = json::parse(text);
    CHECK(to_json(parse_command(j)) == j);
  }
  CHECK(to_json(parse_command(json::parse(R"({"do":"recover","replica":1})")))["service"] == "*");
}

TEST_CASE("command errors name the field and the problem", "[command]") {
  CHECK(error_of(json::parse(R"({"replica":1})")) ==
        "do: is required (one of fail, recover, fault, clear, stop, start, join, remove, "
        "partition, heal, readonly, reset)");
  CHECK(error_of(json::parse(R"({"do":"explode"})")) ==
        "do: unknown command \"explode\" (one of fail, recover, fault, clear, stop, start, join, "
        "remove, partition, heal, readonly, reset)");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":1})")) == "service: is required");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":1,"service":"redis"})")) ==
        "service: unknown service \"redis\" (one of registry, garant, rethinkdb, notary, api)");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":true,"service":"api"})")) ==
        "replica: must be a replica index, name, id or \"*\" (got true)");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":1,"servce":"api"})")) ==
        "servce: unknown field for \"fail\" (expected replica, service, error)");
  CHECK(error_of(json::parse(R"({"do":"heal","replica":1})")) ==
        "replica: unknown field for \"heal\" (it takes none)");
  CHECK(error_of(json::parse(R"({"do":"join","http_port":70000})")) ==
        "http_port: must be a port number 0-65535 (got 70000)");
  CHECK(error_of(json::parse(R"({"do":"partition","groups":[[1]]})")) ==
        "groups: must be an array of at least two groups, e.g. [[1],[2,3]]");
  CHECK(error_of(json::parse(R"({"do":"partition","groups":[[1],["*"]]})")) ==
        "groups[1][0]: \"*\" cannot be used in a partition");
  CHECK(error_of(json::parse(R"({"do":"readonly","replica":1,"on":"yes"})")) ==
        "on: must be true or false (got \"yes\")");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":4294967298,"service":"api"})")) ==
        "replica: no replica \"4294967298\" (replicas are numbered from 1)");
  CHECK(error_of(json::parse(R"({"do":"stop","replica":-2})")) ==
        "replica: no replica \"-2\" (replicas are numbered from 1)");
  CHECK(error_of(json::parse(R"({"do":"partition","groups":[[1],[0]]})")) ==
        "groups[1][0]: no replica \"0\" (replicas are numbered from 1)");
  CHECK(error_of(json::parse(R"({"do":"fail","replica":1,"service":"api","error":""})")) ==
        "error: must not be empty (leave it out for the default text)");
  CHECK(error_of(json::parse("[]")) == "an empty array of commands");
  CHECK(error_of(json::parse("42")) == "a command must be a JSON object with \"do\"");
}

TEST_CASE("errors inside an array carry the element's index", "[command]") {
  CHECK(error_of(json::parse(R"([{"do":"heal"},{"do":"fail","replica":1,"service":"x"}])")) ==
        "[1].service: unknown service \"x\" (one of registry, garant, rethinkdb, notary, api)");
  CHECK(CommandError("replica", "no replica").under("steps[3]").what() ==
        std::string("steps[3].replica: no replica"));
}

TEST_CASE("a command's problems can be collected all at once, by the same parser", "[command]") {
  std::vector<CommandError> errors;
  CHECK_FALSE(parse_command(json::parse(R"({"do":"fail","replica":true,"service":"redis","sevice":1})"), errors));
  std::vector<std::string> seen;
  for (const auto& e : errors) seen.push_back(e.what());
  CHECK(seen == std::vector<std::string>{
                    "sevice: unknown field for \"fail\" (expected replica, service, error)",
                    "replica: must be a replica index, name, id or \"*\" (got true)",
                    "service: unknown service \"redis\" (one of registry, garant, rethinkdb, notary, api)"});
  errors.clear();
  CHECK_FALSE(parse_command(json::parse(R"({"do":"partition","groups":[[1,"*"],[],[true]]})"), errors));
  CHECK(errors.size() == 3);
  // Keys the caller reads itself are allowed and named.
  errors.clear();
  CHECK(parse_command(json::parse(R"({"do":"heal","at":"1s"})"), errors, {"at", "note"}));
  CHECK_FALSE(parse_command(json::parse(R"({"do":"heal","replica":1})"), errors, {"at", "note"}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].what() == std::string("replica: unknown field for \"heal\" (expected at, note)"));
}
