// tls_expired_cert: the handshake presents a certificate signed by the replicas' CA whose validity
// ended yesterday.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class TlsExpiredCert final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.present(Certificate::expired);
    return Verdict::proceed;
  }
};

} // namespace

std::unique_ptr<Fault> make_tls_expired_cert(AttributeReader&) { return std::make_unique<TlsExpiredCert>(); }

} // namespace dtrsim::faults
