#include "label/protocol.h"

#include <cerrno>
#include <nlohmann/json.hpp>

namespace sandbox::registry {

using Json = nlohmann::json;

std::string to_json(const SandboxInfo& info) {
  Json j = {{"label", info.label},     {"profile", info.profile}, {"pid", info.pid},
            {"init_pid", info.init_pid}, {"uid", info.uid},       {"started", info.started},
            {"command", info.command}};
  return j.dump();
}

Result<SandboxInfo> info_from_json(const std::string& text) {
  try {
    const Json j = Json::parse(text);
    SandboxInfo info;
    info.label = j.at("label").get<std::string>();
    info.profile = j.at("profile").get<std::string>();
    info.pid = j.at("pid").get<pid_t>();
    info.init_pid = j.at("init_pid").get<pid_t>();
    info.uid = j.at("uid").get<uid_t>();
    info.started = j.at("started").get<double>();
    info.command = j.at("command").get<std::vector<std::string>>();
    return info;
  } catch (const Json::exception& e) {
    return Error(std::string("malformed answer from a sandbox: ") + e.what());
  }
}

std::string request_line(Request request) {
  return request == Request::kill ? "kill\n" : "info\n";
}

Result<Request> parse_request(const std::string& line) {
  std::string word = line;
  while (!word.empty() && (word.back() == '\n' || word.back() == '\r')) word.pop_back();
  if (word == "info") return Request::info;
  if (word == "kill") return Request::kill;
  return Error("unknown control request '" + word + "'", EINVAL);
}

}  // namespace sandbox::registry
