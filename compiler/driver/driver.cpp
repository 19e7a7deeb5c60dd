#include "driver/driver.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "base/embed.hpp"
#include "base/render.hpp"
#include "base/suggest.hpp"
#include "check/check.hpp"
#include "check/schema.hpp"
#include "driver/diff_command.hpp"
#include "driver/import_command.hpp"
#include "driver/init_dockerfile.hpp"
#include "driver/input.hpp"
#include "driver/replace.hpp"
#include "driver/stdout_stream.hpp"
#include "driver/write.hpp"
#include "emit/backup/backup.hpp"
#include "emit/compose/compose.hpp"
#include "emit/github/github.hpp"
#include "emit/gitops/gitops.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/kustomize/kustomize.hpp"
#include "emit/monitoring/monitoring.hpp"
#include "emit/terraform/terraform.hpp"
#include "graph/capacity.hpp"
#include "graph/graph.hpp"
#include "load/loader.hpp"
#include "lsp/server.hpp"
#include "model/model.hpp"
#include "syntax/dump.hpp"
#include "syntax/format.hpp"
#include "syntax/parse.hpp"

namespace stackc::embed {
extern const File diagnostic_pages[];
extern const std::size_t diagnostic_pages_count;
}  // namespace stackc::embed

namespace stackc::driver {
namespace {

namespace fs = std::filesystem;
constexpr const char* kVersion = "0.1.0";

struct Common {
  std::string diagnostics = "text";
  std::string color = "auto";
  std::uint64_t max_input = kMaxInputBytes;  // per source file and per stack
};

bool use_color(const std::string& mode) {
  if (std::getenv("NO_COLOR") != nullptr) return false;
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* term = std::getenv("TERM");
  return isatty(STDERR_FILENO) && !(term && std::string(term) == "dumb");
}

base::RenderOptions render_options(const Common& c) {
  base::RenderOptions o;
  o.format = c.diagnostics == "json"    ? base::Format::Json
             : c.diagnostics == "sarif" ? base::Format::Sarif
                                        : base::Format::Text;
  o.color = o.format == base::Format::Text && use_color(c.color);
  o.tool_version = kVersion;
  return o;
}

void emit_diagnostics(const base::SourceManager& sm, const base::Collector& sink, const Common& c,
                      std::ostream& out, std::ostream& err) {
  auto opt = render_options(c);
  auto text = base::render(sm, sink.sorted(), opt);
  if (opt.format == base::Format::Text) {
    err << text;
  } else {
    out << text;
  }
}

// Reads the file given on the command line; reports E0001, E0002 or E0003 when it cannot.
std::optional<base::FileId> load_root(base::SourceManager& sm, const std::string& path,
                                      base::Collector& sink, std::uint64_t max_input) {
  std::string text;
  auto r = read_source(path, max_input, true, text);
  if (!r.ok) {
    sink.report(base::make(
        r.code, base::Span{}, fmt::format("cannot read `{}`: {}", path, r.reason),
        r.code == base::Code::E0002 ? "split the stack into files that import each other, or raise "
                                      "the limit with `--max-input=BYTES`"
        : r.code == base::Code::E0003
            ? "stackc reads regular files only: give the path of a .stack "
              "file (to check generated text, write it to a file first)"
            : "check the path; stackc takes a .stack file"));
    return std::nullopt;
  }
  return sm.add(path, std::move(text));
}

// Wall time of each stage, the peak RSS after it and the RSS then, printed by `check --time` and
// `build --time` (for benchmarks; never in tests).
class StageTimer {
 public:
  explicit StageTimer(bool on) : on_(on), last_(std::chrono::steady_clock::now()) {}
  void lap(const std::string& stage) {
    if (!on_) return;
    auto now = std::chrono::steady_clock::now();
    struct rusage u {};
    getrusage(RUSAGE_SELF, &u);
    // The resident pages now (the second field of /proc/self/statm), where the system has it.
    double now_mib = 0;
    if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
      long size = 0, resident = 0;
      if (std::fscanf(f, "%ld %ld", &size, &resident) == 2)
        now_mib = static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
                  (1024.0 * 1024.0);
      std::fclose(f);
    }
    laps_.push_back({stage, std::chrono::duration<double, std::milli>(now - last_).count(),
                     static_cast<double>(u.ru_maxrss) / 1024.0, now_mib});
    last_ = now;
  }
  void print(std::ostream& err) const {
    for (const auto& l : laps_)
      err << fmt::format("time: {:<10} {:9.2f} ms   peak RSS {:6.0f} MiB   RSS {:6.0f} MiB\n",
                         l.stage, l.ms, l.rss_mib, l.now_mib);
  }

