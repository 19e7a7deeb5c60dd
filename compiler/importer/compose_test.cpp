// docker-compose -> .stack: each mapping of importer/compose.cpp, the diagnostics, and that
// what it writes parses and checks.
#include "importer/compose.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "importer/compose_values.hpp"
#include "syntax/parse.hpp"

namespace stackc::importer {
namespace {

struct Imported {
  std::string text;
  std::vector<base::Diagnostic> diags;
  bool has(base::Code c) const {
    for (const auto& d : diags)
      if (d.code == c) return true;
    return false;
  }
  std::size_t count(base::Code c) const {
    std::size_t n = 0;
    for (const auto& d : diags) n += d.code == c;
    return n;
  }
  std::string messages() const {
    std::string out;
    for (const auto& d : diags) out += std::string(base::info(d.code).id) + " " + d.message + "\n";
    return out;
  }
};

Imported import(const std::string& yaml) {
  base::SourceManager sm;
  base::FileId id = sm.add("docker-compose.yml", yaml);
  base::Collector sink;
  auto docs = manifests::parse(sm, id, sink, /*objects=*/false);
  Imported out;
  if (!docs.empty()) out.text = print(from_compose(docs[0], sm, sink));
  out.diags = sink.sorted();
  return out;
}

// The import inside a stack with a cluster and an environment, through the checker: the
// diagnostics it reports.
std::vector<base::Diagnostic> check_stack(const std::string& workloads) {
  std::string text =
      "stack app { registry = \"ghcr.io/example\"  version = \"1.0.0\" }\n"
      "cluster local { nodes = 3  node { cpu = 8  memory = 32Gi } }\n"
      "environment dev { cluster = local }\n\n" +
      workloads;
  base::SourceManager sm;
  base::FileId id = sm.add("import.stack", text);
  base::Collector sink;
  ast::File file = syntax::parse(sm, id, sink);
  check::NoImports loader;
  check::check(sm, std::move(file), loader, sink);
  return sink.sorted();
}

// `text` holds `want`, runs of blanks counted as one (the formatter aligns).
std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ' || out.empty() || out.back() != ' ') out += c;
  return out;
}
bool holds(const std::string& text, std::string_view want) {
  return squeeze(text).find(squeeze(want)) != std::string::npos;
}

std::string errors_of(const std::vector<base::Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds)
    if (d.severity() == base::Severity::Error)
      out += std::string(base::info(d.code).id) + " " + d.message + "\n";
  return out;
}

constexpr const char* kWebApp = R"(name: shop
services:
  web:
    build: ./web
    ports:
      - "8080:80"
    environment:
      API_URL: http://api:3000/v1
    depends_on: [api]
  api:
    image: ghcr.io/example/api:2.1.0
    expose: ["3000"]
    environment:
      - DATABASE_URL=postgres://app@db:5432/app
      - REDIS_HOST=cache
      - DB_PASSWORD=hunter2hunter2
      - LOG_LEVEL=info
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
    deploy:
      replicas: 2
      resources:
        limits: { cpus: "1", memory: 512M }
        reservations: { cpus: "0.25", memory: 256M }
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:3000/health"]
      interval: 15s
      timeout: 3s
      retries: 5
      start_period: 30s
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: hunter2hunter2
      POSTGRES_USER: app
    volumes:
      - pgdata:/var/lib/postgresql/data
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U app"]
      interval: 10s
  cache:
    image: redis:7.4-alpine
    command: redis-server --appendonly yes
volumes:
  pgdata:
)";

