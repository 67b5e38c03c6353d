// tls_wrong_host: the handshake presents a certificate signed by the replicas' CA for
// wrong-host.dtrsim.invalid only.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class TlsWrongHost final : public Fault {
 public:
  Verdict apply(FaultContext& ctx) const override {
    ctx.present(Certificate::wrong_host);
    return Verdict::proceed;
  }
};

} // namespace

std::unique_ptr<Fault> make_tls_wrong_host(AttributeReader&) { return std::make_unique<TlsWrongHost>(); }

} // namespace dtrsim::faults
