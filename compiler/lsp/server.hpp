// `stackc lsp`: a Language Server Protocol server over stdio (specs/lsp.md). The server reads
// one message at a time and answers it before the next; every request gets a result or a
// JSON-RPC error, every malformed message an error, never a crash.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/workspace.hpp"

namespace stackc::lsp {

class Server {
 public:
  // `send` writes one outgoing message (a response or a notification).
  Server(std::function<void(const json&)> send, std::string version);
  // Handles one message body (the JSON text of a request, a notification or a response).
  void handle(const std::string& body);
  // Answers a message whose framing was broken.
  void malformed(const std::string& reason);
  bool exited() const { return exited_; }
  // 0 after `shutdown` then `exit`, 1 for an `exit` without `shutdown` (as the protocol says).
  int exit_code() const { return shutdown_ ? 0 : 1; }
  const Workspace& workspace() const { return ws_; }
  // Whether more input is waiting already. While it is, the checks of opened and changed
  // documents wait too, so that a burst of changes (fast typing) is checked once, at its end;
  // a request runs them first, and so does a notification read when no more input waits.
  void set_more_waiting(bool more);

 private:
  json request(const std::string& method, const json& params);
  void notification(const std::string& method, const json& params);
  json initialize(const json& params);
  void publish(const std::string& touched);
  void touch(const std::string& uri);  // "" for every unit
  void flush();
  json tokens(const json& params, bool delta);

  std::function<void(const json&)> send_;
  std::string version_;
  std::string docs_base_;
  Workspace ws_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  bool more_waiting_ = false;
  std::vector<std::string> pending_;  // URIs whose check waits, each once, in order
  // The last semantic tokens sent for each open document, by `resultId`, for full/delta.
  struct SentTokens {
    std::string result_id;
    std::vector<std::uint32_t> data;
  };
  std::map<std::string, SentTokens> tokens_;
  std::uint64_t next_result_id_ = 1;
};

// Runs the server on a stream pair until `exit` or the end of the input; the process's exit code.
// `more_input`, when given, says whether bytes wait beyond what `in` has read ahead.
int serve(std::istream& in, std::ostream& out, const std::string& version,
          const std::function<bool()>& more_input = nullptr);
// `stackc lsp`: serve() on stdin and stdout.
int run_stdio(const std::string& version);

}  // namespace stackc::lsp
