// The language server's pieces (compiler/lsp): UTF-16 positions, URIs, framing, document sync,
// the symbol index, and whole sessions through Server::handle with the messages it sends back.
#include <gtest/gtest.h>

#include <unistd.h>
#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lsp/diagnostics.hpp"
#include "lsp/features.hpp"
#include "lsp/position.hpp"
#include "lsp/server.hpp"
#include "lsp/transport.hpp"
#include "lsp/workspace.hpp"

namespace stackc::lsp {
namespace {

TEST(LspPosition, Utf16ColumnsAndBack) {
  // `é` is 2 bytes and 1 code unit; `🚀` is 4 bytes and 2 code units (a surrogate pair).
  std::string text = "ab\nxé🚀y\r\nlast";
  LineIndex lines(text);
  EXPECT_EQ(lines.line_count(), 3u);
  std::uint32_t y = static_cast<std::uint32_t>(text.find('y'));
  EXPECT_EQ(lines.position(y), (Position{1, 4}));
  EXPECT_EQ(lines.offset({1, 4}), y);
  EXPECT_EQ(lines.offset({1, 99}), text.find('\n', 3));  // past the line's end: its end
  EXPECT_EQ(lines.offset({9, 0}), text.size());          // past the last line: the text's end
  EXPECT_EQ(lines.line_end(1), text.find('\r'));
  EXPECT_EQ(lines.position(static_cast<std::uint32_t>(text.size())), (Position{2, 4}));
  EXPECT_EQ(utf16_length("é🚀"), 3u);
}

TEST(LspPosition, FileUris) {
  EXPECT_EQ(uri_to_path("file:///a/b%20c/d.stack"), "/a/b c/d.stack");
  EXPECT_EQ(uri_to_path("file://localhost/x.stack"), "/x.stack");
  EXPECT_EQ(uri_to_path("untitled:Untitled-1"), "");
  EXPECT_EQ(uri_to_path("file:///a%00b"), "");  // a NUL is no path
  EXPECT_EQ(path_to_uri("/a/b c/é.stack"), "file:///a/b%20c/%C3%A9.stack");
  EXPECT_EQ(uri_to_path(path_to_uri("/x y/#1.stack")), "/x y/#1.stack");
}

TEST(LspTransport, FramesAndResynchronises) {
  std::stringstream in;
  in << "Content-Length: 2\r\n\r\n{}"
     << "Content-Type: x\r\n\r\n"
     << "content-length: 4\r\nContent-Type: utf-8\r\n\r\nnull";
  EXPECT_EQ(read_message(in).body, "{}");
  auto bad = read_message(in);
  EXPECT_EQ(bad.kind, Incoming::Kind::Malformed);
  auto ok = read_message(in);
  EXPECT_EQ(ok.kind, Incoming::Kind::Message);
  EXPECT_EQ(ok.body, "null");
  EXPECT_EQ(read_message(in).kind, Incoming::Kind::End);
  std::stringstream cut("Content-Length: 10\r\n\r\n{}");
  EXPECT_EQ(read_message(cut).kind, Incoming::Kind::End);
  std::stringstream out;
  write_message(out, "{}");
  EXPECT_EQ(out.str(), "Content-Length: 2\r\n\r\n{}");
}

TEST(LspSync, IncrementalAndFullChanges) {
  std::string text = "a🚀b\nline two\n";
  // Replace `b` (after the surrogate pair, character 3) with `XY`.
  ASSERT_TRUE(apply_change(text, json::parse(R"({"range": {"start": {"line": 0, "character": 3},
      "end": {"line": 0, "character": 4}}, "text": "XY"})")));
  EXPECT_EQ(text, "a🚀XY\nline two\n");
  ASSERT_TRUE(apply_change(text, json::parse(R"({"range": {"start": {"line": 1, "character": 0},
      "end": {"line": 2, "character": 0}}, "text": ""})")));
  EXPECT_EQ(text, "a🚀XY\n");
  ASSERT_TRUE(apply_change(text, json::parse(R"({"text": "whole"})")));
  EXPECT_EQ(text, "whole");
  // Malformed: no text, a negative line, end before start.
  EXPECT_FALSE(apply_change(text, json::parse(R"({"range": {}})")));
  EXPECT_FALSE(apply_change(text, json::parse(R"({"range": {"start": {"line": -1, "character": 0},
      "end": {"line": 0, "character": 0}}, "text": ""})")));
  EXPECT_FALSE(apply_change(text, json::parse(R"({"range": {"start": {"line": 0, "character": 3},
      "end": {"line": 0, "character": 1}}, "text": ""})")));
  EXPECT_EQ(text, "whole");
}

constexpr const char* kStack =
    "stack s {\n"
    "  registry = \"ghcr.io/s\"\n"
    "  version  = \"1.0.0\"\n"
    "}\n"
    "cluster c {\n"
    "  nodes = 2\n"
    "  node { cpu = 4  memory = 8Gi }\n"
    "}\n"
    "environment dev { cluster = c }\n"
    "environment prod { cluster = c }\n"
    "service api {\n"
    "  image     = \"api\"\n"
    "  port http = 8080\n"
    "  replicas  = 3\n"
    "  cpu       = 100m..200m\n"
    "  memory    = 64Mi..128Mi\n"
    "  health    { liveness = http(\"/healthz\", port = http) }\n"
    "  needs     = [db]\n"
    "  env       { DB = \"${db.host}\" }\n"
    "  when dev { replicas = 1 }\n"
    "}\n"
    "service db {\n"
    "  image     = \"db\"\n"
    "  port sql  = 5432\n"
    "  cpu       = 100m..200m\n"
    "  memory    = 64Mi..128Mi\n"
    "  health    { liveness = tcp(sql) }\n"
    "}\n";

// A server whose messages are kept.
struct Session {
  std::vector<json> sent;
  Server server{[this](const json& m) { sent.push_back(m); }, "test"};
  int next_id = 1;
  std::string uri = path_to_uri("/nonexistent-stackc-test/main.stack");

