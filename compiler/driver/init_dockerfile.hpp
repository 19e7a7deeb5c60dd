// `stackc init dockerfile --lang dotnet|go|node|python|java SERVICE [-o PATH] [--user UID]`:
// a multi-stage starting Dockerfile whose final stage runs as the pod's non-root user, with
// pinned base images, that passes the checks of `build { }` (check/dockerfiles.hpp).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace stackc::driver {

// The languages it writes for, in the order `--help` lists them.
std::vector<std::string> init_languages();

// The Dockerfile for `service` in `lang` (one of init_languages()), its final stage running as
// `user`:`user`; nullopt for another language.
std::optional<std::string> starting_dockerfile(std::string_view lang, std::string_view service,
                                               std::int64_t user = 65532);

// The `init` subcommand with its `dockerfile` subcommand, registered on the command line.
class InitCommand {
 public:
  explicit InitCommand(CLI::App& app);
  bool parsed() const;
  // Prints the Dockerfile, or writes it to `-o PATH` (never over an existing file); 0, or 2 for
  // a usage or I/O error.
  int run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* init_ = nullptr;
  CLI::App* dockerfile_ = nullptr;
  std::string lang_, service_, out_path_;
  std::int64_t user_ = 65532;
};

}  // namespace stackc::driver
