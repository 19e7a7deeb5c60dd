#include "lsp/workspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <utility>

#include "check/check.hpp"
#include "check/schema.hpp"
#include "graph/graph.hpp"
#include "load/loader.hpp"
#include "lsp/diagnostics.hpp"
#include "syntax/parse.hpp"

namespace stackc::lsp {

namespace fs = std::filesystem;

bool apply_change(std::string& text, const json& change) {
  if (!change.is_object() || !change.contains("text") || !change["text"].is_string()) return false;
  const auto& new_text = change["text"].get_ref<const std::string&>();
  if (!change.contains("range")) {
    if (new_text.size() > kMaxDocumentBytes) return false;
    text = new_text;
    return true;
  }
  const json& r = change["range"];
  auto pos = [](const json& p, Position& out) {
    if (!p.is_object() || !p.contains("line") || !p.contains("character")) return false;
    if (!p["line"].is_number_unsigned() || !p["character"].is_number_unsigned()) return false;
    out.line = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(p["line"].get<std::uint64_t>(), UINT32_MAX));
    out.character = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(p["character"].get<std::uint64_t>(), UINT32_MAX));
    return true;
  };
  Position a, b;
  if (!r.is_object() || !r.contains("start") || !r.contains("end") || !pos(r["start"], a) ||
      !pos(r["end"], b))
    return false;
  LineIndex lines(text);
  std::uint32_t begin = lines.offset(a), end = lines.offset(b);
  if (end < begin) return false;
  if (text.size() - (end - begin) + new_text.size() > kMaxDocumentBytes) return false;
  text.replace(begin, end - begin, new_text);
  return true;
}

std::optional<base::FileId> Unit::file_of(const std::string& uri) const {
  for (std::size_t i = 0; i < uris.size(); ++i)  // the first: a recovered copy has its root's
    if (uris[i] == uri) return static_cast<base::FileId>(i);
  return std::nullopt;
}

const ast::File* Unit::tree(base::FileId id) const {
  for (const auto& f : files)
    if (f.id == id) return &f;
  return nullptr;
}

std::vector<const ast::File*> Unit::trees(base::FileId id) const {
  std::vector<const ast::File*> out;
  if (const ast::File* f = tree(id)) out.push_back(f);
  if (id == 0)
    for (const auto& r : recovered) out.push_back(&r);
  return out;
}

namespace {

// `uri` by value: it may be one of u.uris, which this grows.
base::FileId add_file(Unit& u, const std::string& path, std::string uri, std::string text) {
  base::FileId id = u.sm.add(path, std::move(text));
  if (u.uris.size() <= id) u.uris.resize(id + 1);
  u.uris[id] = std::move(uri);
  return id;
}

std::string normal_path(const std::string& uri) {
  std::string p = uri_to_path(uri);
  if (p.empty()) return p;
  std::error_code ec;
  fs::path c = fs::weakly_canonical(fs::path(p), ec);
  return ec ? fs::path(p).lexically_normal().string() : c.string();
}

bool has_stack_block(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    std::size_t eol = text.find('\n', at);
    std::string_view line = text.substr(at, eol == std::string_view::npos ? text.npos : eol - at);
    if (line.rfind("stack ", 0) == 0 || line.rfind("stack\t", 0) == 0) return true;
    if (eol == std::string_view::npos) break;
    at = eol + 1;
  }
  return false;
}

// The most bytes the recovered copies of one root may take (each is as long as the root).
constexpr std::size_t kMaxRecoveredBytes = std::size_t{16} << 20;

// Parses the top-level statements after the last one the root's tree holds, each on its own.
void recover(Unit& u, base::FileId root) {
  const ast::File& tree = u.files.front();
  std::string_view text = u.sm.file(root).text();
  std::size_t from = tree.statements.empty() ? 0 : tree.statements.back().span.end;
  // Top-level statements start at column 0 with a kind's name.
  std::vector<std::size_t> starts;
  for (std::size_t at = from; at < text.size();) {
    std::size_t eol = text.find('\n', at);
    if (eol == std::string_view::npos) eol = text.size();
    std::size_t w = at;
    while (w < eol && (std::isalnum(static_cast<unsigned char>(text[w])) || text[w] == '_')) ++w;
    if (w > at && w < eol && (text[w] == ' ' || text[w] == '\t' || text[w] == '{') &&
        check::top_kind(text.substr(at, w - at)) && at > from)
      starts.push_back(at);
    at = eol + 1;
  }
  std::size_t budget = kMaxRecoveredBytes / std::max<std::size_t>(text.size(), 1);
  for (std::size_t i = 0; i < starts.size() && i < budget; ++i) {
    std::size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    std::string copy(text.size(), ' ');
    for (std::size_t k = 0; k < text.size(); ++k)
      if (text[k] == '\n' || (k >= starts[i] && k < end)) copy[k] = text[k];
    base::FileId id = add_file(u, u.sm.file(root).path(), u.uris[root], std::move(copy));
    base::Collector ignored;  // the root's own parse reported the errors
    ast::File part = syntax::parse(u.sm, id, ignored);
    if (!part.statements.empty()) u.recovered.push_back(std::move(part));
  }
}

