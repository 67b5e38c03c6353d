#pragma once
// Parsing of HTTP/1.x requests from bytes: the request head, the body framing it announces, and a
// chunked-body decoder. Pure functions: every malformed input yields an error naming the problem.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dtrsim/http.hpp"

namespace dtrsim::net {

inline constexpr size_t kMaxHeadBytes = 16 * 1024;

struct ParseError {
  int status;           // 400, 431, 501, 505
  std::string message;  // "bad request line: ..."
};

// Where the head in `buf` ends: the offset just past its blank line, or npos while incomplete.
// Lines end with CRLF or, as NGINX also accepts, a bare LF.
size_t find_head_end(std::string_view buf);

// Parses a request head (everything before the blank line, without it). `path` is the target's
// path with %XX escapes decoded, as NGINX matches locations.
std::optional<ParseError> parse_request_head(std::string_view head, HttpRequest& out);

struct BodyFraming {
  enum Kind { none, sized, chunked } kind = none;
  std::uint64_t length = 0;
};

// Reads Content-Length / Transfer-Encoding; errors for conflicting or invalid values.
std::optional<ParseError> body_framing(const HttpRequest& req, BodyFraming& out);

// Decodes a chunked body incrementally. feed() consumes bytes and reports how many were used; data
// bytes are counted, not kept.
class ChunkedDecoder {
 public:
  // Returns the number of bytes of `in` consumed (less than in.size() only once done()).
  size_t feed(std::string_view in);
  bool done() const { return state_ == State::done; }
  bool failed() const { return state_ == State::error; }
  const std::string& error() const { return error_; }
  std::uint64_t data_bytes() const { return data_bytes_; }

 private:
  enum class State { size, size_ext, size_lf, data, data_cr, data_lf, trailer, trailer_lf, done, error };
  State state_ = State::size;
  std::uint64_t remaining_ = 0;
  std::uint64_t data_bytes_ = 0;
  int size_digits_ = 0;
  bool trailer_line_empty_ = true;
  std::string error_;
  void fail(std::string msg) {
    state_ = State::error;
    error_ = std::move(msg);
  }
};

} // namespace dtrsim::net
