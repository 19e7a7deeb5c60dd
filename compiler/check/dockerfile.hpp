// A small Dockerfile parser: what `stackc check` needs to hold a workload's image to its pod
// (check/dockerfiles.cpp, language.md §5.16). It reads the parser directives (`# escape=`),
// comments, continuation lines, heredocs (`<<EOF`, `<<-EOF`, quoted), every instruction's
// keyword, and the arguments of FROM (`--platform`, `AS NAME`), ARG (with defaults, substituted
// in FROM), ENV, USER and HEALTHCHECK. Every position is a byte offset into the text, so that the
// checks report into the Dockerfile. It never throws and takes time linear in the text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::check::dockerfile {

// Text with the byte range [begin, end) of the file it was read from (continuation lines
// joined: a range may span lines).
struct Located {
  std::string text;
  std::uint32_t begin = 0, end = 0;
};

struct Healthcheck {
  bool none = false;        // HEALTHCHECK NONE
  std::string command;      // after CMD: a shell command, or an exec form `["curl", ...]`
  std::uint32_t begin = 0;  // the instruction
  std::uint32_t end = 0;
};

struct Stage {
  std::uint32_t from_begin = 0, from_end = 0;  // the FROM instruction
  Located image;                               // as written (its range in the file)
  std::string resolved;  // after ARG substitution; lower-case stage names stay as written
  Located name;          // after AS, lower-cased (empty: none)
  std::string platform;  // --platform=...
  int parent = -1;       // the earlier stage this one starts from (`FROM build`), or -1
  // Variables of the image that no ARG before the first FROM gives a default (built without
  // `--build-arg`, they are empty).
  std::vector<Located> unset;
  std::optional<Located> user;             // the last USER (variables substituted where known)
  bool user_unresolved = false;            // it holds a variable no ARG or ENV of the stage defines
  std::optional<Healthcheck> healthcheck;  // the last HEALTHCHECK
};

struct Problem {
  std::uint32_t begin = 0, end = 0;
  std::string message, help;
};

struct Dockerfile {
  char escape = '\\';
  std::vector<Stage> stages;
  std::vector<Problem> problems;  // what Docker would refuse to build
  std::size_t instructions = 0;
};

// Parses the text of a Dockerfile. Binary text is the caller's to refuse (it parses anyway).
Dockerfile parse(std::string_view text);

// The tag of an image reference (`nginx:1.27` -> `1.27`; empty when none), and whether it has a
// digest (`@sha256:...`).
std::string image_tag(std::string_view image);
bool image_digest(std::string_view image);

// The stage a build stops at: `target` by name (case-insensitive), or the last; -1 when `target`
// names no stage.
int target_stage(const Dockerfile& d, std::string_view target);

// The USER that stage `i` runs as, following the stages it starts from: the stage's own, or the
// one it inherits from an earlier stage; nullopt when no stage of the chain sets one (then the
// base image's user runs). Sets `stage` to the stage that wrote it.
std::optional<Located> effective_user(const Dockerfile& d, int i, int* stage = nullptr,
                                      bool* unresolved = nullptr);

// The HEALTHCHECK stage `i` has, its own or inherited from an earlier stage.
std::optional<Healthcheck> effective_healthcheck(const Dockerfile& d, int i);

}  // namespace stackc::check::dockerfile
