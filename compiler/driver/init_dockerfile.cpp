#include "driver/init_dockerfile.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

namespace stackc::driver {

namespace {

// Each language: a build stage with the toolchain, and a runtime stage with only what runs.
// Base images are pinned to a version tag (E2067); Dependabot proposes newer ones. `{service}`
// and `{user}` are filled in.
struct Template {
  std::string_view lang;
  std::string_view text;
};

constexpr Template kTemplates[] = {
    {"dotnet",
     R"(# Build with the .NET SDK, run on the ASP.NET Core runtime: the SDK, the sources and the
# NuGet cache stay in the build stage.
FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY *.csproj ./
RUN dotnet restore
COPY . .
RUN dotnet publish --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS runtime
WORKDIR /app
COPY --from=build --chown={user}:{user} /app ./
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_EnableDiagnostics=0
EXPOSE 8080
USER {user}:{user}
# The assembly the project publishes (its <AssemblyName>, by default the project's name).
ENTRYPOINT ["dotnet", "{service}.dll"]
)"},
    {"go",
     R"(# Build a static binary with the Go toolchain, run it on a distroless image with nothing
# else in it.
FROM golang:1.23 AS build
WORKDIR /src
COPY go.mod go.sum* ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/{service} .

FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/{service} /{service}
USER {user}:{user}
ENTRYPOINT ["/{service}"]
)"},
    {"node",
     R"(# Install and build with the development dependencies, run with the production ones only.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package*.json ./
RUN npm ci
COPY . .
RUN npm run build --if-present && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown={user}:{user} /app ./
USER {user}:{user}
CMD ["node", "index.js"]
)"},
    {"python",
     R"(# Install the dependencies into a virtual environment, copy only it and the sources into
# the runtime stage.
FROM python:3.12-slim AS build
WORKDIR /app
RUN python -m venv /venv
ENV PATH=/venv/bin:$PATH
COPY requirements.txt ./
RUN pip install --no-cache-dir --requirement requirements.txt
COPY . .

FROM python:3.12-slim AS runtime
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown={user}:{user} /app ./
USER {user}:{user}
CMD ["python", "main.py"]
)"},
    {"java",
     R"(# Build the jar with Maven on a JDK, run it on a JRE.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml ./
RUN mvn --batch-mode dependency:go-offline
COPY . .
RUN mvn --batch-mode package -DskipTests && cp target/*.jar /{service}.jar

FROM eclipse-temurin:21-jre AS runtime
WORKDIR /app
COPY --from=build /{service}.jar ./{service}.jar
USER {user}:{user}
ENTRYPOINT ["java", "-jar", "/app/{service}.jar"]
)"},
};

std::string fill(std::string_view text, std::string_view service, std::int64_t user) {
  std::string out;
  std::string u = std::to_string(user);
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i, 9) == "{service}") {
      out += service;
      i += 9;
    } else if (text.substr(i, 6) == "{user}") {
      out += u;
      i += 6;
    } else {
      out += text[i++];
    }
  }
  return out;
}

bool service_name(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return std::isalnum(static_cast<unsigned char>(s.front())) != 0;
}

}  // namespace

std::vector<std::string> init_languages() {
  std::vector<std::string> out;
  for (const auto& t : kTemplates) out.emplace_back(t.lang);
  return out;
}

std::optional<std::string> starting_dockerfile(std::string_view lang, std::string_view service,
                                               std::int64_t user) {
  for (const auto& t : kTemplates)
    if (t.lang == lang)
      return fmt::format(
                 "# syntax=docker/dockerfile:1\n"
                 "# A starting Dockerfile for `{}` (stackc init dockerfile --lang {}): two stages, "
                 "pinned\n"
                 "# base images, and a final stage that runs as the pod's non-root user {}.\n",
                 service, lang, user) +
             fill(t.text, service, user);
  return std::nullopt;
}

InitCommand::InitCommand(CLI::App& app) {
  init_ = app.add_subcommand("init", "Write starting files: `init dockerfile`");
  init_->require_subcommand(1);
  dockerfile_ = init_->add_subcommand(
      "dockerfile",
      "Write a multi-stage Dockerfile whose final stage runs as the pod's non-root user");
  dockerfile_->add_option("--lang", lang_, "The language: dotnet, go, node, python or java")
      ->required()
      ->check(CLI::IsMember(init_languages()));
  dockerfile_->add_option("service", service_, "The service (its name, as in the .stack file)")
      ->required();
  dockerfile_->add_option("-o,--out", out_path_,
                          "Write it to this file (never over an existing one) instead of stdout");
  dockerfile_->add_option("--user", user_, "The user id the final stage runs as (default 65532)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{2147483647}));
}

bool InitCommand::parsed() const {
  return init_->parsed();
}

int InitCommand::run(std::ostream& out, std::ostream& err) const {
  if (!service_name(service_)) {
    err << fmt::format(
        "stackc: error: `{}` is not a service name: letters, digits, `-`, `_` and `.`, starting "
        "with a letter or digit\n",
        service_);
    return 2;
  }
  auto text = starting_dockerfile(lang_, service_, user_);
  if (!text) return 2;  // --lang is checked by the command line
  if (out_path_.empty()) {
    out << *text;
    return 0;
  }
  namespace fs = std::filesystem;
  fs::path p(out_path_);
  std::error_code ec;
  if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
  // O_EXCL: an existing file (or a symbolic link put there) is never written over.
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    int e = errno;
    err << fmt::format(
        "stackc: error: cannot write `{}`: {}\n", out_path_,
        e == EEXIST ? "it exists already; remove it or choose another path" : std::strerror(e));
    return 2;
  }
  std::size_t done = 0;
  while (done < text->size()) {
    ssize_t n = ::write(fd, text->data() + done, text->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = errno;
      ::close(fd);
      err << fmt::format("stackc: error: cannot write `{}`: {}\n", out_path_, std::strerror(e));
      return 2;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    err << fmt::format("stackc: error: cannot write `{}`: {}\n", out_path_, std::strerror(errno));
    return 2;
  }
  err << fmt::format("stackc: wrote {}\n", out_path_);
  return 0;
}

}  // namespace stackc::driver
