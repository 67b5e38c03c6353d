#pragma once
// A client of the control API, for `dtrsim ctl` and `dtrsim lb check`.

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace httplib {
class Client;
}

namespace dtrsim {

class ControlError : public std::runtime_error {
 public:
  // status 0: the API could not be reached.
  ControlError(int status, std::string message, std::string path = "")
      : std::runtime_error(path.empty() ? message : path + ": " + message),
        status_(status),
        path_(std::move(path)) {}
  int status() const { return status_; }
  const std::string& path() const { return path_; }

 private:
  int status_;
  std::string path_;
};

class ControlClient {
 public:
  // `url` like "http://127.0.0.1:7070"; `token` for --control-token, "" when none.
  ControlClient(std::string url, std::string token = "");
  ~ControlClient();

  nlohmann::json cluster();
  nlohmann::json commands(const nlohmann::json& commands);
  nlohmann::json journal(const std::string& query = "");  // "replica=2&since=10"
  nlohmann::json clear_journal();
  std::string metrics();
  const std::string& url() const { return url_; }

 private:
  nlohmann::json call(const std::string& method, const std::string& path,
                      const std::string& body = "");
  std::string url_;
  std::unique_ptr<httplib::Client> client_;
};

} // namespace dtrsim