  json request(const std::string& method, json params) {
    int id = next_id++;
    server.handle(
        json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump());
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (it->contains("id") && (*it)["id"] == id) return *it;
    return nullptr;
  }
  void notify(const std::string& method, json params) {
    server.handle(json{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}}.dump());
  }
  // The last diagnostics published for `uri`.
  json diagnostics() const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it)
      if (it->value("method", "") == "textDocument/publishDiagnostics" &&
          (*it)["params"]["uri"] == uri)
        return (*it)["params"]["diagnostics"];
    return nullptr;
  }
  json at(std::uint32_t line, std::uint32_t character) const {
    return {{"textDocument", {{"uri", uri}}},
            {"position", {{"line", line}, {"character", character}}}};
  }
  void open(const std::string& text, json init = json::object()) {
    request("initialize", init);
    notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", uri}, {"languageId", "stack"}, {"version", 1}, {"text", text}}}});
  }
};

TEST(LspServer, DiagnosticsAppearAndClear) {
  Session s;
  s.open(kStack);
  EXPECT_EQ(s.diagnostics(), json::array());
  std::string broken = kStack;
  broken.replace(broken.find("replicas  = 3"), 8, "replicaz");
  s.notify("textDocument/didChange", {{"textDocument", {{"uri", s.uri}, {"version", 2}}},
                                      {"contentChanges", {{{"text", broken}}}}});
  json d = s.diagnostics();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]["code"], "E2001");
  EXPECT_EQ(d[0]["range"], json::parse(R"({"start": {"line": 13, "character": 2},
                                          "end": {"line": 13, "character": 10}})"));
  EXPECT_EQ(d[0]["data"]["fix"]["newText"], "replicas");
  EXPECT_EQ(d[0]["codeDescription"]["href"], std::string(kDefaultDocsBase) + "E2001.md");
  auto actions = s.request("textDocument/codeAction", {{"textDocument", {{"uri", s.uri}}},
                                                       {"range", d[0]["range"]},
                                                       {"context", {{"diagnostics", d}}}});
  ASSERT_EQ(actions["result"].size(), 1u);
  EXPECT_EQ(actions["result"][0]["title"], "Replace `replicaz` with `replicas`");
  s.notify("textDocument/didChange",
           {{"textDocument", {{"uri", s.uri}, {"version", 3}}},
            {"contentChanges", {{{"range", d[0]["range"]}, {"text", "replicas"}}}}});
  EXPECT_EQ(s.diagnostics(), json::array());
}

