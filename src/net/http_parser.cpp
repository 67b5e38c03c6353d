// HTTP/1.x request parsing (RFC 9112 subset: origin-form and absolute-form targets, header
// fields, Content-Length and chunked framing).
#include "http_parser.hpp"

#include <cctype>

namespace dtrsim::net {
namespace {

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 60)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) out += c;
    else {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  if (s.size() > 60) out += "...";
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/%5fping" -> "/_ping". False for a broken or NUL escape.
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    int hi = i + 1 < in.size() ? hex_value(in[i + 1]) : -1;
    int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// The next line of `head` from `pos`: its text without CR/LF, and where the one after starts.
std::string_view next_line(std::string_view head, size_t& pos) {
  size_t end = head.find('\n', pos);
  if (end == std::string_view::npos) end = head.size();
  std::string_view line = head.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = end + 1;
  return line;
}

} // namespace

size_t find_head_end(std::string_view buf) {
  for (size_t nl = buf.find('\n'); nl != std::string_view::npos; nl = buf.find('\n', nl + 1)) {
    size_t next = nl + 1;
    if (next < buf.size() && buf[next] == '\n') return next + 1;
    if (next + 1 < buf.size() && buf[next] == '\r' && buf[next + 1] == '\n') return next + 2;
  }
  return std::string_view::npos;
}

std::optional<ParseError> parse_request_head(std::string_view head, HttpRequest& out) {
  size_t pos = 0;
  std::string_view line = next_line(head, pos);
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos)
    return ParseError{400, "bad request line: \"" + printable(line) + "\""};
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (method.empty())
    return ParseError{400, "bad request line: empty method"};
  for (char c : method)
    if (!is_tchar(c)) return ParseError{400, "bad method \"" + printable(method) + "\""};
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/")
    return ParseError{400, "bad HTTP version \"" + printable(version) + "\""};
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return ParseError{505, "unsupported HTTP version \"" + printable(version) + "\""};
  if (target.empty()) return ParseError{400, "bad request line: empty target"};
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return ParseError{400, "bad request target \"" + printable(target) + "\""};
  std::string_view path_part = target;
  if (target.substr(0, 7) == "http://" || target.substr(0, 8) == "https://") {
    size_t slash = target.find('/', target.find("//") + 2);
    path_part = slash == std::string_view::npos ? "/" : target.substr(slash);
  } else if (target.front() != '/') {
    // Like NGINX, which also answers "OPTIONS *" with 400.
    return ParseError{400, "bad request target \"" + printable(target) + "\" (must start with /)"};
  }

  out = HttpRequest{};
  out.method = std::string(method);
  out.target = std::string(path_part);
  size_t q = path_part.find('?');
  if (!percent_decode(path_part.substr(0, q), out.path))
    return ParseError{400, "bad %-escape in request target \"" + printable(target) + "\""};
  out.version = std::string(version);

  while (pos < head.size()) {
    std::string_view field = next_line(head, pos);
    if (field.empty()) continue;
    if (field.front() == ' ' || field.front() == '\t')
      return ParseError{400, "obsolete header line folding is not allowed"};
    size_t colon = field.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return ParseError{400, "bad header line \"" + printable(field) + "\" (no name:value)"};
    std::string_view name = field.substr(0, colon);
    for (char c : name)
      if (!is_tchar(c)) return ParseError{400, "bad header name \"" + printable(name) + "\""};
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    for (char c : value)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return ParseError{400, "bad character in header \"" + std::string(name) + "\""};
    out.headers.push_back({std::string(name), std::string(value)});
  }
  int hosts = 0;
  for (const auto& h : out.headers) hosts += iequals(h.name, "Host");
  if (hosts > 1) return ParseError{400, "more than one Host header"};
  return std::nullopt;
}

std::optional<ParseError> body_framing(const HttpRequest& req, BodyFraming& out) {
  out = BodyFraming{};
  const std::string* te = req.header("Transfer-Encoding");
  const std::string* cl = nullptr;
  for (const auto& h : req.headers) {
    if (!iequals(h.name, "Content-Length")) continue;
    if (cl && *cl != h.value) return ParseError{400, "conflicting Content-Length headers"};
    cl = &h.value;
  }
  if (te) {
    if (cl) return ParseError{400, "both Transfer-Encoding and Content-Length"};
    if (!iequals(*te, "chunked"))
      return ParseError{501, "unsupported Transfer-Encoding \"" + *te + "\""};
    out.kind = BodyFraming::chunked;
    return std::nullopt;
  }
  if (cl) {
    if (cl->empty() || cl->size() > 18)
      return ParseError{400, "bad Content-Length \"" + *cl + "\""};
    std::uint64_t n = 0;
    for (char c : *cl) {
      if (c < '0' || c > '9') return ParseError{400, "bad Content-Length \"" + *cl + "\""};
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    out.kind = n ? BodyFraming::sized : BodyFraming::none;
    out.length = n;
  }
  return std::nullopt;
}

size_t ChunkedDecoder::feed(std::string_view in) {
  size_t i = 0;
  while (i < in.size() && state_ != State::done && state_ != State::error) {
    char c = in[i];
    switch (state_) {
      case State::size: {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
        if (digit >= 0) {
          if (++size_digits_ > 15) return fail("chunk size too large"), i;
          remaining_ = remaining_ * 16 + static_cast<std::uint64_t>(digit);
          ++i;
        } else if (size_digits_ == 0) {
          return fail("bad chunk size"), i;
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::size_ext;
          ++i;
        } else if (c == '\r') {
          state_ = State::size_lf;
          ++i;
        } else {
          return fail("bad chunk size"), i;
        }
        break;
      }
      case State::size_ext:
        if (c == '\r') state_ = State::size_lf;
        ++i;
        break;
      case State::size_lf:
        if (c != '\n') return fail("chunk size line not ended by CRLF"), i;
        ++i;
        size_digits_ = 0;
        if (remaining_ == 0) {
          state_ = State::trailer;
          trailer_line_empty_ = true;
        } else {
          state_ = State::data;
        }
        break;
      case State::data: {
        std::uint64_t take = std::min<std::uint64_t>(remaining_, in.size() - i);
        remaining_ -= take;
        data_bytes_ += take;
        i += static_cast<size_t>(take);
        if (remaining_ == 0) state_ = State::data_cr;
        break;
      }
      case State::data_cr:
        if (c != '\r') return fail("chunk data not followed by CRLF"), i;
        state_ = State::data_lf;
        ++i;
        break;
      case State::data_lf:
        if (c != '\n') return fail("chunk data not followed by CRLF"), i;
        state_ = State::size;
        ++i;
        break;
      case State::trailer:
        if (c == '\r') state_ = State::trailer_lf;
        else trailer_line_empty_ = false;
        ++i;
        break;
      case State::trailer_lf:
        if (c != '\n') return fail("trailer line not ended by CRLF"), i;
        ++i;
        if (trailer_line_empty_) state_ = State::done;
        else {
          state_ = State::trailer;
          trailer_line_empty_ = true;
        }
        break;
      case State::done:
      case State::error:
        break;
    }
  }
  return i;
}

} // namespace dtrsim::net
