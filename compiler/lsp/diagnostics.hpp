// The checker's diagnostics as LSP `Diagnostic`s: code, UTF-16 range, severity, the help text in
// the message, the notes as `relatedInformation`, `codeDescription` linking the code's page, and
// the mechanical fix of a "did you mean" (base/fix.hpp) as `data.fix` (the quick fix of
// textDocument/codeAction).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "load/loader.hpp"

namespace stackc::lsp {

struct Unit;
using json = nlohmann::json;

// Where a code's page is: DOCS_BASE + "E2001.md". The default is the project's repository (the
// URL the SARIF output names); `initializationOptions.diagnosticsBaseUrl` changes it.
inline constexpr const char* kDefaultDocsBase =
    "https://github.com/stackc/stackc/blob/main/specs/diagnostics/";
inline constexpr std::size_t kMaxDiagnosticsPerFile = 500;

json to_lsp(const Unit& u, const base::Diagnostic& d, const std::string& docs_base);

// A diagnostic of a file read beside the stack (a Dockerfile) as shown in the .stack file that
// names it: at `named.at`, the message saying which file and line, the place in the file first
// among the related information, and no fix (its edit would be in the other file).
json to_lsp_named(const Unit& u, const base::Diagnostic& d, const load::Loader::Named& named,
                  const std::string& docs_base);

}  // namespace stackc::lsp
