#pragma once
// One factory per fault type (one file each in src/faults/), listed in registry.cpp.

#include <memory>

#include "attributes.hpp"
#include "dtrsim/fault.hpp"

namespace dtrsim::faults {

std::unique_ptr<Fault> make_latency(AttributeReader&);
std::unique_ptr<Fault> make_hang(AttributeReader&);
std::unique_ptr<Fault> make_reset(AttributeReader&);
std::unique_ptr<Fault> make_close(AttributeReader&);
std::unique_ptr<Fault> make_status(AttributeReader&);
std::unique_ptr<Fault> make_garbage(AttributeReader&);
std::unique_ptr<Fault> make_dribble(AttributeReader&);
std::unique_ptr<Fault> make_flap(AttributeReader&);
std::unique_ptr<Fault> make_accept_stall(AttributeReader&);
std::unique_ptr<Fault> make_bandwidth(AttributeReader&);
std::unique_ptr<Fault> make_tls_handshake_failure(AttributeReader&);
std::unique_ptr<Fault> make_tls_slow_handshake(AttributeReader&);
std::unique_ptr<Fault> make_tls_expired_cert(AttributeReader&);
std::unique_ptr<Fault> make_tls_wrong_host(AttributeReader&);
std::unique_ptr<Fault> make_tls_untrusted(AttributeReader&);

// Faults with no behaviour of their own beyond a stage the transport checks (accept_stall).
class Marker final : public Fault {};

} // namespace dtrsim::faults