TEST(Compose, WebAppMapsToWorkloads) {
  Imported r = import(kWebApp);
  const std::string& t = r.text;
  EXPECT_TRUE(holds(t, "service web {")) << t;
  EXPECT_TRUE(holds(t, "image     = \"web\"")) << t;
  EXPECT_TRUE(holds(t, "port http = 8080 -> 80")) << t;
  EXPECT_TRUE(holds(t, "API_URL = \"http://${api.address}/v1\"")) << t;
  EXPECT_TRUE(holds(t, "needs     = [api]")) << t;
  EXPECT_TRUE(holds(t, "service api {")) << t;
  EXPECT_TRUE(holds(t, "replicas  = 2")) << t;
  EXPECT_TRUE(holds(t, "cpu       = 250m..1")) << t;
  EXPECT_TRUE(holds(t, "memory    = 256Mi..512Mi")) << t;
  EXPECT_TRUE(holds(t, "DATABASE_URL = \"postgres://app@${db.address}/app\"")) << t;
  EXPECT_TRUE(holds(t, "REDIS_HOST = \"${cache.host}\"")) << t;
  EXPECT_TRUE(holds(t, "readiness = http(\"/health\", period = 15s, timeout = 3s, failures = 5)"))
      << t;
  EXPECT_TRUE(holds(t, "startup   = http(\"/health\", period = 5s, timeout = 3s, failures = 11)"))
      << t;
  EXPECT_TRUE(holds(t, "stateful db {")) << t;
  EXPECT_TRUE(holds(t, "data_path = \"/var/lib/postgresql/data\"")) << t;
  EXPECT_TRUE(holds(t, "readiness = exec([\"sh\", \"-c\", \"pg_isready -U app\"], timeout = 30s)"))
      << t;
  EXPECT_TRUE(holds(t, "service cache {")) << t;
  EXPECT_TRUE(holds(t, "port redis = 6379")) << t;  // the port of its image: REDIS_HOST is a name
  EXPECT_TRUE(holds(t, "args = [\"redis-server\", \"--appendonly\", \"yes\"]")) << t;
  // The credential is never copied: one secret, shared by the two entries with its value.
  EXPECT_EQ(t.find("hunter2"), std::string::npos) << t;
  EXPECT_TRUE(holds(t, "DB_PASSWORD  = secret(\"api\", key = \"DB_PASSWORD\")")) << t;
  EXPECT_TRUE(holds(t, "POSTGRES_PASSWORD = secret(\"api\", key = \"DB_PASSWORD\")")) << t;
  EXPECT_EQ(r.count(base::Code::W0051), 2u) << r.messages();
  // The inference is written above the workload.
  EXPECT_TRUE(holds(t, "# inferred: DATABASE_URL addresses `db`")) << t;
  // Resources chosen where compose gives none: web, db and cache.
  EXPECT_EQ(r.count(base::Code::W0052), 4u) << r.messages();  // 3 resources, 1 storage
  // The import checks.
  EXPECT_EQ(errors_of(check_stack(t)), "") << t;
}

TEST(Compose, ReferencesDeclareThePortTheyUse) {
  Imported r = import(R"(services:
  app:
    image: example/app:1.0
    environment:
      BROKER: amqp://mq:5672
      SEARCH: search:9200,search:9300
  mq:
    image: rabbitmq:3.13
  search:
    image: elasticsearch:8.15.0
)");
  EXPECT_TRUE(holds(r.text, "BROKER = \"amqp://${mq.address}\"")) << r.text;
  EXPECT_TRUE(
      holds(r.text, "SEARCH = \"${search.address},${search.host}:${search.port.port-9300}\""))
      << r.text;
  // mq had no port in compose: it gets the one the reference uses, and is a service.
  EXPECT_TRUE(holds(r.text, "service mq {")) << r.text;
  EXPECT_TRUE(holds(r.text, "port amqp = 5672")) << r.text;
  EXPECT_EQ(errors_of(check_stack(r.text)), "") << r.text;
}