// The diagnostics first: analyze_diagnostics leaves a new unit's symbol index, and the release
// of the unit it replaced, to complete() (the server publishes in between); analyze does both.
TEST(LspWorkspace, TheIndexAndTheReleaseComeAfterTheDiagnostics) {
  Workspace ws;
  const std::string uri = path_to_uri("/nonexistent-stackc-test/main.stack");
  ws.open(uri, kStack, 1);
  ws.analyze(uri);
  std::weak_ptr<Unit> first = ws.units().front();
  ASSERT_TRUE(first.lock()->indexed);
  const Symbol* db = first.lock()->index.find(SymbolKind::Workload, "db");
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(first.lock()->index.references_to(*db).empty());  // `needs = [db]` in api
  std::string edited = kStack;
  edited.replace(edited.find("replicas  = 3"), 13, "replicas  = 4");
  ASSERT_TRUE(ws.change(uri, json::array({{{"text", edited}}}), 2));
  ws.analyze_diagnostics(uri);
  const Unit* now = ws.unit_for(uri);
  ASSERT_NE(now, nullptr);
  EXPECT_FALSE(now->indexed);
  EXPECT_FALSE(first.expired());  // the last good unit: replaced, not yet freed
  EXPECT_TRUE(now->diagnostics.empty());
  ws.complete();
  EXPECT_TRUE(now->indexed);
  EXPECT_TRUE(first.expired());
  db = now->index.find(SymbolKind::Workload, "db");
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(now->index.references_to(*db).empty());
}

TEST(LspServer, DiagnosticsBaseUrlFromInitializationOptions) {
  Session s;
  std::string broken = kStack;
  broken.replace(broken.find("replicas  = 3"), 8, "replicaz");
  s.open(broken, {{"initializationOptions", {{"diagnosticsBaseUrl", "https://example.test/d/"}}}});
  json d = s.diagnostics();
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0]["codeDescription"]["href"], "https://example.test/d/E2001.md");
}

TEST(LspServer, NavigationOnTheIndex) {
  Session s;
  s.open(kStack);
  // `db` in `needs` (line 17) -> `service db` (line 21, characters 8..10).
  auto def = s.request("textDocument/definition", s.at(17, 16));
  EXPECT_EQ(def["result"]["range"], json::parse(R"({"start": {"line": 21, "character": 8},
                                                  "end": {"line": 21, "character": 10}})"));
  // The references of `db`: `needs` and `${db.host}`.
  auto refs = s.request("textDocument/references", s.at(21, 9));
  ASSERT_EQ(refs["result"].size(), 2u);
  EXPECT_EQ(refs["result"][1]["range"]["start"], json::parse(R"({"line": 18, "character": 22})"));
  // The port `http` named by the probe of its workload.
  auto port = s.request("textDocument/definition", s.at(16, 50));
  EXPECT_EQ(port["result"]["range"]["start"], json::parse(R"({"line": 12, "character": 7})"));
  // tcp(sql) in db.
  auto sql = s.request("textDocument/definition", s.at(26, 30));
  EXPECT_EQ(sql["result"]["range"]["start"], json::parse(R"({"line": 23, "character": 7})"));
  auto edit = s.request("textDocument/rename", [&] {
    json p = s.at(21, 9);
    p["newName"] = "store";
    return p;
  }());
  EXPECT_EQ(edit["result"]["changes"][s.uri].size(), 3u);
  auto taken = s.request("textDocument/rename", [&] {
    json p = s.at(21, 9);
    p["newName"] = "api";
    return p;
  }());
  EXPECT_EQ(taken["error"]["code"], rpc::kRequestFailed);
}

TEST(LspServer, HoverAndInlayHintsFromTheModel) {
  Session s;
  s.open(kStack);
  auto h = s.request("textDocument/hover", s.at(10, 9));
  std::string v = h["result"]["contents"]["value"];
  EXPECT_NE(v.find("| dev | 1 | 100m..200m | 64Mi..128Mi |"), std::string::npos) << v;
  EXPECT_NE(v.find("| prod | 3 | 100m..200m | 64Mi..128Mi |"), std::string::npos) << v;
  auto key = s.request("textDocument/hover", s.at(13, 3));
  EXPECT_EQ(key["result"]["contents"]["value"].get<std::string>().rfind("**`replicas`**", 0), 0u);
  auto hints = s.request("textDocument/inlayHint", {{"textDocument", {{"uri", s.uri}}}});
  ASSERT_EQ(hints["result"].size(), 1u);
  EXPECT_EQ(hints["result"][0]["label"], "dev: 1, prod: 3");
}

