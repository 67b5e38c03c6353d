// tls_slow_handshake: the ClientHello is answered after ms.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class TlsSlowHandshake final : public Fault {
 public:
  explicit TlsSlowHandshake(long long ms) : ms_(ms) {}
  Verdict apply(FaultContext& ctx) const override {
    return connection_goes_on(ctx.sleep_for(Millis{ms_})) ? Verdict::proceed : Verdict::ended;
  }

 private:
  long long ms_;
};

} // namespace

std::unique_ptr<Fault> make_tls_slow_handshake(AttributeReader& a) {
  return std::make_unique<TlsSlowHandshake>(a.integer("ms", 0, 3'600'000));
}

} // namespace dtrsim::faults
