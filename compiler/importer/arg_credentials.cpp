// Literal credentials in `command` and `args` (`--db-password=hunter2`, a password in a URL, a
// token), which `stackc check` rejects (E2009), rewritten the Kubernetes way: the credential is
// read from a Secret into an env variable (`DB_PASSWORD = secret("api", key = "db-password")`)
// and the argument names it as `$(DB_PASSWORD)`, which the kubelet expands in `command` and
// `args`. The value is never copied; each is W0041, as a credential in `env`. specs/import.md §2.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "check/credentials.hpp"
#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

bool space(char ch) {
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

bool name_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '-' || ch == '.';
}

// `--db-password` -> `DB_PASSWORD`; empty when nothing is left.
std::string variable_of(std::string_view name) {
  while (!name.empty() && name.front() == '-') name.remove_prefix(1);
  std::string out;
  for (char ch : name)
    out += ch == '-' || ch == '.' ? '_'
                                  : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (!out.empty() && out[0] >= '0' && out[0] <= '9') out = "ARG_" + out;
  return is_ident(out) ? out : std::string();
}

std::string key_of(std::string_view var) {
  std::string out;
  for (char ch : var)
    out += ch == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

struct Hider {
  Context& c;
  const std::string& workload;
  const manifests::Node& ctr;
  std::vector<ArgSecret>& vars;

  bool env_has(std::string_view name) const {
    const manifests::Node* env = ctr.get("env");
    if (!env || !env->is_seq()) return false;
    return std::any_of(env->items.begin(), env->items.end(),
                       [&](const manifests::Node& e) { return e.str("name") == name; });
  }

  // The variable holding `value`: the one already made for it, else `base` (or `base_2`...)
  // when neither the container's env nor another credential uses that name.
  const ArgSecret& variable(std::string base, const std::string& value) {
    for (const auto& v : vars)
      if (v.value == value && v.var.rfind(base, 0) == 0) return v;
    if (env_has(base)) base += "_ARG";
    std::string var = base;
    for (int n = 2; env_has(var) || std::any_of(vars.begin(), vars.end(),
                                                [&](const ArgSecret& v) { return v.var == var; });
         ++n)
      var = fmt::format("{}_{}", base, n);
    vars.push_back({var, key_of(var), value});
    c.secret_keys[workload].insert(vars.back().key);
    return vars.back();
  }
};

}  // namespace

std::string hide_arg_credentials(Context& c, const std::string& workload,
                                 const manifests::Node& ctr, const manifests::Node& item,
                                 std::string_view what, std::vector<ArgSecret>& vars,
                                 std::vector<std::string>& notes) {
  const std::string& text = item.text;
  if (!check::find_credential(text)) return text;
  Hider h{c, workload, ctr, vars};
  std::string out;
  std::vector<std::string> made;  // `--db-password=$(DB_PASSWORD)` pieces, for the message
  std::size_t i = 0;
  while (i < text.size()) {
    if (space(text[i])) {
      out += text[i++];
      continue;
    }
    std::size_t b = i;
    while (i < text.size() && !space(text[i])) ++i;
    std::string tok = text.substr(b, i - b);
    if (!check::find_credential(tok)) {
      out += tok;
      continue;
    }
    // NAME=VALUE: the value, quoted or not.
    auto eq = tok.find('=');
    std::string name = eq == std::string::npos ? std::string() : tok.substr(0, eq);
    bool assignment = eq != std::string::npos && eq > 0 &&
                      std::all_of(name.begin(), name.end(), name_char) &&
                      !variable_of(name).empty();
    // scheme://user:PASSWORD@host
    auto scheme = tok.find("://");
    auto at = scheme == std::string::npos ? std::string::npos : tok.find('@', scheme + 3);
    auto colon = at == std::string::npos ? std::string::npos : tok.find(':', scheme + 3);
    if (colon != std::string::npos && colon > at) colon = std::string::npos;
    std::string replaced;
    if (colon != std::string::npos) {
      // Named after the option (`--db-url=` -> DB_URL_PASSWORD), else the scheme.
      std::size_t from = scheme;
      while (from > 0 && std::isalpha(static_cast<unsigned char>(tok[from - 1]))) --from;
      std::string base = assignment && eq < scheme ? variable_of(name)
                                                   : variable_of(tok.substr(from, scheme - from));
      const ArgSecret& v = h.variable((base.empty() ? "URL" : base) + "_PASSWORD",
                                      tok.substr(colon + 1, at - colon - 1));
      replaced = tok.substr(0, colon + 1) + "$(" + v.var + ")" + tok.substr(at);
    } else if (assignment) {
      std::string value = tok.substr(eq + 1);
      std::string q;
      if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
          value.back() == value.front()) {
        q = value.substr(0, 1);
        value = value.substr(1, value.size() - 2);
      }
      const ArgSecret& v = h.variable(variable_of(name), value);
      replaced = name + "=" + q + "$(" + v.var + ")" + q;
    } else {
      const ArgSecret& v = h.variable("ARG_SECRET", tok);
      replaced = "$(" + v.var + ")";
    }
    out += replaced;
    made.push_back(replaced);
  }
  if (made.empty()) {
    // A credential that spans words (a PEM key): the whole item.
    const ArgSecret& v = h.variable("ARG_SECRET", text);
    out = "$(" + v.var + ")";
    made.push_back(out);
  }
  std::vector<std::string> keys, reads;
  for (const auto& v : vars)
    if (out.find("$(" + v.var + ")") != std::string::npos) {
      keys.push_back(fmt::format("`{}`", v.key));
      reads.push_back(fmt::format("`{} = secret(\"{}\", key = \"{}\")`", v.var, workload, v.key));
    }
  auto f = check::find_credential(text);
  c.sink.report(base::make(
      base::Code::W0041, item.span,
      fmt::format("an item of `{}` holds a credential ({}): it is not copied into the .stack; "
                  "the import wrote `{}`",
                  what, f.what, out),
      fmt::format("create the Secret `{}` with the key{} {} in the namespace; the container reads "
                  "it in `env` ({}) and Kubernetes puts the value in place of `$(...)`",
                  workload, keys.size() > 1 ? "s" : "", fmt::join(keys, ", "),
                  fmt::join(reads, ", "))));
  notes.push_back(
      fmt::format("{}: a literal credential in the input, now `{}` (the Secret `{}` to create)",
                  what, fmt::join(made, "`, `"), workload));
  return out;
}

}  // namespace stackc::importer