TEST(LspServer, CompletionByContext) {
  Session s;
  std::string text = kStack;
  text += "alert A {\n  severity = \n}\n";
  s.open(text);
  auto items = [&](std::uint32_t line, std::uint32_t character) {
    std::vector<std::string> out;
    json response = s.request("textDocument/completion", s.at(line, character));
    for (const auto& i : response["result"]) out.push_back(i["label"]);
    return out;
  };
  EXPECT_EQ(items(29, 13), (std::vector<std::string>{"critical", "warning", "info"}));
  auto keys = items(11, 0);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "replicas"), keys.end());
  auto top = items(28, 0);
  EXPECT_EQ(top.front(), "import");
  EXPECT_EQ(items(17, 15), (std::vector<std::string>{"api", "db"}));  // in `needs = [`
  EXPECT_EQ(items(16, 49), (std::vector<std::string>{"http"}));       // http(..., port = |
  EXPECT_EQ(items(26, 29), (std::vector<std::string>{"sql"}));        // tcp(|
}

TEST(LspServer, MidEditSymbolsAndJsonRpcErrors) {
  Session s;
  std::string text = kStack;
  text.insert(text.find("service db"), "service half {\n  image = \n");
  s.open(text);
  json d = s.diagnostics();
  ASSERT_FALSE(d.empty());
  json symbols = s.request("textDocument/documentSymbol", {{"textDocument", {{"uri", s.uri}}}});
  std::vector<std::string> names;
  for (const auto& x : symbols["result"]) names.push_back(x["name"]);
  EXPECT_NE(std::find(names.begin(), names.end(), "api"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "db"), names.end());  // after the broken one
  EXPECT_EQ(s.request("nope", json::object())["error"]["code"], rpc::kMethodNotFound);
  EXPECT_EQ(s.request("textDocument/hover", json::array())["error"]["code"], rpc::kInvalidParams);
  s.server.handle("{");
  EXPECT_EQ(s.sent.back()["error"]["code"], rpc::kParseError);
  s.server.handle("[]");
  EXPECT_EQ(s.sent.back()["error"]["code"], rpc::kInvalidRequest);
  EXPECT_EQ(s.request("shutdown", nullptr)["result"], nullptr);
  s.notify("exit", nullptr);
  EXPECT_TRUE(s.server.exited());
  EXPECT_EQ(s.server.exit_code(), 0);
}

