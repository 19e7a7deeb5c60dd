#include "driver/diff_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "base/render.hpp"
#include "diff/compare.hpp"
#include "diff/report.hpp"
#include "driver/driver.hpp"
#include "manifests/yaml.hpp"

namespace stackc::driver {
namespace {

namespace fs = std::filesystem;

bool color_on(const std::string& mode) {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
}

void print_diagnostics(const base::SourceManager& sm, const base::Collector& sink,
                       const DiffOptions& o, std::ostream& err) {
  if (sink.all().empty()) return;
  base::RenderOptions opt;
  opt.color = color_on(o.color);
  err << base::render(sm, sink.sorted(), opt);
}

bool manifest_file(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Reads the manifests of every --against path into `sm`; false (with E0001-E0003 reported) when
// one cannot be read.
bool read_against(const DiffOptions& o, std::istream& in, base::SourceManager& sm,
                  std::vector<base::FileId>& files, base::Collector& sink) {
  bool ok = true;
  auto cannot = [&](const std::string& path, base::Code code, const std::string& why) {
    sink.report(base::make(code, base::Span{}, fmt::format("cannot read `{}`: {}", path, why),
                           code == base::Code::E0002
                               ? "split the manifests into several files, or raise the limit "
                                 "with `--max-input=BYTES`"
                               : "give Kubernetes manifests: YAML files, folders of them, or `-` "
                                 "for standard input"));
    ok = false;
  };
  for (const auto& path : o.against) {
    if (path == "-") {
      std::string text;
      char buf[1 << 16];
      while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > o.max_input) break;
      }
      if (text.size() > o.max_input) {
        cannot("-", base::Code::E0002,
               fmt::format("standard input is larger than {}, the most stackc reads of one input",
                           byte_size(o.max_input)));
        continue;
      }
      files.push_back(sm.add("<stdin>", std::move(text)));
      continue;
    }
    std::error_code ec;
    std::vector<fs::path> paths;
    if (fs::is_directory(path, ec)) {
      fs::recursive_directory_iterator it(path, ec), end;
      for (; !ec && it != end; it.increment(ec))
        if (manifest_file(it->path()) && it->is_regular_file(ec)) paths.push_back(it->path());
      if (ec) {
        cannot(path, base::Code::E0001, ec.message());
        continue;
      }
      std::sort(paths.begin(), paths.end());
    } else {
      paths.emplace_back(path);
    }
    for (const auto& p : paths) {
      std::string text;
      auto r = read_source(p, o.max_input, true, text);
      if (!r.ok) {
        cannot(p.string(), r.code, r.reason);
        continue;
      }
      files.push_back(sm.add(p.string(), std::move(text)));
    }
  }
  return ok;
}

// W0055: an object the manifests give twice (the first is compared).
void report_repeats(const std::vector<manifests::Document>& docs, base::Sink& sink) {
  std::map<std::string, const manifests::Document*> first;
  for (const auto& d : docs) {
    if (d.name.empty()) continue;
    std::string ns = diff::cluster_scoped(d.kind) ? "" : d.ns;
    std::string id = ns.empty() ? d.kind + "/" + d.name : d.kind + "/" + ns + "/" + d.name;
    auto [it, fresh] = first.emplace(id, &d);
    if (fresh) continue;
    auto diag = base::make(
        base::Code::W0055, d.span,
        fmt::format("`{}` is given twice in the manifests; this one is not compared", id),
        "remove one of the two: `kubectl apply` would apply both, the second over the first");
    diag.notes.push_back({it->second->span, "given first here"});
    sink.report(std::move(diag));
  }
}

// W0056: a document without `metadata.name` cannot be matched with an object of the stack.
void report_unnamed(const std::vector<manifests::Document>& docs, base::Sink& sink) {
  for (const auto& d : docs)
    if (d.name.empty())
      sink.report(base::make(
          base::Code::W0056, d.span,
          fmt::format("this `{}` has no `metadata.name`, so it is not compared", d.kind),
          "give it the name it has in the cluster (a `generateName` object cannot be compared)"));
}

}  // namespace