TEST(Compose, ANameAloneIsAHostOnlyWhereTheVariableSaysSo) {
  Imported r = import(R"(services:
  db:
    image: mysql:8.4
    environment: [MYSQL_DATABASE=wordpress, MYSQL_USER=wordpress]
    volumes: ["data:/var/lib/mysql"]
  wordpress:
    image: wordpress:6.6
    ports: ["80:80"]
    environment: [WORDPRESS_DB_HOST=db, WORDPRESS_DB_NAME=wordpress]
volumes:
  data:
)");
  EXPECT_TRUE(holds(r.text, "MYSQL_DATABASE = \"wordpress\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "WORDPRESS_DB_HOST = \"${db.host}\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "port mysql = 3306")) << r.text;  // its image's: reached by name
  EXPECT_EQ(errors_of(check_stack(r.text)), "") << r.text;
}

TEST(Compose, MergeKeysApplyAsComposeReadsThem) {
  Imported r = import(R"(x-app: &app
  image: example/app:1.0
  environment: &env { LOG: info, MODE: web }
  deploy: {resources: {limits: {cpus: "0.5", memory: 256M}}}
services:
  web:
    <<: *app
    ports: ["8080"]
  jobs:
    <<: *app
    environment:
      <<: *env
      MODE: worker
)");
  EXPECT_TRUE(holds(r.text, "service web {\n image = \"example/app:1.0\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "env { MODE = \"worker\" LOG = \"info\" }")) << r.text;
  EXPECT_EQ(r.text.find("<<"), std::string::npos) << r.text;
  EXPECT_FALSE(r.has(base::Code::W0052)) << r.messages();
  EXPECT_EQ(errors_of(check_stack(r.text)), "") << r.text;
}

TEST(Compose, ReferencesThatWouldBeACycleStayText) {
  Imported r = import(R"(services:
  a:
    image: example/a:1.0
    ports: ["8080"]
    environment: { B_URL: "http://b:9090" }
  b:
    image: example/b:1.0
    ports: ["9090"]
    environment: { A_URL: "http://a:8080" }
  c:
    image: example/c:1.0
    ports: ["7070"]
    depends_on: [a]
  d:
    image: example/d:1.0
    environment: { C_URL: "http://c:7070" }
)");
  EXPECT_TRUE(holds(r.text, "B_URL = \"http://${b.address}\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "A_URL = \"http://a:8080\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "# not inferred: A_URL addresses `a`, which depends on `b` already"))
      << r.text;
  EXPECT_TRUE(holds(r.text, "C_URL = \"http://${c.address}\"")) << r.text;
  EXPECT_EQ(errors_of(check_stack(r.text)), "") << r.text;
}

TEST(Compose, WhatHasNoFormIsKeptAndReported) {
  Imported r = import(R"(services:
  app:
    image: example/app:1.0
    env_file: .env
    volumes:
      - ./conf:/etc/app:ro
    privileged: true
    networks: [back]
    labels:
      com.example.team: web
networks:
  back: {}
)");
  EXPECT_TRUE(holds(r.text, "#   env_file: .env")) << r.text;
  EXPECT_TRUE(holds(r.text, "#   - ./conf:/etc/app:ro")) << r.text;
  EXPECT_TRUE(holds(r.text, "#   privileged: true")) << r.text;
  EXPECT_TRUE(holds(r.text, "#   networks:")) << r.text;
  EXPECT_TRUE(holds(r.text, "#     com.example.team: web")) << r.text;
  // A kept line that holds a credential is not copied.
  Imported k = import(
      "services:\n  app:\n    image: x/app:1\n    environment:\n"
      "      - spring.datasource.password=hunter2hunter2\n");
  EXPECT_TRUE(k.has(base::Code::W0050)) << k.messages();
  EXPECT_EQ(k.text.find("hunter2"), std::string::npos) << k.text;
  EXPECT_TRUE(holds(k.text, "(a line that holds a credential, not copied)")) << k.text;
  // env_file, the bind mount, privileged, labels, the top-level networks.
  EXPECT_EQ(r.count(base::Code::W0050), 5u) << r.messages();
  EXPECT_EQ(errors_of(check_stack(r.text)), "") << r.text;
}

TEST(Compose, JobsAndSecurity) {
  Imported r = import(R"(services:
  migrate:
    image: example/app:1.0
    command: ["./manage", "migrate"]
    restart: on-failure:5
  app:
    image: example/app:1.0
    user: "1000:1000"
    cap_add: [NET_BIND_SERVICE, CAP_CHOWN]
    ports: ["80:8080", "53:53/udp"]
    depends_on:
      migrate: { condition: service_completed_successfully }
    stop_grace_period: 1m30s
    tmpfs: /tmp
    platform: linux/arm64
)");
  const std::string& t = r.text;
  EXPECT_TRUE(holds(t, "job migrate {")) << t;
  EXPECT_TRUE(holds(t, "retries = 5")) << t;
  EXPECT_TRUE(holds(t,
                    "run_as_user = 1000\n run_as_group = 1000\n capabilities = "
                    "[\"NET_BIND_SERVICE\", \"CHOWN\"]"))
      << t;
  EXPECT_TRUE(holds(t, "port http = 80 -> 8080")) << t;
  EXPECT_TRUE(holds(t, "port dns { number = 53  protocol = udp }")) << t;
  EXPECT_TRUE(holds(t, "grace     = 90s")) << t;
  EXPECT_TRUE(holds(t, "volume tmp { mount = \"/tmp\"  medium = memory }")) << t;
  EXPECT_TRUE(holds(t, "node_selector \"kubernetes.io\" { os = \"linux\"  arch = \"arm64\" }"))
      << t;
  EXPECT_EQ(errors_of(check_stack(t)), "") << t;
}

TEST(Compose, VariablesAndImages) {
  Imported r = import(R"(services:
  app:
    image: example/app:${TAG:-2.0}
    environment:
      HOST: ${PUBLIC_HOST}
      SECRET_KEY: ${SECRET_KEY}
      PRICE: $$5
  cache:
    image: redis
)");
  EXPECT_TRUE(holds(r.text, "image = \"example/app:2.0\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "HOST       = \"\\${PUBLIC_HOST}\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "SECRET_KEY = secret(\"app\", key = \"SECRET_KEY\")")) << r.text;
  EXPECT_TRUE(holds(r.text, "PRICE      = \"\\$5\"")) << r.text;
  EXPECT_TRUE(holds(r.text, "image  = \"redis:latest\"")) << r.text;
  EXPECT_EQ(r.count(base::Code::W0053), 2u) << r.messages();  // TAG defaulted, PUBLIC_HOST
  EXPECT_TRUE(r.has(base::Code::W0054)) << r.messages();
}

TEST(Compose, ErrorsAreLocated) {
  EXPECT_TRUE(import("version: '3'\n").has(base::Code::E5030));
  EXPECT_TRUE(import("services: [a]\n").has(base::Code::E5030));
  Imported r = import(R"(services:
  a:
    image: x/a:1
    depends_on: [nope]
    ports: ["http"]
  A:
    image: x/a:1
  b: {}
)");
  EXPECT_TRUE(r.has(base::Code::E5033)) << r.messages();
  EXPECT_TRUE(r.has(base::Code::E5031)) << r.messages();
  EXPECT_TRUE(r.has(base::Code::E5032)) << r.messages();
  EXPECT_TRUE(r.has(base::Code::E5034)) << r.messages();
}

TEST(Compose, HostileInputNeverCrashes) {
  for (const char* y :
       {"services:\n  a: 3\n", "services:\n  a:\n    ports: 3\n",
        "services:\n  a:\n    ports: [{}]\n", "services:\n  a:\n    environment: 3\n",
        "services:\n  a:\n    healthcheck: {test: []}\n",
        "services:\n  a:\n    healthcheck: {test: [\"CMD\"]}\n",
        "services:\n  a:\n    command: \"'unclosed\"\n", "services:\n  a:\n    volumes: [{}]\n",
        "services:\n  a:\n    deploy: 3\n", "services:\n  a:\n    user: \"\"\n",
        "services:\n  a:\n    image: \"\"\n    ports: [\"0:0\", \"1-99999:1\", \":\", "
        "\"[::1]:80:80\"]\n",
        "services:\n  a:\n    image: x:1\n    environment: [\"=\", "
        "\"A=http://a:99999999999\"]\n"}) {
    Imported r = import(y);
    base::SourceManager sm;
    base::FileId id = sm.add("x.stack", r.text);
    base::Collector sink;
    syntax::parse(sm, id, sink);
    EXPECT_EQ(sink.error_count(), 0u) << y << "\n" << r.text;
  }
}

// A deterministic mutation run over the fixtures (line deletions and duplications, byte
// changes, cut files): every import ends, writes text that parses, and writes it the same twice.
TEST(Compose, MutatedFixturesImportToParsableText) {
  std::vector<std::string> seeds;
  for (const char* f : {"webapp/docker-compose.yml", "worker-queue/docker-compose.yml",
                        "healthchecks/compose.yaml"}) {
    std::ifstream in(std::string(STACKC_SOURCE_DIR) + "/tests/import/compose/" + f);
    std::stringstream ss;
    ss << in.rdbuf();
    seeds.push_back(ss.str());
  }
  ASSERT_FALSE(seeds[0].empty());
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return n ? (state >> 33) % n : 0;
  };
  const char kBytes[] = ":-[]{}\"'$ \n#&*!|>0a9";
  for (int round = 0; round < 2000; ++round) {
    std::string y = seeds[next(seeds.size())];
    for (int m = 1 + static_cast<int>(next(4)); m > 0; --m) {
      std::size_t at = next(y.size());
      switch (next(4)) {
        case 0:  // a byte
          y[at] = kBytes[next(sizeof kBytes - 1)];
          break;
        case 1: {  // delete a line
          auto end = y.find('\n', at);
          y.erase(at, end == std::string::npos ? std::string::npos : end - at);
          break;
        }
        case 2: {  // duplicate a line
          auto start = y.rfind('\n', at);
          start = start == std::string::npos ? 0 : start + 1;
          auto end = y.find('\n', at);
          y.insert(start,
                   y.substr(start, end == std::string::npos ? std::string::npos : end - start + 1));
          break;
        }
        default:
          y.resize(at);
      }
    }
    Imported a = import(y);
    base::SourceManager sm;
    base::FileId id = sm.add("x.stack", a.text);
    base::Collector sink;
    syntax::parse(sm, id, sink);
    ASSERT_EQ(sink.error_count(), 0u) << y << "\n---\n" << a.text;
    ASSERT_EQ(import(y).text, a.text) << y;
  }
}

TEST(ComposeValues, SmallLanguages) {
  using namespace compose;
  EXPECT_EQ(duration_us("1m30s"), 90'000'000);
  EXPECT_EQ(duration_us("250ms"), 250'000);
  EXPECT_EQ(duration_us("1.5s"), 1'500'000);
  EXPECT_EQ(duration_us("5"), std::nullopt);
  EXPECT_EQ(ceil_seconds(250'000), 1);
  EXPECT_EQ(duration_text(90), "90s");
  EXPECT_EQ(duration_text(120), "2m");
  EXPECT_EQ(bytes("512m"), 512LL << 20);
  EXPECT_EQ(bytes("1.5GB"), 3LL << 29);
  EXPECT_EQ(bytes("12x"), std::nullopt);
  EXPECT_EQ(bytes_text(1536LL << 20), "1536Mi");
  EXPECT_EQ(millicores("0.25"), 250);
  EXPECT_EQ(millicores("0"), std::nullopt);
  EXPECT_EQ(cpu_text(2000), "2");
  auto p = parse_port("127.0.0.1:8000-8001:80-81/udp");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->host_ip, "127.0.0.1");
  EXPECT_EQ(p->host_lo, 8000);
  EXPECT_EQ(p->container_hi, 81);
  EXPECT_EQ(p->protocol, "udp");
  EXPECT_FALSE(parse_port("abc"));
  EXPECT_FALSE(parse_port("70000"));
  auto w = split_words(R"(sh -c 'echo "a b"' "x\"y" z\ w)");
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<std::string>{"sh", "-c", "echo \"a b\"", "x\"y", "z w"}));
  EXPECT_FALSE(split_words("'open"));
  Substituted s = substitute("a $$b ${X:-d${Y}} $Z ${W?err}");
  EXPECT_EQ(s.text, "a $b d${Y} $Z ${W?err}");
  EXPECT_EQ(s.defaulted, (std::vector<std::string>{"X"}));
  EXPECT_EQ(s.unresolved, (std::vector<std::string>{"Y", "Z", "W"}));
  EXPECT_EQ(workload_name("Web_App.v2"), "web-app-v2");
  EXPECT_EQ(workload_name("__"), "");
}

}  // namespace
}  // namespace stackc::importer
