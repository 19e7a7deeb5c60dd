#include "emit/compose/compose.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit::compose {
namespace {

constexpr const char* kHead =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 3  node { cpu = 8  memory = 32Gi } }\n"
    "environment dev { cluster = c }\n";

// A web service with an ingress, a secret and an HTTP probe that needs a database with an exec
// probe and storage; a worker with a `$` in its arguments; a job.
constexpr const char* kShop =
    "service api {\n  image = \"api\"\n  replicas = 2\n  port http = 8080\n  cpu = 250m..500m\n"
    "  memory = 256Mi..512Mi\n  ingress { host = \"api.example.com\" }\n"
    "  health { readiness = http(\"/ready\", period = 5s, failures = 6) }\n"
    "  needs = [db]\n"
    "  env { DATABASE_PASSWORD = secret(\"postgres\", key = \"password\")  MODE = \"a$b\" }\n}\n"
    "stateful db {\n  image = \"docker.io/library/postgres:16.4\"\n  port postgres = 5432\n"
    "  cpu = 250m\n  memory = 1Gi\n  storage = 10Gi\n  data_path = \"/var/lib/postgresql/data\"\n"
    "  health { readiness = exec(\"pg_isready\", \"-U\", \"app\") }\n"
    "  security { run_as_user = 70  run_as_group = 70 }\n}\n"
    "worker w {\n  image = \"w\"\n  cpu = 100m\n  memory = 64Mi\n  args = [\"--price\", \"$5\"]\n"
    "  needs = [api]\n}\n"
    "job migrate {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n  needs = [db]\n}\n";

struct Compiled {
  base::SourceManager sm;
  base::Collector sink;
  std::optional<model::Model> model;
};

std::unique_ptr<Compiled> compile(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  auto id = c->sm.add("t.stack", std::string(kHead) + text);
  auto tree = syntax::parse(c->sm, id, c->sink);
  check::NoImports loader;
  auto result = check::check(c->sm, std::move(tree), loader, c->sink);
  for (const auto& d : c->sink.all()) ADD_FAILURE() << d.message;
  c->model = std::move(result.model);
  return c;
}

Project of(const Compiled& c, base::Collector& sink) {
  return project(*c.model, c.model->environments[0], {}, sink);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Compose, Formats) {
  EXPECT_EQ(secret_variable("postgres", "password"), "POSTGRES_PASSWORD");
  EXPECT_EQ(secret_variable("api-keys", "stripe.live"), "API_KEYS_STRIPE_LIVE");
  EXPECT_EQ(memory(512LL << 20), "512m");
  EXPECT_EQ(memory(2LL << 30), "2g");
  EXPECT_EQ(memory(1536), "1536b");
  EXPECT_EQ(memory(3072), "3k");
  EXPECT_EQ(cpus(500), "0.5");
  EXPECT_EQ(cpus(250), "0.25");
  EXPECT_EQ(cpus(2000), "2");
  EXPECT_EQ(cpus(1005), "1.005");
}

TEST(Compose, ServicesVolumesHealthAndDependencies) {
  auto c = compile(kShop);
  ASSERT_TRUE(c->model);
  base::Collector sink;
  Project p = of(*c, sink);
  EXPECT_TRUE(sink.all().empty());
  const std::string& y = p.compose;
  EXPECT_TRUE(has(y, "name: s-dev\n"));
  EXPECT_TRUE(has(y, "  api:\n    image: ghcr.io/s/api:1.0.0\n"));
  // The ingress publishes the port on the host, a range for two replicas; the database nothing.
  EXPECT_TRUE(has(y,
                  "    - name: http\n      target: 8080\n      host_ip: \"127.0.0.1\"\n"
                  "      published: \"8080-8081\"\n"));
  EXPECT_EQ(y.find("target: 5432"), std::string::npos);
  // The secret from .env, a literal `$` doubled.
  EXPECT_TRUE(has(y, "DATABASE_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env"));
  EXPECT_TRUE(has(y, "MODE: a$$b"));
  EXPECT_TRUE(has(y, "    - $$5\n"));
  EXPECT_TRUE(has(y, "secrets:\n  postgres.password:\n    environment: POSTGRES_PASSWORD\n"));
  // The database's storage in a named volume, its probe as the healthcheck, its user.
  EXPECT_TRUE(has(y, "volumes:\n  db-data: {}\n"));
  EXPECT_TRUE(has(y, "      source: db-data\n      target: /var/lib/postgresql/data\n"));
  EXPECT_TRUE(has(y, "      - CMD\n      - pg_isready\n      - \"-U\"\n      - app\n"));
  EXPECT_TRUE(has(y, "    user: \"70:70\"\n"));
  // The graph: api waits for a healthy db; the worker for a healthy api; the job too, and runs
  // once under its profile.
  EXPECT_TRUE(has(y, "    depends_on:\n      db:\n        condition: service_healthy\n"));
  EXPECT_TRUE(has(y, "    depends_on:\n      api:\n        condition: service_healthy\n"));
  EXPECT_TRUE(has(y,
                  "  migrate:\n    image: ghcr.io/s/api:1.0.0\n    profiles:\n    - jobs\n"
                  "    restart: \"no\"\n"));
  // The HTTP probe's timing.
  EXPECT_TRUE(has(y, "      interval: \"5s\"\n      timeout: \"5s\"\n      retries: 6\n"));
  EXPECT_TRUE(has(y, "          cpus: \"0.5\"\n          memory: \"512m\"\n"));
  // .env.example names the secret and never a value.
  EXPECT_TRUE(has(p.env_example, "\nPOSTGRES_PASSWORD=\n"));
  EXPECT_TRUE(has(p.env_example, "# read by api\n"));
  EXPECT_TRUE(p.prometheus.empty());
}

