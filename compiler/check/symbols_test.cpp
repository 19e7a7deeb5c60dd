// The symbol index (check/symbols.hpp): the declarations of a stack and every reference to them,
// with their spans, as the language server reads them.
#include "check/symbols.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/check.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {
namespace {

constexpr const char* kText =
    "import \"std/postgres\"\n"
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 2  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = c }\n"
    "template web for service { replicas = 2 }\n"
    "service api from web {\n"
    "  image     = \"api\"\n"
    "  port http = 8080\n"
    "  health    { liveness = http(\"/healthz\", port = http) }\n"
    "  env       { DB = \"${db.host}:${db.port.sql}\"  PASS = secret(\"db-pass\") }\n"
    "  metrics   { counter requests_total { } }\n"
    "  version v1 { needs = [db] }\n"
    "  when dev { replicas = 1 }\n"
    "}\n"
    "stateful db { image = \"postgres\"  port sql = 5432 }\n"
    "alert Slow { expr = \"rate(requests_total[5m]) > 1\"  notify = [ops] }\n"
    "monitoring { alertmanager { receiver ops { webhook = \"https://x\" } } }\n"
    "backup daily { of = db }\n"
    "backup config { of = [manifests, secrets] }\n";

struct Indexed {
  base::SourceManager sm;
  base::Collector sink;
  ast::File file;
  Index index;
  std::string text = kText;
  Indexed() {
    auto id = sm.add("main.stack", text);
    file = syntax::parse(sm, id, sink);
    index.add(file, sm.file(id).text(), id);
    index.finish();
  }
  // The text a span covers.
  std::string at(base::Span s) const { return text.substr(s.begin, s.end - s.begin); }
};

TEST(Symbols, DeclarationsWithTheirSpans) {
  Indexed x;
  ASSERT_TRUE(x.file.ok);
  std::vector<std::string> got;
  for (const auto& s : x.index.symbols())
    got.push_back(std::string(kind_name(s.kind)) + " " + s.name +
                  (s.container.empty() ? "" : " in " + s.container) + " @" + x.at(s.name_span));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "stack s @s", "cluster c @c", "environment dev @dev", "template web @web",
                     "workload api @api", "port http in api @http",
                     "metric requests_total in api @requests_total", "version v1 in api @v1",
                     "workload db @db", "port sql in db @sql", "alert Slow @Slow",
                     "block monitoring @monitoring", "receiver ops @ops", "backup daily @daily",
                     "backup config @config"}));
  const Symbol* api = x.index.find(SymbolKind::Workload, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->word, "service");
  EXPECT_EQ(x.text.substr(api->decl_span.begin, 11), "service api");
  EXPECT_EQ(x.index.find(SymbolKind::Port, "sql", "api"), nullptr);
  EXPECT_NE(x.index.find(SymbolKind::Port, "sql", "db"), nullptr);
}

TEST(Symbols, EveryReferenceWithWhatNamesIt) {
  Indexed x;
  std::vector<std::string> got;
  for (const auto& r : x.index.references())
    got.push_back(std::string(kind_name(r.kind)) + " " + r.name +
                  (r.container.empty() ? "" : " in " + r.container) + " via " + std::string(r.via) +
                  " @" + x.at(r.span));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "import std/postgres via import @std/postgres",
                     "cluster c via cluster @c",
                     "template web via from @web",
                     "port http in api via probe @http",
                     "workload db via interpolation @db",
                     "workload db via interpolation @db",
                     "port sql in db via interpolation @sql",
                     "secret db-pass via secret @db-pass",
                     "workload db via needs @db",
                     "environment dev via when @dev",
                     "receiver ops via notify @ops",
                     // `of` names a workload, or the kinds of data (`manifests`), which are none.
                     "workload db via of @db",
                     "metric requests_total via expression @requests_total",
                 }));
  // The references of a declaration, and what is under an offset.
  const Symbol* db = x.index.find(SymbolKind::Workload, "db");
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(x.index.references_to(*db).size(), 4u);
  auto needs = static_cast<std::uint32_t>(x.text.find("[db]") + 1);
  const Reference* r = x.index.reference_at(0, needs);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->via, "needs");
  EXPECT_EQ(x.index.symbol_at(0, static_cast<std::uint32_t>(x.text.find("v1 {"))),
            x.index.find(SymbolKind::Version, "v1", "api"));
  EXPECT_EQ(x.index.enclosing_workload(0, needs), x.index.find(SymbolKind::Workload, "api"));
}

TEST(Symbols, APartialTreeStillIndexes) {
  base::SourceManager sm;
  base::Collector sink;
  std::string text = "service api { image = \"a\" }\nservice half {\n  needs = [api]\n";
  auto id = sm.add("main.stack", text);
  ast::File f = syntax::parse(sm, id, sink);
  EXPECT_FALSE(f.ok);
  Index index;
  index.add(f, sm.file(id).text(), id);
  index.finish();
  EXPECT_NE(index.find(SymbolKind::Workload, "api"), nullptr);
}

// A loader for a stack without imports.
class NoImports final : public Loader {
 public:
  Result load(std::string_view, base::FileId) override { return {}; }
  bool is_stdlib(base::FileId) const override { return false; }
};

std::vector<std::string> listed(const Index& index) {
  std::vector<std::string> out;
  for (const auto& s : index.symbols())
    out.push_back(std::string(kind_name(s.kind)) + " " + s.name +
                  (s.container.empty() ? "" : " in " + s.container));
  return out;
}

// The checker declares its declarations (and receivers) into the index it resolves names by and
// returns; the walk of the trees then adds the rest, declaring nothing twice, and finish() lists
// the symbols in the order they are written, as the walk alone does. A duplicate is listed, and
// find() finds the first.
TEST(Symbols, TheCheckersIndexIsTheEditorsIndex) {
  std::string text = std::string(kText).substr(std::string(kText).find('\n') + 1);  // no import
  text += "service api { image = \"again\" }\n";
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("main.stack", text);
  NoImports loader;
  auto r = check(sm, syntax::parse(sm, id, sink), loader, sink);
  bool twice = false;
  for (const auto& d : sink.all()) twice = twice || d.code == base::Code::E2002;
  EXPECT_TRUE(twice);
  const Symbol* api = r.index.find(SymbolKind::Workload, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_GE(api->decl, 0);  // the checker's
  EXPECT_NE(r.index.find(SymbolKind::Receiver, "ops"), nullptr);
  EXPECT_EQ(r.index.find(SymbolKind::Port, "http"), nullptr);  // not yet: the walk adds ports

  Index walked;
  for (const auto& f : r.files) {
    r.index.add(f, sm.file(f.id).text(), f.id);
    walked.add(f, sm.file(f.id).text(), f.id);
  }
  r.index.finish();
  walked.finish();
  EXPECT_EQ(listed(r.index), listed(walked));
  EXPECT_EQ(r.index.references().size(), walked.references().size());
  api = r.index.find(SymbolKind::Workload, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(text.substr(api->decl_span.begin, 11), "service api");
  EXPECT_EQ(r.index.names(SymbolKind::Workload), (std::vector<std::string>{"api", "db"}));
}

}  // namespace
}  // namespace stackc::check
