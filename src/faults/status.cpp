// status: the given status (and body) instead of the real answer. Attributes: code, body.
#include <nlohmann/json.hpp>

#include "fault_types.hpp"

namespace dtrsim::faults {
namespace {

class Status final : public Fault {
 public:
  Status(int code, std::optional<std::string> body) : code_(code), body_(std::move(body)) {}
  Verdict apply(FaultContext& ctx) const override {
    HttpResponse res;
    res.status = code_;
    std::string body = body_ ? *body_ : std::to_string(code_) + " " + std::string(reason_phrase(code_)) + "\n";
    bool json = !nlohmann::json::parse(body, nullptr, false).is_discarded();
    res.headers.push_back({"Content-Type", json ? "application/json" : "text/plain; charset=utf-8"});
    res.body = std::move(body);
    ctx.replace_response(std::move(res));
    return Verdict::proceed;
  }

 private:
  int code_;
  std::optional<std::string> body_;
};

} // namespace

std::unique_ptr<Fault> make_status(AttributeReader& a) {
  int code = static_cast<int>(a.integer("code", 200, 599));
  return std::make_unique<Status>(code, a.text("body"));
}

} // namespace dtrsim::faults