// A document that can be a stack's file: a `.stack` file, or one that is not a file (an
// untitled buffer). Others (a Dockerfile the client has open) are read only by the units whose
// stacks name them, never checked as stacks of their own.
bool stack_document(const Document& d) {
  return d.path.empty() || fs::path(d.path).extension() == ".stack";
}

}  // namespace

void Workspace::open(const std::string& uri, std::string text, std::int64_t version) {
  if (text.size() > kMaxDocumentBytes) text.clear();
  Document d{uri, normal_path(uri), std::move(text), version};
  if (!d.path.empty()) by_path_[d.path] = uri;
  docs_[uri] = std::move(d);
}

bool Workspace::change(const std::string& uri, const json& changes, std::int64_t version) {
  auto it = docs_.find(uri);
  if (it == docs_.end() || !changes.is_array()) return false;
  std::string text = it->second.text;
  for (const auto& c : changes)
    if (!apply_change(text, c)) return false;
  it->second.text = std::move(text);
  it->second.version = version;
  return true;
}

void Workspace::close(const std::string& uri) {
  auto it = docs_.find(uri);
  if (it == docs_.end()) return;
  if (!it->second.path.empty()) by_path_.erase(it->second.path);
  docs_.erase(it);
}

const Document* Workspace::document(const std::string& uri) const {
  auto it = docs_.find(uri);
  return it == docs_.end() ? nullptr : &it->second;
}

std::optional<std::string> Workspace::read(const std::string& path) const {
  if (const std::string* held = open_text(path)) return *held;
  std::string text;
  if (!load::read_source(path, kMaxDocumentBytes, true, text).ok) return std::nullopt;
  return text;
}

const std::string* Workspace::open_text(const std::string& path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &docs_.at(it->second).text;
}

const Unit* Workspace::unit_for(const std::string& uri) const {
  const Unit* as_root = nullptr;
  for (const auto& u : units_) {
    if (!u->file_of(uri)) continue;
    if (u->root_uri != uri) return u.get();
    as_root = u.get();
  }
  return as_root;
}

const model::Model* Workspace::last_model(const std::string& root_uri) const {
  auto it = good_.find(root_uri);
  return it == good_.end() || !it->second->model ? nullptr : &*it->second->model;
}

std::string Workspace::root_for(const Document& d) const {
  // A file without a `stack` block is a part of a stack: a .stack file beside it that imports
  // it is the root, as `stackc check` is run on that one.
  if (d.path.empty() || has_stack_block(d.text)) return d.uri;
  fs::path self(d.path);
  std::string needle = "\"./" + self.filename().string() + "\"";
  std::error_code ec;
  std::vector<fs::path> candidates;
  for (const auto& e : fs::directory_iterator(self.parent_path(), ec)) {
    if (candidates.size() >= 256) break;
    if (e.path().extension() == ".stack" && e.path() != self) candidates.push_back(e.path());
  }
  std::sort(candidates.begin(), candidates.end());
  for (const auto& c : candidates) {
    auto text = read(c.string());
    if (text && has_stack_block(*text) && text->find(needle) != std::string::npos)
      return path_to_uri(c.string());
  }
  return d.uri;
}

std::shared_ptr<Unit> Workspace::build(const std::string& root_path, const std::string& root_uri) {
  auto u = std::make_shared<Unit>();
  u->root_uri = root_uri;
  base::Collector sink;
  std::string shown = root_path.empty() ? root_uri : root_path;
  std::optional<std::string> text;
  if (auto d = docs_.find(root_uri); d != docs_.end())
    text = d->second.text;
  else if (!root_path.empty())
    text = read(root_path);
  base::FileId id = add_file(*u, shown, root_uri, text ? std::move(*text) : std::string());
  ast::File tree = syntax::parse(u->sm, id, sink);
  if (!tree.ok || root_path.empty()) {
    bool broken = !tree.ok;
    u->files.push_back(std::move(tree));
    if (broken) recover(*u, id);
  } else {
    // Imports and Dockerfiles as `stackc check` reads them, the open documents in place of
    // their files.
    load::Loader loader(u->sm, fs::path(root_path), id, kMaxDocumentBytes,
                        [this](const std::string& p) { return open_text(p); });
    auto r = check::check(u->sm, std::move(tree), loader, sink);
    u->files = std::move(r.files);
    u->index = std::move(r.index);
    if (r.model) {
      graph::analyze(*r.model, sink);
      if (sink.error_count() == 0) u->model = std::move(r.model);
    }
    u->uris.resize(u->sm.size());
    for (std::size_t i = 1; i < u->sm.size(); ++i) {
      auto f = static_cast<base::FileId>(i);
      if (const fs::path* p = loader.path_of(f)) u->uris[i] = path_to_uri(p->string());
      if (const load::Loader::Named* n = loader.beside_file(f)) u->beside[f] = *n;
    }
  }
  u->diagnostics = sink.sorted();
  u->uris.resize(u->sm.size());
  for (std::size_t i = 0; i < u->sm.size(); ++i)
    u->lines.push_back(
        std::make_unique<LineIndex>(u->sm.file(static_cast<base::FileId>(i)).text()));
  if (u->model) retired_.push_back(std::exchange(good_[root_uri], u));
  return u;
}

