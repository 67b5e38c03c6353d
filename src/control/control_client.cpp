// HTTP calls to the control API, with its errors turned into ControlError.
#include "dtrsim/control_client.hpp"

#include <httplib.h>

namespace dtrsim {

ControlClient::ControlClient(std::string url, std::string token) : url_(std::move(url)) {
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  if (url_.rfind("http://", 0) != 0 && url_.rfind("https://", 0) != 0)
    throw ControlError(0, "control URL \"" + url_ + "\" must start with http:// (e.g. http://127.0.0.1:7070)");
  client_ = std::make_unique<httplib::Client>(url_);
  if (!client_->is_valid()) throw ControlError(0, "control URL \"" + url_ + "\" is not a valid URL");
  client_->set_connection_timeout(std::chrono::seconds(3));
  client_->set_read_timeout(std::chrono::seconds(60));
  if (!token.empty()) client_->set_bearer_token_auth(token);
}

ControlClient::~ControlClient() = default;

nlohmann::json ControlClient::call(const std::string& method, const std::string& path,
                                   const std::string& body) {
  httplib::Result res = method == "GET"      ? client_->Get(path.c_str())
                        : method == "DELETE" ? client_->Delete(path.c_str())
                                             : client_->Post(path.c_str(), body, "application/json");
  if (!res)
    throw ControlError(0, "cannot reach the control API at " + url_ + ": " +
                              httplib::to_string(res.error()));
  nlohmann::json j = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status >= 400) {
    if (j.is_object() && j.contains("error"))
      throw ControlError(res->status, j.value("error", ""), j.value("path", ""));
    throw ControlError(res->status, "the control API answered " + std::to_string(res->status));
  }
  if (j.is_discarded())
    throw ControlError(res->status, url_ + path + " did not answer JSON (is it dtrsim's control API?)");
  return j;
}

nlohmann::json ControlClient::cluster() { return call("GET", "/v1/cluster"); }

nlohmann::json ControlClient::commands(const nlohmann::json& commands) {
  return call("POST", "/v1/commands", commands.dump());
}

nlohmann::json ControlClient::journal(const std::string& query) {
  return call("GET", "/v1/journal" + (query.empty() ? "" : "?" + query));
}

nlohmann::json ControlClient::clear_journal() { return call("DELETE", "/v1/journal"); }

std::string ControlClient::metrics() {
  httplib::Result res = client_->Get("/metrics");
  if (!res)
    throw ControlError(0, "cannot reach the control API at " + url_ + ": " +
                              httplib::to_string(res.error()));
  if (res->status >= 400) throw ControlError(res->status, "GET /metrics answered " + std::to_string(res->status));
  return res->body;
}

} // namespace dtrsim
