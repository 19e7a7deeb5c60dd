#include "lsp/server.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <istream>
#include <ostream>

#include "lsp/diagnostics.hpp"
#include "lsp/features.hpp"
#include "lsp/transport.hpp"

namespace stackc::lsp {

namespace {

json error_response(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

}  // namespace

Server::Server(std::function<void(const json&)> send, std::string version)
    : send_(std::move(send)), version_(std::move(version)), docs_base_(kDefaultDocsBase) {}

void Server::malformed(const std::string& reason) {
  send_(error_response(nullptr, rpc::kParseError, reason));
}

void Server::handle(const std::string& body) {
  json msg = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) {
    send_(error_response(nullptr, rpc::kParseError, "the message is not JSON"));
    return;
  }
  if (!msg.is_object()) {
    send_(error_response(nullptr, rpc::kInvalidRequest,
                         "a message is a JSON object (batches are not part of LSP)"));
    return;
  }
  json id = msg.contains("id") ? msg["id"] : json();
  bool has_id = msg.contains("id");
  if (has_id && !id.is_string() && !id.is_number_integer()) {
    send_(error_response(nullptr, rpc::kInvalidRequest, "`id` is a number or a string"));
    return;
  }
  if (!msg.contains("method")) {
    if (!has_id)  // neither a request, a notification nor a response
      send_(error_response(nullptr, rpc::kInvalidRequest, "a message without `method` or `id`"));
    return;  // a response to a request of ours (the server sends none that need one)
  }
  if (!msg["method"].is_string()) {
    if (has_id) send_(error_response(id, rpc::kInvalidRequest, "`method` is a string"));
    return;
  }
  const std::string method = msg["method"].get<std::string>();
  const json params = msg.contains("params") ? msg["params"] : json::object();
  if (!has_id) {
    try {
      notification(method, params);
      if (!more_waiting_) flush();
    } catch (const std::exception& e) {
      // A notification has no answer; a malformed one changes nothing (stderr is the log).
      std::cerr << "stackc lsp: " << method << " ignored: " << e.what() << "\n";
    }
    return;
  }
  try {
    json result = request(method, params);
    send_({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
  } catch (const RpcError& e) {
    send_(error_response(id, e.code, e.what()));
  } catch (const json::exception& e) {
    send_(error_response(id, rpc::kInvalidParams, std::string("invalid params: ") + e.what()));
  } catch (const std::exception& e) {
    send_(error_response(id, rpc::kInternalError, e.what()));
  }
}

json Server::initialize(const json& params) {
  if (params.is_object() && params.contains("initializationOptions")) {
    const auto& o = params["initializationOptions"];
    if (o.is_object() && o.contains("diagnosticsBaseUrl") && o["diagnosticsBaseUrl"].is_string())
      docs_base_ = o["diagnosticsBaseUrl"].get<std::string>();
  }
  initialized_ = true;
  json caps = {
      {"positionEncoding", "utf-16"},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", false}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"renameProvider", {{"prepareProvider", true}}},
      {"completionProvider",
       {{"triggerCharacters", {"=", " ", "[", ",", "\"", "{", "("}}, {"resolveProvider", false}}},
      {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
      {"documentFormattingProvider", true},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"semanticTokensProvider",
       {{"legend", semantic_tokens_legend()}, {"full", {{"delta", true}}}, {"range", true}}},
      {"inlayHintProvider", true},
  };
  return {{"capabilities", caps}, {"serverInfo", {{"name", "stackc"}, {"version", version_}}}};
}

json Server::request(const std::string& method, const json& params) {
  if (method == "initialize") {
    if (initialized_) throw RpcError(rpc::kInvalidRequest, "the server is initialized already");
    return initialize(params);
  }
  if (!initialized_)
    throw RpcError(rpc::kServerNotInitialized, "the first request must be `initialize`");
  if (shutdown_) throw RpcError(rpc::kInvalidRequest, "the server is shut down; send `exit`");
  flush();  // a request is answered on the documents as they are now
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (method == "textDocument/hover") return hover(ws_, params);
  if (method == "textDocument/definition") return definition(ws_, params);
  if (method == "textDocument/references") return references(ws_, params);
  if (method == "textDocument/prepareRename") return prepare_rename(ws_, params);
  if (method == "textDocument/rename") return rename(ws_, params);
  if (method == "textDocument/completion") return completion(ws_, params);
  if (method == "textDocument/codeAction") return code_actions(ws_, params, docs_base_);
  if (method == "textDocument/formatting") return formatting(ws_, params);
  if (method == "textDocument/documentSymbol") return document_symbols(ws_, params);
  if (method == "textDocument/foldingRange") return folding_ranges(ws_, params);
  if (method == "textDocument/semanticTokens/full") return tokens(params, false);
  if (method == "textDocument/semanticTokens/full/delta") return tokens(params, true);
  if (method == "textDocument/semanticTokens/range") return semantic_tokens_range(ws_, params);
  if (method == "textDocument/inlayHint") return inlay_hints(ws_, params);
  throw RpcError(rpc::kMethodNotFound, "the server has no method `" + method + "`");
}

json Server::tokens(const json& params, bool delta) {
  std::string uri = uri_param(params);
  std::vector<std::uint32_t> data = semantic_token_data(ws_, params);
  std::string previous = delta ? params.at("previousResultId").get<std::string>() : std::string();
  std::string id = std::to_string(next_result_id_++);
  json out = {{"resultId", id}};
  auto it = tokens_.find(uri);
  if (delta && it != tokens_.end() && it->second.result_id == previous)
    out["edits"] = semantic_tokens_edits(it->second.data, data);
  else
    out["data"] = data;   // full, or a delta from tokens no longer kept: all of them
  if (ws_.document(uri))  // kept for open documents only
    tokens_[uri] = SentTokens{id, std::move(data)};
  return out;
}

void Server::touch(const std::string& uri) {
  if (std::find(pending_.begin(), pending_.end(), uri) == pending_.end()) pending_.push_back(uri);
  if (!more_waiting_) flush();
}

void Server::set_more_waiting(bool more) {
  more_waiting_ = more;
}

void Server::flush() {
  std::vector<std::string> uris;
  uris.swap(pending_);
  if (std::find(uris.begin(), uris.end(), std::string()) != uris.end()) {
    ws_.analyze_diagnostics();
  } else {
    for (const auto& uri : uris) ws_.analyze_diagnostics(uri);
  }
  // An open document's diagnostics are published even when they did not change.
  for (const auto& uri : uris) publish(ws_.document(uri) ? uri : std::string());
  // The symbol index after the diagnostics: the editor shows them sooner, and every request
  // (all of which read the index) comes after this.
  ws_.complete();
}

void Server::publish(const std::string& touched) {
  for (auto& n : ws_.take_diagnostics(touched, docs_base_)) send_(n);
}

void Server::notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;
  if (method == "textDocument/didOpen") {
    const auto& doc = params.at("textDocument");
    std::string uri = doc.at("uri").get<std::string>();
    ws_.open(uri, doc.at("text").get<std::string>(), doc.value("version", std::int64_t{0}));
    touch(uri);
  } else if (method == "textDocument/didChange") {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    std::int64_t version = params.at("textDocument").value("version", std::int64_t{0});
    if (ws_.change(uri, params.at("contentChanges"), version)) touch(uri);
  } else if (method == "textDocument/didClose") {
    std::string uri = params.at("textDocument").at("uri").get<std::string>();
    ws_.close(uri);
    tokens_.erase(uri);
    touch(uri);
  } else if (method == "workspace/didChangeWatchedFiles") {
    // A file changed on disk (an import that is not open): every unit is checked again.
    touch({});
  }
  // Other notifications (initialized, didSave, $/cancelRequest, ...) need no answer.
}

int serve(std::istream& in, std::ostream& out, const std::string& version,
          const std::function<bool()>& more_input) {
  Server server(
      [&out](const json& m) {
        write_message(out, m.dump(-1, ' ', false, json::error_handler_t::replace));
      },
      version);
  while (!server.exited()) {
    Incoming msg = read_message(in);
    if (msg.kind == Incoming::Kind::End) return 1;  // the client went away without `exit`
    if (msg.kind == Incoming::Kind::Malformed) {
      server.malformed(msg.reason);
      continue;
    }
    // Bytes read ahead past this message, or waiting in the pipe: more input is waiting.
    server.set_more_waiting(in.rdbuf()->in_avail() > 0 || (more_input && more_input()));
    server.handle(msg.body);
  }
  return server.exit_code();
}

int run_stdio(const std::string& version) {
  std::ios::sync_with_stdio(false);
  return serve(std::cin, std::cout, version, [] {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
  });
}

}  // namespace stackc::lsp
