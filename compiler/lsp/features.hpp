// The requests the server answers, each a function of the workspace and the request's params
// (hover.cpp, navigation.cpp, completion.cpp, actions.cpp, outline.cpp). A malformed request
// throws RpcError with InvalidParams; a request the server cannot answer returns null.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lsp/workspace.hpp"

namespace stackc::lsp {

using json = nlohmann::json;

// JSON-RPC and LSP error codes.
namespace rpc {
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;
inline constexpr int kRequestFailed = -32803;
}  // namespace rpc

struct RpcError : std::runtime_error {
  RpcError(int c, const std::string& m) : std::runtime_error(m), code(c) {}
  int code;
};

// The pieces of params every text request has.
std::string uri_param(const json& params);
Position position_param(const json& params);
json range_json(const Range& r);
json location_json(const Unit& u, base::Span span);

// Where a position of an open or imported document is, in a unit.
struct Place {
  const Unit* unit = nullptr;
  base::FileId file = base::kNoFile;
  std::uint32_t offset = 0;
};
Place locate(const Workspace& ws, const json& params);

json hover(const Workspace& ws, const json& params);
json definition(const Workspace& ws, const json& params);
json references(const Workspace& ws, const json& params);
json prepare_rename(const Workspace& ws, const json& params);
json rename(const Workspace& ws, const json& params);
json completion(const Workspace& ws, const json& params);
json code_actions(const Workspace& ws, const json& params, const std::string& docs_base);
json formatting(const Workspace& ws, const json& params);
json document_symbols(const Workspace& ws, const json& params);
json folding_ranges(const Workspace& ws, const json& params);
// The tokens of a document as LSP's relative integers; with `range`, those that overlap it.
std::vector<std::uint32_t> semantic_token_data(const Workspace& ws, const json& params,
                                               const Range* range = nullptr);
json semantic_tokens_range(const Workspace& ws, const json& params);
// textDocument/semanticTokens/full/delta's edits from one token list to the next: one edit of
// what lies between their common head and tail, none when they are equal.
json semantic_tokens_edits(const std::vector<std::uint32_t>& before,
                           const std::vector<std::uint32_t>& after);
json semantic_tokens_legend();
json inlay_hints(const Workspace& ws, const json& params);

}  // namespace stackc::lsp
