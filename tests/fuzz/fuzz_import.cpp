// The import entry: bytes as a Kubernetes YAML stream (or a docker-compose file) -> `stackc
// import`, once as one environment and once split into two (the `--env` merge). The output must
// parse as .stack without a syntax error, and importing the same input again must give the same
// text.
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "fuzz_build.hpp"
#include "importer/compose.hpp"
#include "importer/importer.hpp"
#include "manifests/yaml.hpp"
#include "syntax/parse.hpp"

namespace stackc::fuzz {
namespace {

std::string import_text(const std::vector<std::string_view>& parts) {
  base::SourceManager sm;
  base::Collector sink;
  std::vector<importer::Source> sources;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    importer::Source s;
    if (parts.size() > 1) s.env = i ? "production" : "staging";
    base::FileId id = sm.add("in.yaml", std::string(parts[i]));
    if (importer::looks_like_compose("in.yaml", parts[i])) {  // a docker-compose file
      for (const auto& d : manifests::parse(sm, id, sink, /*objects=*/false))
        for (auto& w : importer::from_compose(d, sm, sink)) s.workloads.push_back(std::move(w));
      sources.push_back(std::move(s));
      continue;
    }
    s.kubernetes = manifests::parse(sm, id, sink);
    sources.push_back(std::move(s));
  }
  std::string text = importer::import(sources, sm, sink);
  if (text.empty()) return text;
  base::SourceManager out_sm;
  base::Collector out_sink;
  base::FileId out = out_sm.add("imported.stack", text);
  ast::File file = syntax::parse(out_sm, out, out_sink);
  if (!file.ok || out_sink.error_count()) std::abort();  // the importer wrote broken .stack
  return text;
}

}  // namespace

void run_import_one(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string first = import_text({in});
  if (import_text({in}) != first) std::abort();  // not deterministic
  // The same objects as two environments: the first half and the whole.
  auto cut = in.find("\n---", in.size() / 2);
  if (cut != std::string_view::npos) import_text({in.substr(0, cut), in});
}

}  // namespace stackc::fuzz
