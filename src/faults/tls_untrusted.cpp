// tls_untrusted: the handshake presents a self-signed certificate with the replica's own names.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class TlsUntrusted final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.present(Certificate::untrusted);
    return Verdict::proceed;
  }
};

} // namespace

std::unique_ptr<Fault> make_tls_untrusted(AttributeReader&) { return std::make_unique<TlsUntrusted>(); }

} // namespace dtrsim::faults
