// The requests the server answers, each a function of the workspace and the request's params
// (hover.cpp, navigation.cpp, completion.cpp, actions.cpp, outline.cpp). A malformed request
// throws RpcError with InvalidParams; a request the server cannot answer returns null.
#pragma once

#include <stdexcept>
#include <string>

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
json semantic_tokens(const Workspace& ws, const json& params);
json semantic_tokens_legend();
json inlay_hints(const Workspace& ws, const json& params);

}  // namespace stackc::lsp