 private:
  bool on_;
  std::chrono::steady_clock::time_point last_;
  struct Lap {
    std::string stage;
    double ms, rss_mib, now_mib;
  };
  std::vector<Lap> laps_;
};

// A checked stack: its sources, its diagnostics so far, and the result of the checker.
struct Checked {
  base::SourceManager sm;
  base::Collector sink;
  std::unique_ptr<check::Result> result;  // null when the file cannot be read or does not parse
  int status = 0;                         // 2: cannot read; 1: syntax or check errors
  const model::Model* model() const { return result && result->model ? &*result->model : nullptr; }
};

// Reads, parses and checks `file` with everything it imports.
std::unique_ptr<Checked> load_checked(const std::string& file, std::uint64_t max_input) {
  auto c = std::make_unique<Checked>();
  auto id = load_root(c->sm, file, c->sink, max_input);
  if (!id) {
    c->status = 2;
    return c;
  }
  ast::File tree = syntax::parse(c->sm, *id, c->sink);
  if (!tree.ok) {
    c->status = 1;
    return c;
  }
  load::Loader loader(c->sm, file, *id, max_input);
  c->result =
      std::make_unique<check::Result>(check::check(c->sm, std::move(tree), loader, c->sink));
  if (!c->result->model) c->status = 1;
  return c;
}

int cmd_check(const std::string& file, bool dump_ast, bool dump_model, bool time, const Common& c,
              std::ostream& out, std::ostream& err, bool release_at_exit) {
  StageTimer timer(time);
  base::SourceManager sm;
  base::Collector sink;
  auto id = load_root(sm, file, sink, c.max_input);
  timer.lap("read");
  if (!id) {
    emit_diagnostics(sm, sink, c, out, err);
    return 2;
  }
  ast::File tree = syntax::parse(sm, *id, sink);
  timer.lap("parse");
  if (dump_ast) out << syntax::dump_json(sm, tree);
  if (tree.ok) {
    load::Loader loader(sm, file, *id, c.max_input);
    auto result = std::make_unique<check::Result>(check::check(sm, std::move(tree), loader, sink));
    timer.lap("check");
    std::vector<ast::File>().swap(result->files);  // the graph reuses their memory
    if (result->model) {
      graph::analyze(*result->model, sink);
      timer.lap("graph");
      if (sink.error_count()) result->model.reset();
    }
    if (dump_model && result->model) out << model::to_json(*result->model);
    if (release_at_exit) (void)result.release();  // the process ends next; skip the frees
  }
  emit_diagnostics(sm, sink, c, out, err);
  timer.lap("report");
  timer.print(err);
  return sink.error_count() ? 1 : 0;
}

struct BuildOptions {
  std::string file;
  std::string out_dir;
  std::vector<std::string> envs;
  // compose and terraform are built when named: they are for other tools than the cluster's
  // (Docker on a laptop, Terraform creating the cluster), and what they cannot express (E4020,
  // E4021) must not stop the GitOps artifacts of a stack that does not use them.
  std::vector<std::string> targets{"kubernetes", "helm",   "kustomize", "monitoring",
                                   "backup",     "github", "argocd",    "flux"};
  bool targets_named = false;  // --target given: argocd and flux then need `gitops` (E4010)
  std::string github_dir;      // write github/ here instead (e.g. `.github`)
  bool check = false;
  bool to_stdout = false;  // one environment's plain manifests as one YAML stream on stdout
  bool time = false;
};

int cmd_build(const BuildOptions& options, const Common& c, std::ostream& out, std::ostream& err,
              bool release_at_exit) {
  BuildOptions o = options;
  if (o.to_stdout && (o.check || !o.out_dir.empty() || !o.github_dir.empty())) {
    err << "stackc: error: --stdout writes one YAML stream and no folder: leave out --check, -o "
           "and --github-dir\n";
    return 2;
  }
  if (o.to_stdout && o.targets != std::vector<std::string>{"kubernetes"}) {
    err << "stackc: error: --stdout writes the plain manifests (--target kubernetes) of one "
           "environment; the other targets are folders\n";
    return 2;
  }
  if (o.to_stdout && o.envs.size() > 1) {
    err << "stackc: error: --stdout writes one environment: give --env once\n";
    return 2;
  }
  StageTimer timer(o.time);
  auto checked = load_checked(o.file, c.max_input);
  timer.lap("frontend");
  auto& sm = checked->sm;
  auto& sink = checked->sink;
  // The syntax trees are not needed past the checker (the model holds its own text): their
  // memory is reused by the graph and the lowering instead of new pages.
  if (checked->result) std::vector<ast::File>().swap(checked->result->files);
  // Each environment's capacity plan as docs/ shows it, printed now: the plans of a large stack
  // (every pod on its node) are freed before the lowering.
  std::vector<std::pair<const model::Environment*, std::string>> capacity;
  if (checked->model()) {
    auto plans = graph::analyze(*checked->model(), sink);
    if (sink.error_count()) checked->status = 1;
    if (o.to_stdout) plans.clear();  // the stream has no docs/
    for (auto& p : plans) {
      const model::Environment* env = p.env;
      std::vector<graph::Plan> one;
      one.push_back(std::move(p));
      capacity.emplace_back(env, graph::plan_text(one));
    }
  }
  timer.lap("graph");
  if (checked->status) {
    emit_diagnostics(sm, sink, c, out, err);
    return checked->status;
  }
  auto& result = checked->result;
  const model::Model& m = *result->model;
  for (const auto& e : o.envs) {
    if (!m.environment(e)) {
      std::vector<std::string> names;
      for (const auto& env : m.environments) names.push_back(env.name);
      auto hint = base::did_you_mean(e, names);
      err << fmt::format(
          "stackc: error: the stack has no environment `{}`{}\n", e,
          hint.empty() ? fmt::format(" (it has: {})", fmt::join(names, ", ")) : "; " + hint);
      return 2;
    }
  }
  // By default the GitOps targets write nothing for a stack without `gitops`; asked for by name,
  // they are an error there.
  if (o.targets_named && !m.gitops.present) {
    std::vector<std::string> named;
    for (const char* t : {"argocd", "flux"})
      if (std::find(o.targets.begin(), o.targets.end(), t) != o.targets.end()) named.push_back(t);
    if (!named.empty()) {
      sink.report(base::make(
          base::Code::E4010, m.stack.span,
          fmt::format("`--target {}` needs to know where the generated folder is, and stack `{}` "
                      "has no `gitops` block",
                      fmt::join(named, ","), m.stack.name),
          fmt::format("add `gitops {{ repository = \"https://...\" }}` inside `stack {}`, or "
                      "leave {} out of --target",
                      m.stack.name, fmt::join(named, " and "))));
      emit_diagnostics(sm, sink, c, out, err);
      return 1;
    }
  }
  if (o.to_stdout && o.envs.empty()) {
    if (m.environments.size() != 1) {
      std::vector<std::string> names;
      for (const auto& env : m.environments) names.push_back(env.name);
      err << fmt::format(
          "stackc: error: --stdout writes one environment, and the stack has {}: name one with "
          "--env ({})\n",
          names.size(), fmt::join(names, ", "));
      return 2;
    }
    o.envs.push_back(m.environments.front().name);
  }
  // Emit runs only on a model without errors; its own errors (E4xxx) stop the build too.
  std::string source = fs::path(o.file).filename().string();
  // The documents of this build (the lowered objects and what the targets make of them) live in
  // one arena, freed as a whole when the build ends (the Helm thread uses its own).
  emit::DocArena documents;
  emit::Output output;
  auto wants = [&](const char* t) {
    return std::find(o.targets.begin(), o.targets.end(), t) != o.targets.end();
  };
  const bool helm = wants("helm"), monitoring = wants("monitoring");
  // Each workload's objects are printed as soon as they are lowered, on the lowering's threads,
  // with the chart's values of the first environment's; with one environment, their documents
  // are then dropped (see kubernetes::Stream).
  emit::kubernetes::Stream stream;
  stream.print = wants("kubernetes") || wants("kustomize");
  stream.envs = o.envs;
  stream.drop_docs = m.environments.size() == 1;
  if (helm) stream.on_workload = emit::helm::workload_values_text;
  // The files go to out/<stack>/ (or -o), each written (or compared, for --check) as soon as it
  // is made, and its text freed; an error later undoes them (Writer). With one environment, those
  // are each workload's files of the plain manifests and of the Kustomize base, as soon as its
  // objects are printed. When the folder cannot be made, every file waits for the end, which
  // reports it.
  const fs::path dir = o.out_dir.empty() ? fs::path("out") / m.stack.name : fs::path(o.out_dir);
  Writer writer(dir, o.check ? Writer::Mode::Compare : Writer::Mode::Write);
  std::string begin_error;
  auto waiting = [&err, &dir] {
    err << fmt::format("stackc: waiting for another stackc to finish with `{}`\n", dir.string());
    err.flush();
  };
  const bool early = !o.to_stdout && writer.begin(begin_error, waiting);
  // The large texts (the chart's values of a large stack are tens of MiB) wait on disk, not in
  // memory, until their file is written or compared.
  const std::function<emit::Spool*()> spool =
      early ? std::function<emit::Spool*()>([&writer] { return writer.spool(); }) : nullptr;
  stream.spool = spool;
  std::unique_ptr<StdoutStream> to_stdout;
  if (o.to_stdout) to_stdout = std::make_unique<StdoutStream>(o.envs.front(), source);
  if (to_stdout && stream.drop_docs && stream.print) {
    stream.put = [&to_stdout](const emit::File& f) { to_stdout->put(f); };
    stream.kubernetes_files = true;
    stream.head = emit::header(source);
  }
  if (early && stream.drop_docs && stream.print) {
    stream.put = [&writer](const emit::File& f) { writer.put(f); };
    stream.kubernetes_files = wants("kubernetes");
    stream.kustomize_files = wants("kustomize");
    stream.head = emit::header(source);
  }
  auto lowered_ptr = std::make_unique<std::vector<emit::kubernetes::Lowered>>(
      emit::kubernetes::lower_all(m, source, sink, emit::kubernetes::kParallelFrom, &stream));
  const auto& lowered = *lowered_ptr;
  timer.lap("lower");
  // The targets only read the model and the lowered objects. A second thread makes the Helm chart
  // (which needs only the documents, the printed values and the model) while this one prints what
  // is not printed yet and makes the other targets. The monitoring files are made on the second
  // thread after the chart when the chart is quick (its values printed as they were lowered) or
  // not wanted, else last on this one. Each thread has its own files, each file is made by one
  // thread and written whole (at once when the writer began, else at the end, sorted by path), so
  // the output does not depend on the threads.
  auto make_monitoring = [&](emit::Output& into) {
    emit::monitoring::ConfigMapsOf made;
    for (const auto& l : lowered) made.emplace(l.env, &l.configs);
    emit::monitoring::generate(m, o.envs, source, made, into);
  };
  // With the workloads' values printed as they were lowered (Lowered::streamed), the chart is
  // quick to make, and the monitoring files follow it on the second thread.
  const bool chart_streamed = !lowered.empty() && lowered.front().streamed();
  const bool second_monitoring = monitoring && (!helm || chart_streamed);
  emit::Output second_output;
  if (early) {
    // The other files go to the writer as soon as each is made, too (but for the workflows that
    // --github-dir sends elsewhere).
    auto forward = [&](const emit::File& f) {
      if (!o.github_dir.empty() && f.path.rfind("github/", 0) == 0) return false;
      writer.put(f);
      return true;
    };
    output.put = forward;
    second_output.put = forward;
    output.spool = second_output.spool = spool;
  }
  std::thread second;
  if (helm || monitoring)
    second = std::thread([&] {
      if (helm) emit::helm::generate(m, lowered, o.envs, source, second_output);
      if (second_monitoring) make_monitoring(second_output);
    });
  // The plain manifests and the Kustomize base print the same objects: each is printed once (the
  // other thread reads only the objects' documents, not their printed text).
  if (wants("kubernetes") || wants("kustomize")) {
    emit::kubernetes::print(*lowered_ptr, o.envs, /*two_threads=*/!second.joinable());
    timer.lap("print");
  }
  for (const auto& t : o.targets) {
    if (t == "kubernetes") emit::kubernetes::generate(lowered, o.envs, source, output);
    if (t == "kustomize") emit::kustomize::generate(lowered, o.envs, source, output);
    if (t == "backup") emit::backup::generate(m, lowered, o.envs, source, output);
    if (t == "github") emit::github::generate(m, source, output);
    if (t == "argocd") emit::gitops::argocd(m, o.envs, source, output);
    if (t == "flux") emit::gitops::flux(m, o.envs, source, output);
    if (t == "compose") emit::compose::generate(m, lowered, o.envs, source, sink, output);
    if (t == "terraform") emit::terraform::generate(m, source, sink, output);
    if (t != "helm" && t != "monitoring") timer.lap(t);
  }
  if (monitoring && !second_monitoring) {
    make_monitoring(output);
    timer.lap("monitoring");
  }
  // docs/: the dependency graph (Mermaid) and the capacity plan of each environment (while the
  // second thread finishes).
  for (const auto& [env, plan] : capacity) {
    const auto& e = *env;
    if (!emit::kubernetes::selected(o.envs, e.name) || o.to_stdout) continue;
    output.add("docs/graph-" + e.name + ".mmd",
               emit::header(source, "%%") + graph::Graph::of(e).to_mermaid());
    output.add("docs/capacity-" + e.name + ".md",
               "<!-- " +
                   emit::header(source, "").substr(1, emit::header(source, "").find('\n') - 1) +
                   " -->\n# Capacity of `" + e.name + "`\n\n```text\n" + plan + "```\n");
  }
  timer.lap("docs");
  if (second.joinable()) {
    second.join();
    // What was left of the second thread's work.
    timer.lap(helm && !second_monitoring ? "helm-wait"
              : helm                     ? "helm-monitoring-wait"
                                         : "monitoring-wait");
    for (auto& f : second_output.files) output.files.push_back(std::move(f));
  }
  if (sink.error_count()) {
    emit_diagnostics(sm, sink, c, out, err);
    return 1;
  }
  if (o.to_stdout) {
    emit_diagnostics(sm, sink, c, out, err);  // warnings
    // The process's own stdout takes the set-aside bytes in the kernel (StdoutStream).
    if (!to_stdout->print(output, out, &out == &std::cout ? STDOUT_FILENO : -1)) {
      err << "stackc: error[E0001]: cannot write the stream to stdout\n";
      return 2;
    }
    timer.lap("print");
    timer.print(err);
    if (release_at_exit) {
      (void)checked.release();
      (void)lowered_ptr.release();
    }
    return 0;
  }
  // Where each group of files goes: out/<stack>/, and the workflows to --github-dir if given.
  struct Destination {
    fs::path dir;
    emit::Output files;
    Scope scope;
  };
  std::vector<Destination> dests;
  dests.push_back({dir, {}, scope_of(o.targets, o.envs)});
  if (!o.github_dir.empty()) {
    bool github = std::find(o.targets.begin(), o.targets.end(), "github") != o.targets.end();
    dests.push_back({fs::path(o.github_dir), {}, [github](const std::string&) { return github; }});
    auto main_scope = dests.front().scope;
    dests.front().scope = [main_scope](const std::string& p) {
      return p.rfind("github/", 0) != 0 && main_scope(p);
    };
  }
  for (auto& f : output.files) {
    if (!o.github_dir.empty() && f.path.rfind("github/", 0) == 0)
      dests.back().files.add(f.path.substr(7), std::move(f.text), std::move(f.parts));
    else
      dests.front().files.add(std::move(f.path), std::move(f.text), std::move(f.parts));
  }
  // The main folder's files go through the writer that took the files made so far (unless it
  // could not begin); --github-dir's are written or compared on their own.
  auto via_writer = [&](const Destination& d) { return early && &d == &dests.front(); };
  for (auto& d : dests) {
    add_manifest(d.files, source, d.dir, d.scope,
                 via_writer(d) ? writer.paths() : std::vector<std::string>());
    std::sort(d.files.files.begin(), d.files.files.end(),
              [](const emit::File& a, const emit::File& b) { return a.path < b.path; });
  }
  timer.lap("manifest");
  emit_diagnostics(sm, sink, c, out, err);  // warnings
  int status = 0;
  if (o.check) {
    std::vector<Difference> diffs;
    std::vector<fs::path> where;
    for (const auto& d : dests) {
      std::vector<Difference> found;
      if (via_writer(d)) {
        writer.put_all(d.files);
        found = writer.differences(d.scope);
        for (const auto& n : writer.notes()) err << fmt::format("stackc: note: {}\n", n);
      } else {
        found = compare(d.dir, d.files, d.scope, /*unlisted=*/false);
      }
      for (auto& x : found) {
        diffs.push_back(x);
        where.push_back(d.dir);
      }
    }
    for (std::size_t i = 0; i < diffs.size(); ++i) {
      const auto& d = diffs[i];
      std::string what = d.kind == 'M'   ? "differs from the build"
                         : d.kind == '+' ? "is missing"
                         : d.kind == '-' ? "is stale (no longer generated)"
                         : d.kind == '?' ? "is not generated by stackc, but is in a folder it "
                                           "generates (`kubectl apply -f` on the folder would "
                                           "apply it)"
                                         : d.why;
      out << fmt::format("{}: {}\n", (where[i] / d.path).string(), what);
    }
    const auto foreign = static_cast<std::size_t>(std::count_if(
        diffs.begin(), diffs.end(), [](const Difference& d) { return d.kind == '?'; }));
    if (diffs.size() > foreign)
      out << fmt::format("{} file{} out of date; run `stackc build {}`\n", diffs.size() - foreign,
                         diffs.size() - foreign == 1 ? " is" : "s are", o.file);
    if (foreign)
      out << fmt::format(
          "{} file{} not generated by stackc; move {} out of the generated folders, or remove {}\n",
          foreign, foreign == 1 ? " is" : "s are", foreign == 1 ? "it" : "them",
          foreign == 1 ? "it" : "them");
    if (!diffs.empty()) status = 1;
  } else {
    for (const auto& d : dests) {
      std::string error;
      std::vector<std::string> notes;
      std::size_t files = d.files.files.size();
      bool ok, unsafe = false;
      if (via_writer(d)) {
        writer.put_all(d.files);
        files = writer.paths().size();
        ok = writer.finish(d.scope, error);
        unsafe = writer.unsafe();
      } else {
        ok = write(d.dir, d.files, d.scope, error, &notes, /*unlisted=*/false, &unsafe);
      }
      for (const auto& n : via_writer(d) ? writer.notes() : notes)
        err << fmt::format("stackc: note: {}\n", n);
      if (!ok) {
        err << fmt::format("stackc: error[{}]: {}\n", unsafe ? "E0005" : "E0001", error);
        if (unsafe)
          err << "help: remove it and build again: stackc writes and removes files only below the "
                 "output folder, never through a link (nothing was changed)\n";
        status = 2;
        break;
      }
      if (c.diagnostics == "text")
        out << fmt::format("stackc: wrote {} files to {}\n", files, d.dir.string());
    }
  }
  timer.lap(o.check ? "compare" : "write");
  timer.print(err);
  if (release_at_exit) {  // the process ends next; skip the frees
    (void)checked.release();
    (void)lowered_ptr.release();
  }
  return status;
}

struct GraphOptions {
  std::string file, format = "dot", env, impact;
};

int cmd_graph(const GraphOptions& o, const Common& c, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(o.file, c.max_input);
  auto& sm = checked->sm;
  auto& sink = checked->sink;
  if (checked->status) {
    emit_diagnostics(sm, sink, c, out, err);
    return checked->status;
  }
  const model::Model& m = *checked->model();
  const model::Environment* env = o.env.empty() ? &m.environments.front() : m.environment(o.env);
  if (!env) {
    err << fmt::format("stackc: error: the stack has no environment `{}`\n", o.env);
    return 2;
  }
  auto g = graph::Graph::of(*env);
  // A cycle is still drawn, and reported (exit 1); whether the pods fit is `plan`'s question.
  graph::check_cycles(m, sink);
  if (!o.impact.empty()) {
    // A workload, or a versioned one by its own name: all of its versions down.
    std::vector<std::size_t> down;
    if (std::size_t n = g.index(o.impact); n != g.nodes().size()) down.push_back(n);
    for (const auto& w : env->workloads)
      if (w.group == o.impact) down.push_back(g.index(w.name));
    if (down.empty()) {
      if (std::find(env->absent.begin(), env->absent.end(), o.impact) != env->absent.end()) {
        err << fmt::format(
            "stackc: error: `{}` is left out of environment `{}` (`enabled = false`): nothing "
            "there depends on it\n",
            o.impact, env->name);
        return 2;
      }
      auto hint = base::did_you_mean(o.impact, g.nodes());
      err << fmt::format("stackc: error: `{}` is not a workload{}\n", o.impact,
                         hint.empty() ? "" : "; " + hint);
      return 2;
    }
    auto deps = g.dependents(down);
    if (o.format == "json") {
      nlohmann::ordered_json j;
      j["workload"] = o.impact;
      j["environment"] = env->name;
      auto list = nlohmann::ordered_json::array();
      for (auto i : deps) list.push_back(g.nodes()[i]);
      j["affected"] = list;
      out << j.dump(2) << "\n";
    } else {
      out << fmt::format("If `{}` is down in {}, {} other workload{} {} affected{}\n", o.impact,
                         env->name, deps.size(), deps.size() == 1 ? "" : "s",
                         deps.size() == 1 ? "is" : "are", deps.empty() ? "." : ":");
      for (auto i : deps) out << "  " << g.nodes()[i] << "\n";
    }
  } else if (o.format == "mermaid") {
    out << g.to_mermaid();
  } else if (o.format == "json") {
    out << g.to_json();
  } else {
    out << g.to_dot(m.stack.name + " (" + env->name + ")");
  }
  emit_diagnostics(sm, sink, c, out, err);
  return sink.error_count() ? 1 : 0;
}

int cmd_plan(const std::string& file, const std::string& env_name, const std::string& format,
             const Common& c, std::ostream& out, std::ostream& err) {
  auto checked = load_checked(file, c.max_input);
  auto& sm = checked->sm;
  auto& sink = checked->sink;
  if (checked->status) {
    emit_diagnostics(sm, sink, c, out, err);
    return checked->status;
  }
  if (!env_name.empty() && !checked->model()->environment(env_name)) {
    err << fmt::format("stackc: error: the stack has no environment `{}`\n", env_name);
    return 2;
  }
  // A cycle is reported (exit 1) like what does not fit; the plan is still shown.
  graph::check_cycles(*checked->model(), sink);
  auto plans = graph::plan(*checked->model(), sink);
  std::vector<graph::Plan> shown;
  for (auto& p : plans)
    if (env_name.empty() || p.env->name == env_name) shown.push_back(std::move(p));
  out << (format == "json" ? graph::plan_json(shown) : graph::plan_text(shown));
  emit_diagnostics(sm, sink, c, out, err);
  return sink.error_count() ? 1 : 0;
}

int cmd_fmt(const std::vector<std::string>& files, bool check_only, bool to_stdout, const Common& c,
            std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const auto& file : files) {
    base::SourceManager sm;
    base::Collector sink;
    auto id = load_root(sm, file, sink, c.max_input);
    if (!id) {
      emit_diagnostics(sm, sink, c, out, err);
      status = 2;
      continue;
    }
    ast::File tree = syntax::parse(sm, *id, sink);
    if (!tree.ok) {
      emit_diagnostics(sm, sink, c, out, err);
      status = std::max(status, 1);
      continue;
    }
    std::string formatted = syntax::format(sm, tree);
    bool same = formatted == sm.file(*id).text();
    if (to_stdout) {
      out << formatted;
    } else if (check_only) {
      if (!same) {
        out << fmt::format("{}: not formatted (run `stackc fmt {}`)\n", file, file);
        status = std::max(status, 1);
      }
    } else if (!same) {
      std::string error;
      if (!replace_file(file, formatted, error)) {
        err << fmt::format("stackc: error[E0001]: cannot write `{}`: {}\n", file, error);
        status = 2;
      }
    }
  }
  return status;
}

