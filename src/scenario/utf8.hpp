// Text from the network and from load balancers' logs made fit for JSON, JUnit XML and HTML: a
// byte that does not start a valid UTF-8 sequence becomes U+FFFD, and excerpts end on character
// boundaries.
#pragma once

#include <string>
#include <string_view>

namespace dtrsim {

// `s` with every invalid UTF-8 sequence (stray, truncated, overlong, surrogate) replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// valid_utf8(s), or when that is longer than `max_bytes`, its longest prefix of whole characters
// that leaves room for "..." within `max_bytes`, followed by "...".
std::string utf8_excerpt(std::string_view s, size_t max_bytes);

} // namespace dtrsim
