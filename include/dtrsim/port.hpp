#pragma once
// The two listeners of a replica.

#include <string_view>

namespace dtrsim {

enum class Port { http, https };
std::string_view port_name(Port p);

} // namespace dtrsim
