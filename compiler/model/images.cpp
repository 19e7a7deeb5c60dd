#include "model/images.hpp"

#include <algorithm>
#include <array>

namespace stackc::model {

bool own_image(std::string_view image) {
  return !image.empty() && image.find_first_of("/:@") == std::string_view::npos;
}

bool has_registry_host(std::string_view image) {
  auto slash = image.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view first = image.substr(0, slash);
  return first.find_first_of(".:") != std::string_view::npos || first == "localhost";
}

std::string external_image(std::string_view image) {
  if (has_registry_host(image)) return std::string(image);
  if (image.find('/') == std::string_view::npos) return "docker.io/library/" + std::string(image);
  return "docker.io/" + std::string(image);
}

std::string image_tag(std::string_view image) {
  std::string_view ref = image.substr(0, image.find('@'));
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash))
    return {};
  return std::string(ref.substr(colon + 1));
}

bool has_digest(std::string_view image) {
  return image.find('@') != std::string_view::npos;
}

bool docker_official(std::string_view name) {
  // The most pulled official images of Docker Hub: a stack is likely to run one of them as is.
  static constexpr std::array<std::string_view, 40> kOfficial = {
      "alpine",        "busybox",   "caddy",
      "cassandra",     "consul",    "couchbase",
      "couchdb",       "debian",    "eclipse-mosquitto",
      "elasticsearch", "golang",    "haproxy",
      "httpd",         "influxdb",  "kibana",
      "logstash",      "mariadb",   "memcached",
      "mongo",         "mysql",     "nats",
      "neo4j",         "nextcloud", "nginx",
      "node",          "openjdk",   "postgres",
      "python",        "rabbitmq",  "redis",
      "registry",      "solr",      "telegraf",
      "tomcat",        "traefik",   "ubuntu",
      "vault",         "wordpress", "zookeeper",
      "ghost"};
  return std::find(kOfficial.begin(), kOfficial.end(), name) != kOfficial.end();
}

}  // namespace stackc::model
