#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "driver/confined.hpp"
#include "driver/write.hpp"
#include "fuzz_build.hpp"

namespace stackc::fuzz {
namespace {

namespace fs = std::filesystem;

// The input, a byte at a time (zeros when it runs out).
struct Bytes {
  const std::uint8_t* p;
  std::size_t n;
  unsigned take() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
};

// Path components a build and an attacker would use, with the ones that must never be followed.
constexpr const char* kNames[] = {
    "kubernetes",       "prod", "a.yaml", ".stackc-tmp", ".journal", "helm",    "b.yaml",
    ".stackc-manifest", "..",   ".",      "victim",      "x",        "journal", "files"};

std::string path(Bytes& b) {
  std::string p;
  for (unsigned depth = 1 + b.take() % 3; depth > 0; --depth)
    p += (p.empty() ? "" : "/") + std::string(kNames[b.take() % std::size(kNames)]);
  return p;
}

using Tree = std::map<std::string, std::string>;

Tree snapshot(const fs::path& root) {
  Tree tree;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto rel = it->path().lexically_relative(root).string();
    if (it->is_symlink()) {
      tree[rel] = "-> " + fs::read_symlink(it->path()).string();
    } else if (it->is_regular_file()) {
      std::ifstream in(it->path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      tree[rel] = s.str();
    } else {
      tree[rel] = "<folder>";
    }
  }
  return tree;
}

// True when no folder on the way to `rel` below `root` is a link (the setup itself must not
// write outside).
bool no_link_on_the_way(const fs::path& root, const std::string& rel) {
  fs::path at = root;
  for (const auto& part : fs::path(rel).parent_path()) {
    at /= part;
    if (fs::is_symlink(at)) return false;
  }
  return true;
}

}  // namespace

void run_writer_one(const std::uint8_t* data, std::size_t size) {
  Bytes b{data, size};
  const fs::path base =
      fs::temp_directory_path() / ("stackc-fuzz-writer-" + std::to_string(::getpid()));
  const fs::path root = base / "out", victim = base / "victim";
  std::error_code ec;
  fs::remove_all(base, ec);
  fs::create_directories(root);
  fs::create_directories(victim / "sub");
  std::ofstream(victim / "id_rsa") << "key\n";
  // The folder as a pull request could leave it.
  for (unsigned n = b.take() % 12; n > 0; --n) {
    const std::string p = path(b);
    const unsigned kind = b.take() % 5;
    if (!driver::plain_relative(p) || !no_link_on_the_way(root, p) ||
        fs::exists(fs::symlink_status(root / p)))
      continue;
    fs::create_directories((root / p).parent_path(), ec);
    if (kind == 0) std::ofstream(root / p) << "old " << p << "\n";
    if (kind == 1) fs::create_directories(root / p, ec);
    if (kind == 2) fs::create_directory_symlink(victim, root / p, ec);
    if (kind == 3)
      fs::create_symlink("../" + std::string(p.size() % 2 ? "victim" : "out"), root / p, ec);
    if (kind == 4) fs::create_symlink(base / "nowhere", root / p, ec);
  }
  if (b.take() % 2 && !fs::exists(fs::symlink_status(root / ".stackc-manifest"))) {
    std::ofstream m(root / ".stackc-manifest");
    for (unsigned n = b.take() % 6; n > 0; --n)
      m << (b.take() % 5 == 0 ? (victim / "id_rsa").string() : path(b)) << "\n";
  }
  if (b.take() % 3 == 0 && fs::is_directory(root / ".stackc-tmp") &&
      !fs::is_symlink(root / ".stackc-tmp") &&
      !fs::exists(fs::symlink_status(root / ".stackc-tmp" / "journal"))) {
    std::ofstream j(root / ".stackc-tmp" / "journal");
    j << "stackc journal 1\n";
    for (unsigned n = b.take() % 4; n > 0; --n)
      j << (b.take() % 2 ? "M " : "D ") << path(b) << "\n";
    if (b.take() % 2) j << "end\n";
  }
  // The build's files.
  emit::Output out;
  std::set<std::string> seen;
  for (unsigned n = b.take() % 8; n > 0; --n) {
    std::string p = path(b);
    if (!driver::plain_relative(p) || p.rfind(".stackc-tmp", 0) == 0 || !seen.insert(p).second)
      continue;
    out.add(p, "new " + p + " " + std::to_string(b.take()) + "\n");
  }
  // A file that is a folder of another (`a/b` and `a/b/c`) cannot be built; emitters never make
  // such pairs.
  for (const auto& p : seen)
    for (const auto& q : seen)
      if (q.size() > p.size() && q.rfind(p + "/", 0) == 0) {
        fs::remove_all(base, ec);
        return;
      }
  const bool only_kubernetes = b.take() % 2;
  driver::Scope scope = [only_kubernetes](const std::string& p) {
    return !only_kubernetes || p.rfind("kubernetes/", 0) == 0;
  };
  const Tree before = snapshot(victim);
  if (std::getenv("STACKC_FUZZ_DEBUG")) {
    for (const auto& [k, v] : snapshot(root))
      std::fprintf(stderr, "before %s: %s\n", k.c_str(), v.c_str());
    for (const auto& f : out.files) std::fprintf(stderr, "build %s\n", f.path.c_str());
  }
  std::string error;
  if (b.take() % 4 == 0) {
    (void)driver::compare(root, out, scope);
  } else {
    const bool ok = driver::write(root, out, scope, error);
    if (ok) {
      for (const auto& f : out.files) {
        std::ifstream in(root / f.path, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        if (fs::is_symlink(root / f.path) || s.str() != f.text) {
          if (std::getenv("STACKC_FUZZ_DEBUG")) {
            std::fprintf(stderr, "file %s: want [%s] got [%s]\n", f.path.c_str(), f.text.c_str(),
                         s.str().c_str());
            for (const auto& [k, v] : snapshot(root))
              std::fprintf(stderr, "  %s: %s", k.c_str(), v.c_str());
          }
          __builtin_trap();
        }
      }
    }
    // No staging folder is left, unless a committed build could not be finished (the next run
    // finishes it).
    if (fs::exists(root / ".stackc-tmp") && error.find("finishes it") == std::string::npos) {
      if (std::getenv("STACKC_FUZZ_DEBUG")) {
        std::fprintf(stderr, "left a staging folder; error: %s\n", error.c_str());
        for (const auto& [k, v] : snapshot(root))
          std::fprintf(stderr, "after %s: %s\n", k.c_str(), v.c_str());
      }
      __builtin_trap();
    }
  }
  // Nothing outside the folder changed, and nothing was made beside it.
  if (snapshot(victim) != before) __builtin_trap();
  for (const auto& e : fs::directory_iterator(base))
    if (e.path() != root && e.path() != victim) {
      if (std::getenv("STACKC_FUZZ_DEBUG")) std::fprintf(stderr, "made %s\n", e.path().c_str());
      __builtin_trap();
    }
  fs::remove_all(base, ec);
}

}  // namespace stackc::fuzz
