// tls_handshake_failure: the server answers the ClientHello with a handshake_failure alert.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class TlsHandshakeFailure final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.abort_handshake();
    return Verdict::proceed;
  }
};

} // namespace

std::unique_ptr<Fault> make_tls_handshake_failure(AttributeReader&) {
  return std::make_unique<TlsHandshakeFailure>();
}

} // namespace dtrsim::faults