CLI::App* add_diff_command(CLI::App& app, DiffOptions& o) {
  auto* sub = app.add_subcommand(
      "diff",
      "Compare an environment of a .stack file with existing Kubernetes manifests, "
      "semantically (the migration and drift check)");
  sub->add_option("file", o.file, "The .stack file")->required();
  sub->add_option("--against", o.against,
                  "The manifests: YAML files, folders (every *.yaml and *.yml below, in name "
                  "order) or - for standard input (repeatable)")
      ->required()
      ->expected(1, -1);
  sub->add_option("--env", o.env,
                  "The environment to build (needed when the stack has more than one)");
  sub->add_option("--format", o.format, "text or json (the schema is in specs/diff.md)")
      ->check(CLI::IsMember({"text", "json"}));
  sub->add_option("--color", o.color,
                  "Colour in text diagnostics: auto (only on a terminal), always, never; "
                  "NO_COLOR turns it off")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  sub->add_option("--max-input", o.max_input,
                  "The most bytes read per source file and per input (default 64 MiB)")
      ->check(CLI::PositiveNumber);
  return sub;
}

int cmd_diff(const DiffOptions& o, std::istream& in, std::ostream& out, std::ostream& err,
             bool release_at_exit) {
  // The manifests first: an error there needs no build.
  auto sources = std::make_unique<base::SourceManager>();
  base::SourceManager& sm = *sources;
  base::Collector sink;
  std::vector<base::FileId> files;
  if (!read_against(o, in, sm, files, sink)) {
    print_diagnostics(sm, sink, o, err);
    return 2;
  }
  std::vector<manifests::Document> theirs;  // their nodes are freed once normalised
  for (auto id : files) {
    auto docs = manifests::parse(sm, id, sink);
    for (auto& d : docs) theirs.push_back(std::move(d));
  }
  report_unnamed(theirs, sink);
  report_repeats(theirs, sink);
  if (!sink.error_count() &&
      std::none_of(theirs.begin(), theirs.end(), [](const auto& d) { return !d.name.empty(); })) {
    base::Span where = files.empty() ? base::Span{} : base::Span{files.front(), 0, 0};
    sink.report(base::make(base::Code::E5040, where,
                           fmt::format("`--against {}` holds no Kubernetes object to compare with",
                                       fmt::join(o.against, " ")),
                           files.empty()
                               ? "the folder has no *.yaml or *.yml file: give the folder of the "
                                 "manifests, or the files themselves"
                               : "give the manifests the stack should reproduce (objects with "
                                 "`apiVersion`, `kind` and `metadata.name`)"));
  }
  if (sink.error_count()) {
    print_diagnostics(sm, sink, o, err);
    return 2;
  }
  // Normalised now: the nodes read are freed before the stack is built and read.
  auto against = diff::normalise(std::move(theirs));
  // The stack: what `stackc build --stdout` prints, through the same path.
  std::vector<std::string> args{"stackc",
                                "build",
                                "--stdout",
                                "--color",
                                o.color,
                                "--max-input",
                                std::to_string(o.max_input)};
  if (!o.env.empty()) {
    args.push_back("--env");
    args.push_back(o.env);
  }
  args.push_back(o.file);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream built;
  int status = run(static_cast<int>(argv.size()), argv.data(), built, err);
  if (status != 0) {
    print_diagnostics(sm, sink, o, err);
    return status;
  }
  base::FileId ours_file = sm.add(fmt::format("{} (built)", o.file), std::move(built).str());
  base::Collector ours_sink;
  auto ours = manifests::parse(sm, ours_file, ours_sink);
  if (ours_sink.error_count()) {  // stackc's own output: never expected
    print_diagnostics(sm, ours_sink, o, err);
    return 2;
  }
  print_diagnostics(sm, sink, o, err);  // warnings
  auto stack = diff::normalise(std::move(ours));
  auto result = std::make_unique<diff::Result>(diff::compare(std::move(stack), std::move(against)));
  diff::ReportHeader h;
  h.stack = o.file;
  h.environment = o.env;
  h.against = o.against;
  h.sources = &sm;
  h.stack_file = ours_file;
  out << (o.format == "json" ? diff::json(*result, h) : diff::text(*result, h));
  out.flush();
  int code = result->count(diff::Group::None) ? 1 : 0;
  if (release_at_exit) {  // the process ends next; skip the frees
    (void)result.release();
    (void)sources.release();
  }
  return code;
}

}  // namespace stackc::driver