TEST(LspServer, RenameOfVersionedWorkloads) {
  std::string text = std::string(kStack) +
                     "service reviews {\n"              // 28
                     "  image  = \"reviews\"\n"         // 29
                     "  port http = 9080\n"             // 30
                     "  cpu    = 100m..200m\n"          // 31
                     "  memory = 64Mi..128Mi\n"         // 32
                     "  version v1 { replicas = 1 }\n"  // 33
                     "  version v2 { needs = [db] }\n"  // 34
                     "}\n"                              // 35
                     "worker page {\n"                  // 36
                     "  image  = \"page\"\n"            // 37
                     "  cpu    = 100m..200m\n"          // 38
                     "  memory = 64Mi..128Mi\n"         // 39
                     "  needs  = [reviews]\n"           // 40
                     "}\n";
  Session s;
  s.open(text);
  ASSERT_EQ(s.diagnostics(), json::array());
  auto rename = [&](std::uint32_t line, std::uint32_t character, const std::string& name) {
    json p = s.at(line, character);
    p["newName"] = name;
    return s.request("textDocument/rename", p);
  };
  auto range = [](std::uint32_t line, std::uint32_t b, std::uint32_t e) {
    return json{{"start", {{"line", line}, {"character", b}}},
                {"end", {{"line", line}, {"character", e}}}};
  };
  // A version: its name is its only mention (naming `reviews-v2` elsewhere is E2034).
  auto prep = s.request("textDocument/prepareRename", s.at(34, 11));
  EXPECT_EQ(prep["result"]["range"], range(34, 10, 12));
  EXPECT_EQ(prep["result"]["placeholder"], "v2");
  EXPECT_EQ(rename(34, 11, "v3")["result"]["changes"][s.uri],
            json::array({{{"range", range(34, 10, 12)}, {"newText", "v3"}}}));
  const std::string at = "/nonexistent-stackc-test/main.stack:";
  EXPECT_EQ(rename(34, 11, "v1")["error"]["message"],
            "`reviews-v1` is taken: version `v1` of `reviews` makes the workload `reviews-v1` at " +
                at + "34");
  EXPECT_EQ(rename(34, 11, "V2")["error"]["message"],
            "`V2` cannot name a version: its Kubernetes objects need a DNS label (lower case "
            "letters, digits and `-`, at most 63, starting and ending with a letter or digit); "
            "try `v2`");
  // A workload named like a version's workload, or whose versions' would be.
  EXPECT_EQ(rename(36, 9, "reviews-v2")["error"]["message"],
            "`reviews-v2` is taken: version `v2` of `reviews` makes the workload `reviews-v2` at " +
                at + "35");
  EXPECT_EQ(rename(21, 9, "page-v1")["error"]["code"], json());  // no version makes it
  std::string long_name(61, 'r');
  EXPECT_EQ(rename(28, 9, long_name)["error"]["message"],
            "version `v1` would make the workload `" + long_name +
                "-v1`, 64 characters long: a Kubernetes name has at most 63 (E2033)");
  EXPECT_EQ(rename(28, 9, "api")["error"]["message"],
            "`api` is taken: service `api` is declared at " + at + "11");
  // The versioned workload: its declaration and the `needs` naming it; the versions follow.
  EXPECT_EQ(rename(28, 9, "critic")["result"]["changes"][s.uri],
            json::array({{{"range", range(28, 8, 15)}, {"newText", "critic"}},
                         {{"range", range(40, 12, 19)}, {"newText", "critic"}}}));
  // A workload a version needs: the version's `needs` is renamed with the others.
  auto db = rename(21, 9, "store")["result"]["changes"][s.uri];
  EXPECT_EQ(db.size(), 4u);
  EXPECT_EQ(db[3], (json{{"range", range(34, 24, 26)}, {"newText", "store"}}));
  // A port is not renamed.
  EXPECT_EQ(s.request("textDocument/prepareRename", s.at(30, 8))["error"]["message"],
            "only a workload, a template or a version can be renamed");
}

// LSP's relative token integers as absolute (line, character, length, type, modifiers) rows.
std::vector<std::array<std::uint32_t, 5>> absolute_tokens(const json& data) {
  std::vector<std::array<std::uint32_t, 5>> out;
  std::uint32_t line = 0, character = 0;
  for (std::size_t i = 0; i + 4 < data.size(); i += 5) {
    std::uint32_t dl = data[i], dc = data[i + 1];
    character = dl == 0 ? character + dc : dc;
    line += dl;
    out.push_back({line, character, data[i + 2], data[i + 3], data[i + 4]});
  }
  return out;
}

