// flap: a service (default registry) is failed for period_ms, then healthy for period_ms, and so
// on, starting failed. Attributes: period_ms, service, error.
#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Flap final : public Fault {
 public:
  Flap(long long period, Service s, std::string error)
      : period_(period), service_(s), error_(std::move(error)) {}
  std::optional<ServiceOverride> service_override(Millis since) const override {
    bool failed = (since.count() / period_) % 2 == 0;
    return ServiceOverride{service_, failed, error_};
  }

 private:
  long long period_;
  Service service_;
  std::string error_;  // "": the replica's default text
};

} // namespace

std::unique_ptr<Fault> make_flap(AttributeReader& a) {
  long long period = a.integer("period_ms", 10, 86'400'000);
  Service s = a.service("service").value_or(Service::registry);
  return std::make_unique<Flap>(period, s, a.text("error").value_or(""));
}

} // namespace dtrsim::faults
