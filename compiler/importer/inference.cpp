// Dependencies inferred from text: an env value or an argument that addresses a Service of the
// input becomes a reference (`${carts.address}`), which the language counts as an edge of the
// graph (language.md §5.6). The rules (specs/import.md, "Dependencies"):
//   HOST:PORT, with PORT one of the Service's ports          -> ${w.address} (the first port)
//                                                               ${w.host}:${w.port.NAME} (another)
//   HOST.NAMESPACE[.svc[.cluster.local]], same namespace    -> ${w.host} (then as above with :PORT)
//   SCHEME://HOST/..., the Service's first port 80 (http)   -> SCHEME://${w.host}/...
//   the whole value HOST, in a variable named *HOST*/*ADDR*/*SERVER* -> ${w.host}
// HOST is a Service's name; a token only counts when it stands alone (not inside a longer name).
#include <fmt/format.h>

#include <string>
#include <vector>

#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

bool host_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '.' || ch == '_';
}

// `s` without the quotes of its literal.
std::string quoted_body(std::string_view s) {
  std::string q = quote(s);
  return q.substr(1, q.size() - 2);
}

bool named_like_host(std::string_view var) {
  std::string up;
  for (char ch : var) up += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const char* w : {"HOST", "ADDR", "SERVER", "ENDPOINT"})
    if (up.find(w) != std::string::npos) return true;
  return false;
}

}  // namespace

bool infer(const Context& c, const std::string& self, std::string_view what, std::string_view text,
           std::string& out, std::vector<std::string>& notes) {
  if (c.services.empty() || text.empty() || text.size() > 4096) return false;
  std::string body;
  bool found = false;
  std::vector<std::string> mine;
  std::size_t i = 0, done = 0;
  while (i < text.size()) {
    if (!host_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t b = i;
    while (i < text.size() && host_char(text[i])) ++i;
    std::string_view token = text.substr(b, i - b);
    // HOST, or HOST.NS, HOST.NS.svc, HOST.NS.svc.cluster.local.
    std::string_view host = token;
    bool qualified = false;
    if (auto dot = token.find('.'); dot != std::string_view::npos) {
      std::string_view tail = token.substr(dot + 1);
      if (c.ns.empty() ||
          !(tail == c.ns || tail == c.ns + ".svc" || tail == c.ns + ".svc.cluster.local"))
        continue;
      host = token.substr(0, dot);
      qualified = true;
    }
    auto it = c.services.find(std::string(host));
    if (it == c.services.end() || it->second.workload == self) continue;
    const Target& t = it->second;
    // A port after it?
    std::size_t end = i;
    std::int64_t port = -1;
    if (end < text.size() && text[end] == ':') {
      std::size_t k = end + 1;
      std::int64_t n = 0;
      while (k < text.size() && text[k] >= '0' && text[k] <= '9' && n < 100000)
        n = n * 10 + (text[k++] - '0');
      if (k > end + 1 && !(k < text.size() && host_char(text[k]))) {
        port = n;
        end = k;
      }
    }
    bool scheme = b >= 3 && text.substr(b - 3, 3) == "://";
    std::string ref;
    const std::string& w = t.workload;
    if (port >= 0) {
      for (std::size_t p = 0; p < t.ports.size(); ++p)
        if (t.ports[p].number == port)
          ref = p == 0 ? fmt::format("${{{}.address}}", w)
                       : fmt::format("${{{}.host}}:${{{}.port.{}}}", w, w, t.ports[p].name);
      if (ref.empty()) continue;  // a port the Service does not have: not this Service
    } else if (qualified || (scheme && !t.ports.empty() && t.ports.front().number == 80) ||
               (b == 0 && i == text.size() && named_like_host(what))) {
      ref = fmt::format("${{{}.host}}", w);
    } else {
      continue;
    }
    body += quoted_body(text.substr(done, b - done));
    body += ref;
    mine.push_back(fmt::format("{}: `{}` -> `{}`", what, text.substr(b, end - b), ref));
    done = i = end;
    found = true;
  }
  if (!found) return false;
  body += quoted_body(text.substr(done));
  out = "\"" + body + "\"";
  for (auto& m : mine) notes.push_back("inferred " + m);
  return true;
}

}  // namespace stackc::importer