TEST(LspServer, SemanticTokensRangeAndDelta) {
  Session s;
  json init = s.request("initialize", json::object());
  EXPECT_EQ(init["result"]["capabilities"]["semanticTokensProvider"]["full"],
            json::parse(R"({"delta": true})"));
  EXPECT_EQ(init["result"]["capabilities"]["semanticTokensProvider"]["range"], true);
  s.notify("textDocument/didOpen",
           {{"textDocument",
             {{"uri", s.uri}, {"languageId", "stack"}, {"version", 1}, {"text", kStack}}}});
  json doc = {{"textDocument", {{"uri", s.uri}}}};
  json full = s.request("textDocument/semanticTokens/full", doc)["result"];
  ASSERT_TRUE(full.contains("resultId"));
  auto all = absolute_tokens(full["data"]);
  // Lines 12 and 13 (`port http = 8080`, `replicas = 3`): exactly the full list's tokens there.
  json range = doc;
  range["range"] = json::parse(R"({"start": {"line": 12, "character": 0},
                                   "end": {"line": 13, "character": 99}})");
  auto some =
      absolute_tokens(s.request("textDocument/semanticTokens/range", range)["result"]["data"]);
  decltype(all) expected;
  for (const auto& t : all)
    if (t[0] == 12 || t[0] == 13) expected.push_back(t);
  EXPECT_EQ(some, expected);
  ASSERT_EQ(some.size(), 5u);                                          // port http 8080, replicas 3
  EXPECT_EQ(some[0], (std::array<std::uint32_t, 5>{12, 2, 4, 1, 0}));  // `port`: a property
  // Part of a line: the tokens that overlap it.
  range["range"] = json::parse(R"({"start": {"line": 13, "character": 14},
                                   "end": {"line": 13, "character": 15}})");
  auto one =
      absolute_tokens(s.request("textDocument/semanticTokens/range", range)["result"]["data"]);
  EXPECT_EQ(one, (decltype(all){{13, 14, 1, 4, 0}}));  // `3`: a number
  range["range"] = json::parse(R"({"start": {"line": 13, "character": 3},
                                   "end": {"line": 12, "character": 0}})");
  EXPECT_EQ(s.request("textDocument/semanticTokens/range", range)["error"]["code"],
            rpc::kInvalidParams);
  // An edit, then a delta: applied to the first list it gives the second.
  s.notify("textDocument/didChange",
           {{"textDocument", {{"uri", s.uri}, {"version", 2}}},
            {"contentChanges",
             {{{"range", json::parse(R"({"start": {"line": 13, "character": 15},
                                         "end": {"line": 13, "character": 15}})")},
               {"text", "0  # ten times"}}}}});
  json delta_params = doc;
  delta_params["previousResultId"] = full["resultId"];
  json delta = s.request("textDocument/semanticTokens/full/delta", delta_params)["result"];
  ASSERT_TRUE(delta.contains("edits")) << delta.dump();
  ASSERT_EQ(delta["edits"].size(), 1u);
  std::vector<std::uint32_t> applied = full["data"];
  const json& e = delta["edits"][0];
  applied.erase(
      applied.begin() + e["start"].get<std::ptrdiff_t>(),
      applied.begin() + e["start"].get<std::ptrdiff_t>() + e["deleteCount"].get<std::ptrdiff_t>());
  std::vector<std::uint32_t> inserted = e["data"];
  applied.insert(applied.begin() + e["start"].get<std::ptrdiff_t>(), inserted.begin(),
                 inserted.end());
  json now = s.request("textDocument/semanticTokens/full", doc)["result"];
  EXPECT_EQ(json(applied), now["data"]);
  auto changed = absolute_tokens(now["data"]);
  EXPECT_NE(
      std::find(changed.begin(), changed.end(), std::array<std::uint32_t, 5>{13, 14, 2, 4, 0}),
      changed.end());  // `30`
  EXPECT_NE(
      std::find(changed.begin(), changed.end(), std::array<std::uint32_t, 5>{13, 18, 11, 5, 0}),
      changed.end());  // the comment
  // No change: no edits. An unknown previous result: the whole list.
  delta_params["previousResultId"] = now["resultId"];
  EXPECT_EQ(s.request("textDocument/semanticTokens/full/delta", delta_params)["result"]["edits"],
            json::array());
  delta_params["previousResultId"] = "no such result";
  EXPECT_EQ(s.request("textDocument/semanticTokens/full/delta", delta_params)["result"]["data"],
            now["data"]);
  EXPECT_EQ(semantic_tokens_edits({1, 2, 3, 4}, {1, 9, 4}),
            json::parse(R"([{"start": 1, "deleteCount": 2, "data": [9]}])"));
  EXPECT_EQ(semantic_tokens_edits({1, 2}, {1, 2, 1, 2}),
            json::parse(R"([{"start": 2, "deleteCount": 0, "data": [1, 2]}])"));
}