TEST(Compose, ReplicatedStatefulIsOneServicePerReplicaWithItsOwnVolume) {
  auto c = compile(
      "stateful cache {\n  image = \"docker.io/library/redis:7.4\"\n  replicas = 3\n"
      "  port redis = 6379\n  cpu = 100m\n  memory = 64Mi\n  storage = 1Gi\n"
      "  health { readiness = tcp(\"redis\") }\n}\n"
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  needs = [cache]\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  const std::string y = of(*c, sink).compose;
  for (int i = 0; i < 3; ++i) {
    std::string n = "cache-" + std::to_string(i);
    EXPECT_TRUE(has(y, "  " + n + ":\n    image: docker.io/library/redis:7.4\n    hostname: " + n));
    EXPECT_TRUE(has(y, "  " + n + "-data: {}\n"));
    EXPECT_TRUE(has(y, "      " + n + ":\n        condition: service_healthy\n"));
  }
  EXPECT_TRUE(has(y,
                  "    networks:\n      default:\n        aliases:\n        - cache\n"
                  "        - cache-1.cache-headless\n"));
  EXPECT_TRUE(has(y, "CACHE_HOST: cache\n"));
  EXPECT_TRUE(has(y, "CACHE_PORT: \"6379\"\n"));
  EXPECT_TRUE(has(y, "- CMD-SHELL\n      - nc -z 127.0.0.1 6379\n"));
}

TEST(Compose, AServicePortOtherThanTheContainersIsE4020WhenReferred) {
  auto c = compile(
      "service b {\n  image = \"b\"\n  port http = 80 -> 8080\n  cpu = 100m\n  memory = 64Mi\n}\n"
      "worker a {\n  image = \"a\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  env { URL = \"http://${b.host}:${b.port}\"  B_HOST = b.host  B_PORT = b.port }\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  Project p = of(*c, sink);
  ASSERT_EQ(sink.all().size(), 1u);
  EXPECT_EQ(sink.all()[0].code, base::Code::E4020);
  EXPECT_TRUE(has(sink.all()[0].message, "`${b.port}` is the Service port 80"));
  // `b.port` as a reference (not inside a string) is the container's port in Compose.
  EXPECT_TRUE(has(p.compose, "B_PORT: \"8080\"\n"));
}

TEST(Compose, NoReferenceNoError) {
  auto c = compile(
      "service b {\n  image = \"b\"\n  port http = 80 -> 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  expose = node_port\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  Project p = of(*c, sink);
  EXPECT_TRUE(sink.all().empty());
  EXPECT_TRUE(has(p.compose,
                  "      target: 8080\n      host_ip: \"127.0.0.1\"\n      published: \"80\"\n"));
  EXPECT_TRUE(has(p.env_example, "# (none)\n"));
}

TEST(Compose, DeterministicAndTwoPublishersGetTwoPorts) {
  auto c = compile(
      "service a {\n  image = \"a\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  ingress { host = \"a.example.com\" }\n}\n"
      "service b {\n  image = \"b\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  ingress { host = \"b.example.com\" }\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  Project p1 = of(*c, sink), p2 = of(*c, sink);
  EXPECT_EQ(p1.compose, p2.compose);
  EXPECT_TRUE(has(p1.compose, "published: \"8080\""));
  EXPECT_TRUE(has(p1.compose, "published: \"8081\""));
  EXPECT_TRUE(has(p1.compose, "#   b (http, ingress b.example.com/): 127.0.0.1:8081\n"));
}

// An init container runs to completion first, with the pod's volumes: its emptyDirs are named
// volumes the services share (one in memory on the tmpfs driver).
TEST(Compose, InitContainersShareThePodsVolumes) {
  auto c = compile(
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  volume cache { mount = \"/cache\" }\n"
      "  volume scratch { mount = \"/scratch\"  medium = memory }\n"
      "  init warm {\n    image = \"warmer\"\n    cpu = 50m\n    memory = 32Mi\n"
      "    command = [\"warm\", \"/cache\"]\n  }\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  const std::string y = of(*c, sink).compose;
  EXPECT_TRUE(sink.all().empty());
  EXPECT_TRUE(
      has(y, "  api-warm:\n    image: ghcr.io/s/warmer:1.0.0\n    entrypoint:\n    - warm\n"));
  EXPECT_TRUE(has(y,
                  "    depends_on:\n      api-warm:\n        condition: "
                  "service_completed_successfully\n"));
  // Both services mount both volumes.
  std::size_t n = 0;
  for (std::size_t at = 0; (at = y.find("source: api-volume-cache\n", at)) != std::string::npos;
       ++at)
    ++n;
  EXPECT_EQ(n, 2u);
  EXPECT_TRUE(has(y, "  api-volume-cache: {}\n"));
  EXPECT_TRUE(has(y,
                  "  api-volume-scratch:\n    driver_opts:\n      type: tmpfs\n"
                  "      device: tmpfs\n"));
}

// A pod's fsGroup owns its volumes: a one-shot service gives a new named volume to the group
// before the workload (which has the group too) starts.
TEST(Compose, TheFsGroupGetsTheNewVolumes) {
  auto c = compile(
      "stateful db {\n  image = \"db\"\n  port pg = 5432\n  cpu = 100m\n  memory = 64Mi\n"
      "  storage = 1Gi\n  data_path = \"/data\"\n"
      "  security { run_as_user = 70  run_as_group = 70  fs_group = 71 }\n}\n"
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  const std::string y = of(*c, sink).compose;
  EXPECT_TRUE(has(y, "  db-volumes:\n    image: docker.io/library/busybox:1.37.0\n"));
  // (as YAML writes it: double-quoted, with its quotes and newline escaped)
  EXPECT_TRUE(has(y, R"(if [ \"$$(stat -c %u '/data')\" = 0 ]; then chgrp 71 '/data' && )"
                     R"(chmod g+rwx '/data'; fi\n)"));
  EXPECT_TRUE(has(y, "      db-volumes:\n        condition: service_completed_successfully\n"));
  EXPECT_TRUE(has(y, "    group_add:\n    - \"71\"\n"));
  EXPECT_EQ(y.find("api-volumes"), std::string::npos);  // no fsGroup, no volume
}

TEST(Compose, APortWithNoFreeHostPortLeftIsNotPublishedAndSaidSo) {
  auto c = compile(
      "service a {\n  image = \"a\"\n  replicas = 2\n  port http = 65534\n  cpu = 100m\n"
      "  memory = 64Mi\n  expose = load_balancer\n}\n"
      "service b {\n  image = \"b\"\n  port http = 65534\n  cpu = 100m\n  memory = 64Mi\n"
      "  expose = load_balancer\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  const std::string y = of(*c, sink).compose;
  EXPECT_TRUE(has(y, "published: \"65534-65535\""));
  EXPECT_TRUE(has(y, "# Not published: b (http): no free host port from 65534 on\n"));
  EXPECT_EQ(y.find("published: \"65535\""), std::string::npos);
}

// Kubernetes expands `$(NAME)` of another env entry in the container; Compose does not, so the
// entry's value is written in its place (a secret as its `.env` variable), `$$` is one `$`, and a
// name no entry has stays as text.
TEST(Compose, AnEnvValueThatNamesOtherEntriesHasTheirValues) {
  auto c = compile(
      "service db {\n  image = \"db\"\n  port pg = 5432\n  cpu = 100m\n  memory = 64Mi\n}\n"
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  needs = [db]\n  env {\n"
      "    URL = \"pg://app:$(PASS)@$(DB_HOST):$(DB_PORT)/$(NAME) $$(NAME) $(OTHER) $5\"\n"
      "    PASS = secret(\"db\", key = \"password\")\n    NAME = \"a$b\"\n  }\n"
      "  args = [\"--password=$(PASS)\", \"$(NOPE)\"]\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  Project p = of(*c, sink);
  EXPECT_TRUE(
      has(p.compose,
          "URL: pg://app:${DB_PASSWORD:?set DB_PASSWORD in .env (see .env.example)}@db:5432/"
          "a$$b $$(NAME) $$(OTHER) $$5\n"))
      << p.compose;
  // Kubernetes expands them in the arguments too.
  EXPECT_TRUE(has(p.compose,
                  "    command:\n    - \"--password=${DB_PASSWORD:?set DB_PASSWORD in .env (see "
                  ".env.example)}\"\n    - $$(NOPE)\n"))
      << p.compose;
}

}  // namespace
}  // namespace stackc::emit::compose
