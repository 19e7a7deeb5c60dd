// The server's workspace: the open documents (full and incremental sync) and their analysis by
// the real front end and checker. Each analysis ("unit") is one root file with everything it
// imports, read from the open documents first and from disk otherwise, exactly as `stackc check`
// would see it if the editor's buffers were saved.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "load/loader.hpp"
#include "lsp/index.hpp"
#include "lsp/position.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::lsp {

using json = nlohmann::json;

// The most bytes of one document, and of a unit's files from disk, as `stackc check` reads.
inline constexpr std::size_t kMaxDocumentBytes = std::size_t{64} << 20;

struct Document {
  std::string uri;
  std::string path;  // the file's path for a file:// URI, else empty
  std::string text;
  std::int64_t version = 0;
};

// Applies one `contentChanges` entry (with `range`: incremental; without: the whole text).
// Returns false (and changes nothing) when the change is malformed.
bool apply_change(std::string& text, const json& change);

// One checked root and its imports.
struct Unit {
  std::string root_uri;
  base::SourceManager sm;
  std::vector<base::Diagnostic> diagnostics;  // sorted, as `stackc check` prints them
  std::vector<ast::File> files;               // the root first (partial when it has syntax errors)
  // When the root has syntax errors, the parser's tree ends at the first statement it could not
  // close: the top-level statements after it, each parsed on its own (as a copy of the root's
  // text with everything else blanked, so that offsets are the root's), for the outline, the
  // tokens and navigation mid-edit. Their spans name their own file id; `uris` maps it to the
  // root's URI and Index records them under the root's id.
  std::vector<ast::File> recovered;
  std::optional<model::Model> model;              // when the stack has no errors
  std::vector<std::string> uris;                  // by FileId; empty for the embedded stdlib
  std::vector<std::unique_ptr<LineIndex>> lines;  // by FileId
  Index index;  // complete once Workspace::complete() has run (Workspace::analyze runs it)
  bool indexed = false;
  // The files read beside the stack (Dockerfiles): their path from the stack's folder and where
  // the stack names them.
  std::map<base::FileId, load::Loader::Named> beside;

  std::optional<base::FileId> file_of(const std::string& uri) const;
  const ast::File* tree(base::FileId id) const;
  // The trees of a file: its own, and for a root with syntax errors the recovered statements.
  std::vector<const ast::File*> trees(base::FileId id) const;
  const LineIndex& line_index(base::FileId id) const { return *lines.at(id); }
  bool stdlib(base::FileId id) const { return uris.at(id).empty(); }
};

class Workspace {
 public:
  void open(const std::string& uri, std::string text, std::int64_t version);
  // False when the document is not open or a change is malformed (the text is then reloaded
  // as the client sends it next; the document is left as it was).
  bool change(const std::string& uri, const json& changes, std::int64_t version);
  void close(const std::string& uri);
  const Document* document(const std::string& uri) const;
  const std::map<std::string, Document>& documents() const { return docs_; }

  // The unit that holds `uri` (the one that imports it, when several do); null when none.
  const Unit* unit_for(const std::string& uri) const;
  const std::vector<std::shared_ptr<Unit>>& units() const { return units_; }
  // The last model of a unit whose root is `root_uri` that checked without errors (hover and
  // inlay hints use it while the stack has errors mid-edit).
  const model::Model* last_model(const std::string& root_uri) const;

  // Analyses again what `uri` touches (or everything when empty): analyze_diagnostics, then
  // complete.
  void analyze(const std::string& uri = {});
  // The part of analyze that the diagnostics need: the units checked again, their diagnostics
  // and line tables made. Their symbol indexes, and the release of the units they replace, wait
  // for complete(), so that the server publishes the diagnostics first (on the 10,000-service
  // stack the index and the release were a tenth of an edit's time).
  void analyze_diagnostics(const std::string& uri = {});
  // Indexes the units analyze_diagnostics made and frees the ones they replaced. Every feature
  // but the diagnostics reads the index: the server completes before its next message.
  void complete();

  // The publishDiagnostics notifications due since the last call: every file whose diagnostics
  // changed, and `touched` always.
  std::vector<json> take_diagnostics(const std::string& touched, const std::string& docs_base);

  // Reads a file of a unit: the open document's text, else the file on disk.
  std::optional<std::string> read(const std::string& path) const;
  // The text of the open document of a path (normalised as a URI's path); null when none is.
  const std::string* open_text(const std::string& path) const;

 private:
  std::shared_ptr<Unit> build(const std::string& root_path, const std::string& root_uri);
  std::string root_for(const Document& d) const;

  std::map<std::string, Document> docs_;        // by URI
  std::map<std::string, std::string> by_path_;  // path -> URI of open documents
  std::vector<std::shared_ptr<Unit>> units_;
  std::map<std::string, std::shared_ptr<Unit>> good_;  // root URI -> last unit with a model
  std::vector<std::shared_ptr<Unit>> retired_;         // replaced in good_, freed by complete()
  std::map<std::string, std::string> published_;       // URI -> last diagnostics JSON
};

}  // namespace stackc::lsp