void Workspace::complete() {
  for (const auto& u : units_) {
    if (u->indexed) continue;
    base::FileId root = u->files.empty() ? base::FileId{0} : u->files.front().id;
    for (const auto& f : u->files) u->index.add(f, u->sm.file(f.id).text(), f.id);
    for (const auto& f : u->recovered) u->index.add(f, u->sm.file(f.id).text(), root);
    u->index.finish();
    u->indexed = true;
  }
  retired_.clear();
}

void Workspace::analyze(const std::string& uri) {
  analyze_diagnostics(uri);
  complete();
}

void Workspace::analyze_diagnostics(const std::string& uri) {
  std::set<std::string> roots;
  if (uri.empty()) {
    units_.clear();
  } else {
    std::vector<std::shared_ptr<Unit>> kept;
    for (auto& u : units_) {
      if (u->file_of(uri))
        roots.insert(u->root_uri);
      else
        kept.push_back(std::move(u));
    }
    units_ = std::move(kept);
  }
  auto covered = [&](const std::string& d) {
    return std::any_of(units_.begin(), units_.end(),
                       [&](const auto& u) { return u->file_of(d).has_value(); });
  };
  auto add_root = [&](const std::string& root) {
    if (std::any_of(units_.begin(), units_.end(),
                    [&](const auto& u) { return u->root_uri == root; }))
      return;
    units_.push_back(build(normal_path(root), root));
  };
  for (const auto& r : roots) {
    // A root that is neither open nor on disk any more is gone with its unit; one that is not
    // open stays only while it holds an open document.
    bool open = docs_.count(r) > 0;
    if (!open && !read(normal_path(r))) continue;
    add_root(r);
    if (!open) {
      auto& u = units_.back();
      bool holds = std::any_of(docs_.begin(), docs_.end(),
                               [&](const auto& d) { return u->file_of(d.first).has_value(); });
      if (!holds) units_.pop_back();
    }
  }
  for (const auto& [d, doc] : docs_)
    if ((uri.empty() || d == uri) && !covered(d) && stack_document(doc)) add_root(root_for(doc));
  // A unit whose root another unit imports is that one's part.
  std::vector<std::shared_ptr<Unit>> kept;
  for (auto& u : units_) {
    bool part = std::any_of(units_.begin(), units_.end(), [&](const auto& v) {
      return v != u && v->root_uri != u->root_uri && v->file_of(u->root_uri).has_value();
    });
    if (!part) kept.push_back(u);
  }
  units_ = std::move(kept);
  for (auto it = good_.begin(); it != good_.end();) {
    bool live = std::any_of(units_.begin(), units_.end(),
                            [&](const auto& u) { return u->root_uri == it->first; });
    it = live ? std::next(it) : good_.erase(it);
  }
  for (const auto& [d, doc] : docs_)
    if (!covered(d) && stack_document(doc)) add_root(root_for(doc));
}

std::vector<json> Workspace::take_diagnostics(const std::string& touched,
                                              const std::string& docs_base) {
  std::map<std::string, json> now;
  for (const auto& u : units_) {
    for (const auto& uri : u->uris)
      if (!uri.empty() && !now.count(uri)) now[uri] = json::array();
    for (const auto& d : u->diagnostics) {
      base::FileId f = d.span.valid() && d.span.file < u->uris.size() ? d.span.file : 0;
      const std::string& uri = u->uris[f].empty() ? u->root_uri : u->uris[f];
      if (now[uri].size() < kMaxDiagnosticsPerFile) now[uri].push_back(to_lsp(*u, d, docs_base));
      // A Dockerfile's diagnostic is shown where the stack names the Dockerfile too: editors
      // show the diagnostics of open documents, and the Dockerfile is rarely one.
      auto named = u->beside.find(f);
      if (named == u->beside.end() || !named->second.at.valid() ||
          named->second.at.file >= u->uris.size() || u->uris[named->second.at.file].empty())
        continue;
      auto& there = now[u->uris[named->second.at.file]];
      if (there.size() < kMaxDiagnosticsPerFile)
        there.push_back(to_lsp_named(*u, d, named->second, docs_base));
    }
  }
  for (const auto& [uri, text] : published_)
    if (!now.count(uri)) now[uri] = json::array();
  std::vector<json> out;
  for (auto& [uri, list] : now) {
    std::string text = list.dump();
    auto it = published_.find(uri);
    bool same = it != published_.end() && it->second == text;
    if (!same || uri == touched) {
      json p = {{"uri", uri}, {"diagnostics", std::move(list)}};
      if (auto d = docs_.find(uri); d != docs_.end()) p["version"] = d->second.version;
      out.push_back(json{{"jsonrpc", "2.0"},
                         {"method", "textDocument/publishDiagnostics"},
                         {"params", std::move(p)}});
    }
    if (text == "[]" && !docs_.count(uri))
      published_.erase(uri);
    else
      published_[uri] = std::move(text);
  }
  return out;
}

}  // namespace stackc::lsp
