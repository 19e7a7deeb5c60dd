#include "driver/import_command.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "driver/input.hpp"
#include "driver/replace.hpp"
#include "importer/compose.hpp"
#include "importer/compose_values.hpp"
#include "importer/importer.hpp"

namespace stackc::driver {
namespace {

namespace fs = std::filesystem;

bool dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

struct Reader {
  base::SourceManager& sm;
  base::Collector& sink;
  std::uint64_t max = 0;
  std::uint64_t total = 0;
  bool failed = false;

  void cannot(base::Code code, const std::string& path, const std::string& reason) {
    failed = true;
    sink.report(base::make(
        code, base::Span{}, fmt::format("cannot read `{}`: {}", path, reason),
        code == base::Code::E0002
            ? "import the manifests in parts, or raise the limit with `--max-input=BYTES`"
        : code == base::Code::E0003
            ? "stackc reads regular files only: give a file or a folder of manifests, or `-` "
              "for a stream on stdin"
            : "check the path; `stackc import` takes files, folders of *.yaml and *.yml, and `-`"));
  }

  // Adds the text as a source file; the documents are parsed by the caller.
  bool add(const std::string& name, std::string text, std::vector<base::FileId>& files) {
    total += text.size();
    if (total > max) {
      cannot(
          base::Code::E0002, name,
          fmt::format("the input is larger than {} in all, the most stackc reads", byte_size(max)));
      return false;
    }
    files.push_back(sm.add(name, std::move(text)));
    return true;
  }

  void read(const std::string& p, std::vector<base::FileId>& files) {
    if (p == "-") {
      std::string text;
      char buf[1 << 16];
      while (true) {
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
          cannot(base::Code::E0001, "-", std::strerror(errno));
          return;
        }
        if (n == 0) break;
        if (text.size() + static_cast<std::uint64_t>(n) > max) {
          cannot(base::Code::E0002, "-",
                 fmt::format("it is larger than {}, the most stackc reads of a source file",
                             byte_size(max)));
          return;
        }
        text.append(buf, static_cast<std::size_t>(n));
      }
      add("<stdin>", std::move(text), files);
      return;
    }
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec);
      if (ec) {
        cannot(base::Code::E0001, p, ec.message());
        return;
      }
      for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
        if (ec) break;
        auto ext = it->path().extension();
        if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec))
          found.push_back(it->path());
        if (found.size() > 100000) break;
      }
      std::sort(found.begin(), found.end());
      for (const auto& f : found) read_file_at(f.string(), files);
      return;
    }
    read_file_at(p, files);
  }

  void read_file_at(const std::string& p, std::vector<base::FileId>& files) {
    std::string text;
    auto r = read_source(p, max, true, text);
    if (!r.ok) {
      cannot(r.code, p, r.reason);
      return;
    }
    add(p, std::move(text), files);
  }
};

