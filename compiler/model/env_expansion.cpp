// `$(NAME)` in env values: which entries a value refers to, and the order that lets Kubernetes
// expand them (it expands a reference only to an entry listed before it).
#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"

namespace stackc::model {

std::set<std::string, std::less<>> env_names(const std::vector<EnvVar>& env) {
  std::set<std::string, std::less<>> names;
  for (const auto& v : env) names.insert(v.name);
  return names;
}

namespace {

bool holds_references(const std::vector<EnvVar>& env) {
  return std::any_of(env.begin(), env.end(), [](const EnvVar& v) {
    return v.kind == EnvVar::Kind::Literal && v.value.find("$(") != std::string::npos;
  });
}

}  // namespace

std::set<std::string, std::less<>> reference_names(const std::vector<EnvVar>& env) {
  return holds_references(env) ? env_names(env) : std::set<std::string, std::less<>>();
}

void read_references(std::string_view s, const std::set<std::string, std::less<>>& names,
                     const std::function<void(std::string_view)>& text,
                     const std::function<bool(std::string_view)>& ref) {
  std::size_t from = 0;  // the start of the text not yet passed on
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '$' || (s[i + 1] != '$' && s[i + 1] != '(')) continue;
    if (s[i + 1] == '$') {  // `$$`: one `$`
      text(s.substr(from, i + 1 - from));
      from = ++i + 1;
      continue;
    }
    auto close = s.find(')', i + 2);
    if (close == std::string_view::npos) break;  // `$(` never closed: text
    std::string_view name = s.substr(i + 2, close - i - 2);
    if (names.count(name)) {
      text(s.substr(from, i - from));
      if (!ref(name)) text(s.substr(i, close + 1 - i));
      from = close + 1;
    }
    i = close;  // another name: the whole `$(...)` stays text, as Kubernetes leaves it
  }
  text(s.substr(from));
}

std::vector<std::string> env_references(const std::string& text,
                                        const std::set<std::string, std::less<>>& names) {
  std::vector<std::string> out;
  if (text.find("$(") == std::string::npos) return out;  // most values: no reference
  std::set<std::string, std::less<>> seen;
  read_references(
      text, names, [](std::string_view) {},
      [&](std::string_view name) {
        if (seen.insert(std::string(name)).second) out.emplace_back(name);
        return true;
      });
  return out;
}

std::vector<EnvVar> in_expansion_order(const std::vector<EnvVar>& env) {
  if (!holds_references(env)) return env;  // most containers
  // The references of each entry (literals only: secrets and workload references hold none).
  std::vector<std::vector<std::size_t>> refs(env.size());
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < env.size(); ++i) index.emplace(env[i].name, i);
  const auto names = env_names(env);
  bool any = false;
  for (std::size_t i = 0; i < env.size(); ++i) {
    if (env[i].kind != EnvVar::Kind::Literal) continue;
    for (const auto& name : env_references(env[i].value, names))
      if (auto it = index.find(name); it != index.end() && it->second != i) {
        refs[i].push_back(it->second);
        any = true;
      }
  }
  if (!any) return env;
  // Depth-first from each entry in the given order: an entry is placed after what it refers
  // to; on a cycle (an entry met again while being placed) the edge is not followed.
  enum class State { New, Placing, Placed };
  std::vector<State> state(env.size(), State::New);
  std::vector<EnvVar> out;
  out.reserve(env.size());
  // An explicit stack keeps a long chain of references from growing the call stack.
  for (std::size_t root = 0; root < env.size(); ++root) {
    if (state[root] != State::New) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    state[root] = State::Placing;
    while (!stack.empty()) {
      auto& [i, next] = stack.back();
      if (next < refs[i].size()) {
        std::size_t j = refs[i][next++];
        if (state[j] == State::New) {
          state[j] = State::Placing;
          stack.emplace_back(j, 0);
        }
        continue;
      }
      state[i] = State::Placed;
      out.push_back(env[i]);
      stack.pop_back();
    }
  }
  return out;
}

}  // namespace stackc::model
