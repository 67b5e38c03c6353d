// UTF-8 repair and excerpts.
#include "utf8.hpp"

namespace dtrsim {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0 (RFC 3629's table of well-formed bytes).
size_t sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  if (b < 0x80) return 1;
  size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (b == 0xE0) lo = 0xA0;
  if (b == 0xED) hi = 0x9F;  // no surrogates
  if (b == 0xF0) lo = 0x90;
  if (b == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

} // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = sequence_length(s, i);
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string utf8_excerpt(std::string_view s, size_t max_bytes) {
  std::string text = valid_utf8(s);
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes < 3 ? 0 : max_bytes - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // a continuation byte
  return text.substr(0, end) + "...";
}

} // namespace dtrsim
