// Request parsing: what is accepted, and the error each malformed input gets.
#include <catch2/catch.hpp>

#include "net/http_parser.hpp"

using namespace dtrsim;
using namespace dtrsim::net;

TEST_CASE("a request head parses into method, path, query and headers", "[http]") {
  HttpRequest req;
  auto err = parse_request_head(
      "GET /_ping?x=1 HTTP/1.1\r\nHost: dtr.example.com\r\nUser-Agent:  curl/8 \r\nX-A:", req);
  REQUIRE_FALSE(err);
  CHECK(req.method == "GET");
  CHECK(req.target == "/_ping?x=1");
  CHECK(req.path == "/_ping");
  CHECK(req.version == "HTTP/1.1");
  CHECK(*req.header("host") == "dtr.example.com");
  CHECK(*req.header("User-Agent") == "curl/8");
  CHECK(req.header("X-A")->empty());
  CHECK(req.wants_keep_alive());
}

TEST_CASE("absolute-form targets keep only the path", "[http]") {
  HttpRequest req;
  REQUIRE_FALSE(parse_request_head("GET http://dtr:80/health HTTP/1.0", req));
  CHECK(req.path == "/health");
  CHECK_FALSE(req.wants_keep_alive());
}

TEST_CASE("malformed heads get an error that names the problem", "[http]") {
  HttpRequest req;
  auto check = [&](const std::string& head, int status, const std::string& words) {
    auto err = parse_request_head(head, req);
    REQUIRE(err);
    CHECK(err->status == status);
    CHECK_THAT(err->message, Catch::Contains(words));
  };
  check("GET /_ping", 400, "bad request line");
  check("GET  /_ping HTTP/1.1", 400, "bad request line");
  check("G(T /_ping HTTP/1.1", 400, "bad method");
  check("GET /_ping HTTP/2.0", 505, "unsupported HTTP version");
  check("GET /_ping FTP/1.1", 400, "bad HTTP version");
  check("GET _ping HTTP/1.1", 400, "must start with /");
  check("GET /_ping HTTP/1.1\r\nNoColon", 400, "no name:value");
  check("GET /_ping HTTP/1.1\r\n folded: x", 400, "folding");
  check("GET /_ping HTTP/1.1\r\nHost: a\r\nHost: b", 400, "more than one Host");
  check("\x16\x03\x01\x02\x00 binary", 400, "\\x16\\x03");
}

TEST_CASE("body framing comes from Content-Length or chunked", "[http]") {
  HttpRequest req;
  BodyFraming f;
  REQUIRE_FALSE(parse_request_head("POST /x HTTP/1.1\r\nContent-Length: 12", req));
  REQUIRE_FALSE(body_framing(req, f));
  CHECK(f.kind == BodyFraming::sized);
  CHECK(f.length == 12);
  REQUIRE_FALSE(parse_request_head("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked", req));
  REQUIRE_FALSE(body_framing(req, f));
  CHECK(f.kind == BodyFraming::chunked);
  REQUIRE_FALSE(parse_request_head("POST /x HTTP/1.1\r\nContent-Length: 1x", req));
  CHECK(body_framing(req, f)->message == "bad Content-Length \"1x\"");
  REQUIRE_FALSE(parse_request_head(
      "POST /x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked", req));
  CHECK(body_framing(req, f)->status == 400);
  REQUIRE_FALSE(parse_request_head("POST /x HTTP/1.1\r\nTransfer-Encoding: gzip", req));
  CHECK(body_framing(req, f)->status == 501);
}

TEST_CASE("the chunked decoder finds the end of a body fed byte by byte", "[http]") {
  std::string body = "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  ChunkedDecoder whole;
  size_t used = whole.feed(body);
  CHECK(whole.done());
  CHECK(body.substr(used) == "NEXT");
  CHECK(whole.data_bytes() == 9);

  ChunkedDecoder bytewise;
  size_t total = 0;
  for (char c : body) {
    if (bytewise.done()) break;
    total += bytewise.feed(std::string_view(&c, 1));
  }
  CHECK(bytewise.done());
  CHECK(total == used);
}

TEST_CASE("the chunked decoder rejects bad framing", "[http]") {
  for (const char* bad : {"z\r\n", "4\r\nWikiX\r\n", "4\nWiki", "ffffffffffffffff\r\n"}) {
    ChunkedDecoder d;
    d.feed(bad);
    CHECK(d.failed());
    CHECK_FALSE(d.error().empty());
  }
}

TEST_CASE("heads end at a blank line of CRLF or bare LF, as NGINX accepts", "[http]") {
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nbody") == 27);
  CHECK(find_head_end("GET / HTTP/1.1\nHost: a\n\nbody") == 24);
  CHECK(find_head_end("GET / HTTP/1.1\nHost: a\n\r\n") == 25);
  CHECK(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n") == std::string_view::npos);
  HttpRequest req;
  REQUIRE_FALSE(parse_request_head("GET /_ping HTTP/1.1\nHost: dtr\n\n", req));
  CHECK(req.path == "/_ping");
  CHECK(*req.header("Host") == "dtr");
  CHECK(req.headers.size() == 1);
}

TEST_CASE("the path is %-decoded for routing, the target kept as sent", "[http]") {
  HttpRequest req;
  REQUIRE_FALSE(parse_request_head("GET /%5fping?a=%20 HTTP/1.1", req));
  CHECK(req.path == "/_ping");
  CHECK(req.target == "/%5fping?a=%20");
  for (const char* bad : {"GET /%zzping HTTP/1.1", "GET /_ping% HTTP/1.1", "GET /a%0 HTTP/1.1",
                          "GET /a%00b HTTP/1.1"}) {
    auto err = parse_request_head(bad, req);
    REQUIRE(err);
    CHECK(err->status == 400);
    CHECK_THAT(err->message, Catch::Contains("bad %-escape"));
  }
}

TEST_CASE("OPTIONS * gets 400, as from NGINX", "[http]") {
  HttpRequest req;
  auto err = parse_request_head("OPTIONS * HTTP/1.1\r\nHost: a", req);
  REQUIRE(err);
  CHECK(err->status == 400);
}