std::string explain_kind(const check::Kind& k) {
  std::string o = fmt::format("# `{}`\n\n{}\n\n", k.name, k.doc);
  if (k.fields.empty()) return o;
  o += "| field | type | default | required | description |\n|---|---|---|---|---|\n";
  for (const auto& f : k.fields) {
    std::string type(check::type_name(f.type));
    if (!f.choices.empty()) type += fmt::format(" ({})", f.choices);
    if (f.block) type = fmt::format("block `{}`", f.block->name);
    std::string name = f.labelled ? fmt::format("`{} NAME`", f.name) : fmt::format("`{}`", f.name);
    o += fmt::format("| {} | {} | {} | {} | {} |\n", name, type,
                     f.default_text.empty() ? "" : fmt::format("`{}`", f.default_text),
                     f.required ? "yes" : "", f.doc);
  }
  return o;
}

int cmd_explain(const std::string& what, std::ostream& out, std::ostream& err) {
  if (auto code = base::parse_code(what)) {
    const auto& ci = base::info(*code);
    std::string want = fmt::format("{}.md", ci.id);
    for (std::size_t i = 0; i < embed::diagnostic_pages_count; ++i) {
      if (embed::diagnostic_pages[i].path == want) {
        out << embed::diagnostic_pages[i].text;
        return 0;
      }
    }
    out << fmt::format("{}: {}\n", ci.id, ci.title);
    return 0;
  }
  if (const check::Kind* k = check::any_kind(what)) {
    out << explain_kind(*k);
    return 0;
  }
  std::vector<std::string> names;
  for (const auto& ci : base::all_codes()) names.emplace_back(ci.id);
  auto hint = base::did_you_mean(what, names);
  err << fmt::format(
      "stackc: error: `{}` is neither a diagnostic code (such as E2001) nor a kind (such as "
      "service){}\n",
      what, hint.empty() ? "" : "; " + hint);
  return 2;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
        bool release_at_exit) {
  CLI::App app{
      "stackc: a compiler for infrastructure. It checks .stack files against the clusters\n"
      "they run on and emits the artifacts that GitOps repos hold."};
  app.name("stackc");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("stackc ") + kVersion);
  Common common;
  auto add_common = [&](CLI::App* sub) {
    sub->add_option("--diagnostics", common.diagnostics,
                    "How diagnostics are printed: text (stderr), json or sarif (stdout)")
        ->check(CLI::IsMember({"text", "json", "sarif"}));
    sub->add_option("--color", common.color,
                    "Colour in text diagnostics: auto (only on a terminal), always, never; "
                    "NO_COLOR turns it off")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    sub->add_option("--max-input", common.max_input,
                    "The most bytes read per source file and per stack (default 64 MiB)")
        ->check(CLI::PositiveNumber);
  };

  std::string check_file;
  bool dump_ast = false, dump_model = false, check_time = false;
  auto* check =
      app.add_subcommand("check", "Parse and check a .stack file and everything it imports");
  check->add_option("file", check_file, "The .stack file")->required();
  check->add_flag("--dump-ast", dump_ast, "Print the syntax tree as JSON");
  check->add_flag("--dump-model", dump_model,
                  "Print the checked model as JSON (only when there are no errors)");
  check->add_flag("--time", check_time, "Print the wall time of each stage to stderr");
  add_common(check);

  BuildOptions build_opts;
  std::string targets = "kubernetes,helm,kustomize,monitoring,backup,github,argocd,flux";
  auto* build = app.add_subcommand(
      "build", "Check a .stack file and write the artifacts of every environment");
  build->add_option("file", build_opts.file, "The .stack file")->required();
  // An empty folder name is a mistake (`-o "$UNSET"`), never "the default folder".
  auto not_empty = [](const std::string& what) {
    return [what](const std::string& v) -> std::string {
      return v.empty() ? "the " + what + " is empty; name a folder, or leave the option out" : "";
    };
  };
  build->add_option("-o,--out", build_opts.out_dir, "Output folder (default: out/STACK)")
      ->check(not_empty("output folder"));
  build->add_option("--env", build_opts.envs, "Only this environment (repeatable; default: all)");
  build
      ->add_option("--target", targets,
                   "Comma-separated targets: kubernetes, helm, kustomize, monitoring, backup, "
                   "github, argocd, flux, compose, terraform (default: all but compose and "
                   "terraform, which are built when named; argocd and flux only with `gitops`)")
      ->check([](const std::string& v) -> std::string {
        static const std::set<std::string> known{
            "kubernetes", "helm",   "kustomize", "monitoring", "backup",
            "github",     "argocd", "flux",      "compose",    "terraform"};
        std::stringstream ss(v);
        std::string t;
        while (std::getline(ss, t, ','))
          if (!known.count(t))
            return "unknown target `" + t +
                   "` (the targets are: kubernetes, helm, kustomize, monitoring, backup, github, "
                   "argocd, flux, compose, terraform)";
        return {};
      });
  build
      ->add_option("--github-dir", build_opts.github_dir,
                   "Write the GitHub workflows and dependabot.yml to this folder (e.g. .github) "
                   "instead of OUT/github")
      ->check(not_empty("GitHub folder"));
  build->add_flag("--time", build_opts.time, "Print the wall time of each stage to stderr");
  build->add_flag("--stdout", build_opts.to_stdout,
                  "Print one environment's plain manifests as one YAML stream (for `| kubectl "
                  "apply -f -` and `kubectl diff -f -`) instead of writing a folder");
  build->add_flag("--check", build_opts.check,
                  "Write nothing; list every generated file that differs, is missing or is stale, "
                  "and exit 1 if any");
  add_common(build);

  GraphOptions graph_opts;
  auto* graphc = app.add_subcommand(
      "graph",
      "Print the dependency graph of an environment, or what breaks if a workload is down");
  graphc->add_option("file", graph_opts.file, "The .stack file")->required();
  graphc->add_option("--format", graph_opts.format, "dot, mermaid or json")
      ->check(CLI::IsMember({"dot", "mermaid", "json"}));
  graphc->add_option("--env", graph_opts.env, "The environment (default: the first)");
  graphc->add_option("--impact", graph_opts.impact,
                     "List the workloads that depend on this one, directly or not");
  add_common(graphc);

  std::string plan_file, plan_env, plan_format = "text";
  auto* planc = app.add_subcommand(
      "plan",
      "Requests and limits of every environment against its cluster, per node after packing");
  planc->add_option("file", plan_file, "The .stack file")->required();
  planc->add_option("--env", plan_env, "Only this environment");
  planc->add_option("--format", plan_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  add_common(planc);

  std::vector<std::string> fmt_files;
  bool fmt_check = false, fmt_stdout = false;
  auto* fmtc =
      app.add_subcommand("fmt", "Format .stack files in place (canonical layout, comments kept)");
  fmtc->add_option("files", fmt_files, "The .stack files")->required();
  fmtc->add_flag("--check", fmt_check,
                 "Change nothing; list the files that are not formatted and exit 1 if any");
  fmtc->add_flag("--stdout", fmt_stdout, "Print the formatted text instead of writing the files");
  add_common(fmtc);

  std::string explain_what;
  auto* explain = app.add_subcommand(
      "explain", "Explain a diagnostic code (E2001) or a kind's fields (service)");
  explain->add_option("what", explain_what, "A diagnostic code or a kind")->required();

  InitCommand init(app);
  auto* lspc = app.add_subcommand(
      "lsp", "Run the language server (LSP over stdin and stdout) for editors (specs/lsp.md)");
  bool lsp_stdio = true;
  lspc->add_flag("--stdio", lsp_stdio,
                 "Talk over stdin and stdout (the default and only transport)");
  DiffOptions diff_opts;
  auto* diffc = add_diff_command(app, diff_opts);
  ImportOptions import_opts;
  auto* importc = app.add_subcommand(
      "import", "Translate existing Kubernetes manifests into a .stack file (specs/import.md)");
  importc->add_option("paths", import_opts.paths,
                      "Manifest files, folders (their *.yaml and *.yml), or - for stdin");
  importc->add_option("-o,--out", import_opts.out, "Write the .stack here (default: stdout)")
      ->check(not_empty("output file"));
  importc->add_option("--env", import_opts.envs,
                      "NAME=PATH: the manifests of environment NAME (repeatable); the common part "
                      "is written once, the differences as `when NAME { }`");
  add_common(importc);

  auto* version = app.add_subcommand("version", "Print the version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? 0 : 2;
  }
  if (check->parsed())
    return cmd_check(check_file, dump_ast, dump_model, check_time, common, out, err,
                     release_at_exit);
  if (build->parsed()) {
    build_opts.targets.clear();
    std::stringstream ss(targets);
    std::string t;
    while (std::getline(ss, t, ',')) build_opts.targets.push_back(t);
    build_opts.targets_named = build->count("--target") > 0;
    if (build_opts.to_stdout && build->count("--target") == 0) build_opts.targets = {"kubernetes"};
    return cmd_build(build_opts, common, out, err, release_at_exit);
  }
  if (graphc->parsed()) return cmd_graph(graph_opts, common, out, err);
  if (planc->parsed()) return cmd_plan(plan_file, plan_env, plan_format, common, out, err);
  if (fmtc->parsed()) return cmd_fmt(fmt_files, fmt_check, fmt_stdout, common, out, err);
  if (explain->parsed()) return cmd_explain(explain_what, out, err);
  if (init.parsed()) return init.run(out, err);
  if (lspc->parsed()) return lsp::run_stdio(kVersion);
  if (diffc->parsed()) return cmd_diff(diff_opts, std::cin, out, err, release_at_exit);
  if (importc->parsed()) {
    base::SourceManager sm;
    base::Collector sink;
    std::string usage, note;
    import_opts.max_input = common.max_input;
    std::ostringstream text;
    int status = run_import(import_opts, sm, sink, text, usage, note);
    if (!usage.empty()) {
      err << "stackc: error: " << usage << "\n";
      return 2;
    }
    // The .stack goes to stdout first; JSON or SARIF diagnostics then go to stderr, so that
    // stdout stays one .stack file.
    out << text.str();
    emit_diagnostics(sm, sink, common, import_opts.out.empty() ? err : out, err);
    if (common.diagnostics == "text") err << note;
    return status;
  }
  if (version->parsed()) {
    out << "stackc " << kVersion << "\n";
    return 0;
  }
  return 2;
}

}  // namespace stackc::driver
