#include "fuzz_lsp.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "lsp/server.hpp"
#include "lsp/transport.hpp"

namespace stackc::fuzz {

namespace {

using lsp::json;

[[noreturn]] void fail(const char* what) {
  std::fputs(what, stderr);
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace

void run_lsp_one(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > (1u << 20)) return;
  std::vector<json> sent;
  lsp::Server server([&sent](const json& m) { sent.push_back(m); }, "fuzz");
  server.handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{}})");
  std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    std::istringstream in(rest);
    for (int n = 0; n < 1000 && !server.exited(); ++n) {
      auto msg = lsp::read_message(in);
      if (msg.kind == lsp::Incoming::Kind::End) break;
      if (msg.kind == lsp::Incoming::Kind::Malformed)
        server.malformed(msg.reason);
      else
        server.handle(msg.body);
    }
    for (const auto& m : sent) m.dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  const std::string uri = "file:///nonexistent-stackc-fuzz/main.stack";
  json open = {{"jsonrpc", "2.0"},
               {"method", "textDocument/didOpen"},
               {"params", {{"textDocument", {{"uri", uri}, {"version", 1}, {"text", rest}}}}}};
  server.handle(open.dump(-1, ' ', false, json::error_handler_t::replace));
  // Positions from the text's bytes: some in range, some past it.
  std::vector<std::pair<unsigned, unsigned>> at;
  for (std::size_t i = 0; i + 1 < rest.size() && at.size() < 6; i += 1 + rest.size() / 6)
    at.emplace_back(static_cast<unsigned char>(rest[i]) % 64,
                    static_cast<unsigned char>(rest[i + 1]) % 96);
  if (at.empty()) at.emplace_back(0, 0);
  const char* methods[] = {"textDocument/hover",
                           "textDocument/definition",
                           "textDocument/references",
                           "textDocument/prepareRename",
                           "textDocument/rename",
                           "textDocument/completion",
                           "textDocument/codeAction",
                           "textDocument/formatting",
                           "textDocument/documentSymbol",
                           "textDocument/foldingRange",
                           "textDocument/semanticTokens/full",
                           "textDocument/inlayHint"};
  int id = 1, version = 1;
  for (const auto& [line, character] : at) {
    json pos = {{"line", line}, {"character", character}};
    for (const char* m : methods) {
      json params = {{"textDocument", {{"uri", uri}}},
                     {"position", pos},
                     {"newName", "renamed"},
                     {"range", {{"start", {{"line", 0}, {"character", 0}}}, {"end", pos}}},
                     {"context", {{"diagnostics", json::array()}, {"includeDeclaration", true}}},
                     {"options", {{"tabSize", 2}, {"insertSpaces", true}}}};
      std::size_t before = sent.size();
      server.handle(json{{"jsonrpc", "2.0"}, {"id", id}, {"method", m}, {"params", params}}.dump());
      bool answered = false;
      for (std::size_t i = before; i < sent.size(); ++i)
        if (sent[i].contains("id") && sent[i]["id"] == id) answered = true;
      if (!answered) fail("a request was not answered");
      if (sent.back().contains("error") && sent.back()["error"]["code"] == -32603)
        fail("an internal error");
      ++id;
    }
    // An edit at the position: delete a character and type a brace.
    json change = {
        {"jsonrpc", "2.0"},
        {"method", "textDocument/didChange"},
        {"params",
         {{"textDocument", {{"uri", uri}, {"version", ++version}}},
          {"contentChanges",
           {{{"range", {{"start", pos}, {"end", {{"line", line}, {"character", character + 1}}}}},
             {"text", "{"}}}}}}};
    server.handle(change.dump());
  }
  for (const auto& m : sent) m.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace stackc::fuzz
