#pragma once
// HTTP/1.1 messages as plain data, shared by the replicas' transport and their route table.

#include <string>
#include <string_view>
#include <vector>

namespace dtrsim {

struct Header {
  std::string name;
  std::string value;
};

// Case-insensitive ASCII comparison, as HTTP header names need.
bool iequals(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method;
  std::string target;   // as sent: path and query
  std::string path;     // target without the query
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  std::vector<Header> headers;

  // The first header with this name, or nullptr.
  const std::string* header(std::string_view name) const;
  // HTTP/1.1 keeps the connection unless "Connection: close"; 1.0 only with "keep-alive".
  bool wants_keep_alive() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;
  std::string body;
  bool omit_body = false;  // HEAD: headers (with the real Content-Length), no body

  void set_header(std::string name, std::string value);
  const std::string* header(std::string_view name) const;
};

std::string_view reason_phrase(int status);

// Status line and headers, ending with the blank line. Adds Content-Length and Connection.
std::string serialize_head(const HttpResponse& res, bool keep_alive);

} // namespace dtrsim