// A folder of files on disk for a test, removed at its end.
struct Folder {
  std::filesystem::path dir;
  explicit Folder(const std::string& name)
      : dir(std::filesystem::temp_directory_path() /
            ("stackc-lsp-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    dir = std::filesystem::canonical(dir);
  }
  ~Folder() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    auto p = dir / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

constexpr const char* kBuilt =
    "stack shop      { registry = \"ghcr.io/shop\"  version = \"1.0.0\" }\n"
    "cluster local   { nodes = 1  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = local }\n"
    "service api {\n"
    "  image     = \"api\"\n"
    "  port http = 8080\n"
    "  cpu       = 100m..500m\n"
    "  memory    = 128Mi..256Mi\n"
    "  build     { context = \"docker/api\" }\n"
    "}\n";
constexpr const char* kRootDockerfile =
    "FROM golang:1.23 AS build\n"
    "RUN go build -o /out/api .\n"
    "\n"
    "FROM gcr.io/distroless/static-debian12:debug AS runtime\n"
    "COPY --from=build /out/api /api\n"
    "ENTRYPOINT [\"/api\"]\n";

TEST(LspServer, DockerfileDiagnosticsInTheDockerfileAndWhereTheStackNamesIt) {
  Folder f("dockerfile");
  std::string stack = f.write("main.stack", kBuilt);
  std::string dockerfile = f.write("docker/api/Dockerfile", kRootDockerfile);
  Session s;
  s.uri = path_to_uri(stack);
  s.open(kBuilt);
  std::string docker_uri = path_to_uri(dockerfile);
  auto published = [&](const std::string& uri) {
    for (auto it = s.sent.rbegin(); it != s.sent.rend(); ++it)
      if (it->value("method", "") == "textDocument/publishDiagnostics" &&
          (*it)["params"]["uri"] == uri)
        return (*it)["params"]["diagnostics"];
    return json();
  };
  // In the Dockerfile: the final stage without USER, at its FROM line.
  json in_file = published(docker_uri);
  ASSERT_EQ(in_file.size(), 1u) << in_file.dump();
  EXPECT_EQ(in_file[0]["code"], "E2066");
  EXPECT_EQ(in_file[0]["range"], json::parse(R"({"start": {"line": 3, "character": 0},
                                                "end": {"line": 3, "character": 55}})"));
  EXPECT_EQ(in_file[0]["message"].get<std::string>().rfind(
                "the stage `runtime` of `api` sets no `USER`", 0),
            0u);
  // In the stack: at the context that names the Dockerfile, with the Dockerfile's place first.
  json in_stack = s.diagnostics();
  ASSERT_EQ(in_stack.size(), 1u) << in_stack.dump();
  EXPECT_EQ(in_stack[0]["code"], "E2066");
  EXPECT_EQ(in_stack[0]["range"], json::parse(R"({"start": {"line": 8, "character": 24},
                                                 "end": {"line": 8, "character": 36}})"));
  EXPECT_EQ(
      in_stack[0]["message"].get<std::string>().rfind(
          "in `docker/api/Dockerfile`, line 4: the stage `runtime` of `api` sets no `USER`", 0),
      0u);
  EXPECT_EQ(in_stack[0]["relatedInformation"][0]["location"]["uri"], docker_uri);
  EXPECT_EQ(in_stack[0]["relatedInformation"][0]["location"]["range"], in_file[0]["range"]);
  EXPECT_FALSE(in_stack[0].contains("data"));
  // Opened alone (no stack open), a Dockerfile is no stack: nothing is checked or published.
  {
    Session alone;
    alone.uri = docker_uri;
    alone.open(kRootDockerfile);
    EXPECT_EQ(alone.diagnostics(), nullptr);
    EXPECT_EQ(alone.server.workspace().units().size(), 0u);
  }
  // The Dockerfile opened and fixed in the editor (not saved): both lists clear.
  std::string fixed = kRootDockerfile;
  fixed.insert(fixed.find("ENTRYPOINT"), "USER 65532:65532\n");
  s.notify(
      "textDocument/didOpen",
      {{"textDocument",
        {{"uri", docker_uri}, {"languageId", "dockerfile"}, {"version", 1}, {"text", fixed}}}});
  EXPECT_EQ(published(docker_uri), json::array());
  EXPECT_EQ(s.diagnostics(), json::array());
  // Closed without saving: the file on disk counts again.
  s.notify("textDocument/didClose", {{"textDocument", {{"uri", docker_uri}}}});
  s.notify("textDocument/didChange", {{"textDocument", {{"uri", s.uri}, {"version", 2}}},
                                      {"contentChanges", {{{"text", kBuilt}}}}});
  EXPECT_EQ(published(docker_uri).size(), 1u);
}

}  // namespace
}  // namespace stackc::lsp