// Writes `text` to `p`: over an existing file as `stackc fmt` does (atomically, keeping its
// mode), or as a new file (a temporary file in the same folder renamed to it).
bool write_out(const fs::path& p, const std::string& text, std::string& error) {
  std::error_code ec;
  auto st = fs::symlink_status(p, ec);
  if (!ec && fs::exists(st)) {
    if (fs::is_directory(fs::status(p, ec))) {
      error = "it is a folder";
      return false;
    }
    if (!fs::is_regular_file(fs::status(p, ec))) {
      error = "it is not a regular file";
      return false;
    }
    return replace_file(p, text, error);
  }
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::string pattern = (dir / ("." + p.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot create a file in `{}`: {}", dir.string(), std::strerror(errno));
    return false;
  }
  mode_t mask = ::umask(0);
  ::umask(mask);
  bool ok = ::fchmod(fd, 0666 & ~mask) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      ok = false;
    else
      done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  int err = errno;
  ok = ::close(fd) == 0 && ok;
  // link(2) fails when the name exists meanwhile: never over a file made since the check.
  if (ok && ::link(name.data(), p.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) error = std::strerror(err);
  ::unlink(name.data());
  return ok;
}

}  // namespace

int run_import(const ImportOptions& o, base::SourceManager& sm, base::Collector& sink,
               std::ostream& out, std::string& usage, std::string& note) {
  if (o.paths.empty() && o.envs.empty()) {
    usage = "give the manifests to import: files, folders or `-` (stdin), or --env NAME=PATH";
    return 2;
  }
  if (!o.paths.empty() && !o.envs.empty()) {
    usage =
        "with --env, every input belongs to an environment: give `--env NAME=PATH` for each "
        "path instead of a path alone";
    return 2;
  }
  std::vector<importer::Source> sources;
  std::vector<std::vector<std::string>> paths_of;
  if (o.envs.empty()) {
    sources.emplace_back();
    paths_of.push_back(o.paths);
  }
  for (const auto& e : o.envs) {
    auto eq = e.find('=');
    std::string name = e.substr(0, eq);
    if (eq == std::string::npos || eq + 1 == e.size() || !dns_label(name) ||
        !(name[0] >= 'a' && name[0] <= 'z')) {
      usage = fmt::format(
          "`--env {}`: write `--env NAME=PATH`, NAME an environment's name (a DNS label such as "
          "`staging`)",
          e);
      return 2;
    }
    auto it = std::find_if(sources.begin(), sources.end(),
                           [&](const importer::Source& s) { return s.env == name; });
    if (it == sources.end()) {
      sources.emplace_back();
      sources.back().env = name;
      paths_of.emplace_back();
      it = sources.end() - 1;
    }
    paths_of[static_cast<std::size_t>(it - sources.begin())].push_back(e.substr(eq + 1));
  }
  if (std::count(o.paths.begin(), o.paths.end(), "-") > 1) {
    usage = "`-` (stdin) can be given once";
    return 2;
  }
  Reader reader{sm, sink, o.max_input ? o.max_input : kMaxInputBytes};
  for (std::size_t i = 0; i < sources.size(); ++i) {
    std::vector<base::FileId> files;
    for (const auto& p : paths_of[i]) reader.read(p, files);
    sources[i].paths = paths_of[i];
    // Each file is Kubernetes YAML, or a docker-compose file (by its name or its top-level
    // `services:`), read whole and imported by from_compose into `sources[i].workloads`.
    for (base::FileId f : files) {
      if (importer::looks_like_compose(sm.file(f).path(), sm.file(f).text())) {
        for (const auto& d : manifests::parse(sm, f, sink, /*objects=*/false)) {
          for (auto& w : importer::from_compose(d, sm, sink, &sources[i].secret_notes,
                                                &sources[i].fields_kept))
            sources[i].workloads.push_back(std::move(w));
          if (sources[i].project.empty()) sources[i].project = importer::compose_project_name(d);
          if (sources[i].project.empty() && sm.file(f).path() != "<stdin>")
            sources[i].project = importer::compose::workload_name(
                fs::absolute(sm.file(f).path()).parent_path().filename().string());
        }
        continue;
      }
      auto docs = manifests::parse(sm, f, sink);
      for (auto& d : docs) sources[i].kubernetes.push_back(std::move(d));
    }
  }
  if (reader.failed) return 2;
  // Input that cannot be read whole is not imported in part.
  if (sink.error_count()) return 1;
  importer::Summary sum;
  std::string text = importer::import(sources, sm, sink, &sum);
  if (sink.error_count()) return 1;
  note = fmt::format(
      "stackc: imported {} object{} into {} workload{}; kept as comments: {} object{}, {} "
      "field{}\n",
      sum.objects, sum.objects == 1 ? "" : "s", sum.workloads, sum.workloads == 1 ? "" : "s",
      sum.objects_kept, sum.objects_kept == 1 ? "" : "s", sum.fields_kept,
      sum.fields_kept == 1 ? "" : "s");
  if (o.out.empty()) {
    out << text;
    return 0;
  }
  std::string error;
  if (!write_out(o.out, text, error)) {
    sink.report(base::make(base::Code::E0001, base::Span{},
                           fmt::format("cannot write `{}`: {}", o.out, error),
                           "check the path given to -o: a file in an existing folder"));
    return 2;
  }
  return 0;
}

}  // namespace stackc::driver
