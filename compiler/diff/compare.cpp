#include "diff/compare.hpp"

#include <algorithm>
#include <unordered_map>

#include "diff/equivalent.hpp"

namespace stackc::diff {
namespace {

// Kinds of Kubernetes itself, whose apiVersion is not compared (apps/v1 and
// extensions/v1beta1 Deployments are one object).
bool builtin(std::string_view kind) {
  static const std::initializer_list<std::string_view> kinds = {"Namespace",
                                                                "ServiceAccount",
                                                                "ConfigMap",
                                                                "Secret",
                                                                "Service",
                                                                "Deployment",
                                                                "StatefulSet",
                                                                "DaemonSet",
                                                                "ReplicaSet",
                                                                "Job",
                                                                "CronJob",
                                                                "Pod",
                                                                "Ingress",
                                                                "NetworkPolicy",
                                                                "PodDisruptionBudget",
                                                                "HorizontalPodAutoscaler",
                                                                "PersistentVolumeClaim",
                                                                "PersistentVolume",
                                                                "Role",
                                                                "RoleBinding",
                                                                "ClusterRole",
                                                                "ClusterRoleBinding",
                                                                "StorageClass",
                                                                "PriorityClass",
                                                                "LimitRange",
                                                                "ResourceQuota",
                                                                "IngressClass",
                                                                "Endpoints",
                                                                "EndpointSlice",
                                                                "CustomResourceDefinition"};
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

bool plain_key(std::string_view k) {
  return !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

class Walker {
 public:
  Walker(Result& r, const Object& s, const Object& a) : r_(r), s_(s), a_(a) {}

  void run() {
    if (!builtin(a_.kind) && group_of(s_.api_version) != group_of(a_.api_version)) {
      r_.made.push_back(scalar(s_.api_version));
      const Value* sv = &r_.made.back();
      r_.made.push_back(scalar(a_.api_version));
      add("apiVersion", {}, sv, &r_.made.back(), a_.span, Group::None);
    }
    walk_map("", &s_.root, &a_.root, a_.span);
  }

 private:
  void add(std::string_view key, std::string_view list, const Value* s, const Value* a,
           base::Span near, std::optional<Group> group = std::nullopt) {
    Difference d;
    d.object = s_.id();
    d.kind = s_.kind;
    d.ns = s_.ns;
    d.name = s_.name;
    d.path = path_;
    d.stack = s;
    d.against = a;
    d.span = a && a->span.valid() ? a->span : near;
    d.group = group ? *group : classify({s_.kind, path_, key, list, sc_s_, sc_a_}, s, a);
    r_.differences.push_back(std::move(d));
  }

  void walk(std::string_view key, std::string_view list, const Value* s, const Value* a,
            base::Span near) {
    if (!s && !a) return;
    // Allocated by the cluster where the stack leaves it out (a live Service's nodePort).
    if (!s && list.empty() && allocated(s_.kind, key)) return;
    if (key == kInitOrder) return compare_order(key, s, a, near);
    // The replica count of a workload the stack's autoscaler scales is the autoscaler's.
    if (!s && path_ == "spec.replicas" && r_.stack.autoscaled.count(s_.id())) return;
    if (s && a) {
      if (s->is_map() && a->is_map() && s->keyed == a->keyed) return walk_map(key, s, a, near);
      if (s->is_scalar() && a->is_scalar()) {
        ++r_.fields;
        if (s->text != a->text || (s->type == Type::Null) != (a->type == Type::Null))
          add(key, list, s, a, near);
        return;
      }
      if (s->is_seq() && a->is_seq() && equal(*s, *a)) {
        r_.fields += leaves(*s);
        return;
      }
      ++r_.fields;
      return add(key, list, s, a, near);
    }
    // One side lacks it: a mapping is looked into, field by field (each may be hardening of
    // its own), but for an element of a keyed list, which is one difference.
    const Value* p = s ? s : a;
    if (p->is_map() && !p->keyed && list.empty()) return walk_map(key, s, a, near);
    if (p->is_map() && p->keyed) return walk_map(key, s, a, near);
    add(key, list, s, a, near);
  }

  // The order of init containers: of the names both sides have (one only side has is a
  // difference of its own); one difference when they run in another order.
  void compare_order(std::string_view key, const Value* s, const Value* a, base::Span near) {
    if (!s || !a || !s->is_seq() || !a->is_seq()) return;
    auto so = common_order(*s, *a);
    auto ao = common_order(*a, *s);
    r_.fields += so.size();
    if (so == ao) return;
    Value sv{Type::Seq}, av{Type::Seq};
    for (auto& n : so) sv.seq.push_back(scalar(n));
    for (auto& n : ao) av.seq.push_back(scalar(n));
    av.span = a->span;
    r_.made.push_back(std::move(sv));
    const Value* sp = &r_.made.back();
    r_.made.push_back(std::move(av));
    add(key, {}, sp, &r_.made.back(), near, Group::None);
  }

  void walk_map(std::string_view key, const Value* s, const Value* a, base::Span near) {
    const Value* saved_s = sc_s_;
    const Value* saved_a = sc_a_;
    if (key == "securityContext") {
      sc_s_ = s;
      sc_a_ = a;
    }
    base::Span here = a && a->span.valid() ? a->span : near;
    const bool keyed = (s ? s : a)->keyed;
    static const std::vector<Entry> kNone;
    const auto& sm = s ? s->map : kNone;
    const auto& am = a ? a->map : kNone;
    std::size_t i = 0, j = 0;
    // Containers only one side has by name are paired when they are one each, or run the same
    // image repository: stackc names the main container after the workload, and its sidecars
    // by their role.
    std::vector<bool> skip_s, skip_a;
    if (keyed && (key == "containers" || key == "initContainers") && s && a) {
      skip_s.assign(sm.size(), false);
      skip_a.assign(am.size(), false);
      pair_containers(key, sm, am, skip_s, skip_a, here);
    }
    while (i < sm.size() || j < am.size()) {
      if (i < sm.size() && !skip_s.empty() && skip_s[i]) {
        ++i;
        continue;
      }
      if (j < am.size() && !skip_a.empty() && skip_a[j]) {
        ++j;
        continue;
      }
      if (j >= am.size() || (i < sm.size() && sm[i].key < am[j].key)) {
        descend(sm[i].key, key, &sm[i].value, nullptr, here, keyed);
        ++i;
      } else if (i >= sm.size() || am[j].key < sm[i].key) {
        descend(am[j].key, key, nullptr, &am[j].value, here, keyed);
        ++j;
      } else {
        descend(sm[i].key, key, &sm[i].value, &am[j].value, here, keyed);
        ++i, ++j;
      }
    }
    sc_s_ = saved_s;
    sc_a_ = saved_a;
  }

  static std::string repository(const Value& container) {
    std::string_view image = container.str("image");
    image = image.substr(0, image.find('@'));
    auto slash = image.rfind('/');
    auto colon = image.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
      image = image.substr(0, colon);
    return std::string(image);
  }

  void pair_containers(std::string_view key, const std::vector<Entry>& sm,
                       const std::vector<Entry>& am, std::vector<bool>& skip_s,
                       std::vector<bool>& skip_a, base::Span here) {
    std::vector<std::size_t> so, ao;  // the names only one side has
    std::size_t i = 0, j = 0;
    while (i < sm.size() || j < am.size()) {
      if (j >= am.size() || (i < sm.size() && sm[i].key < am[j].key)) {
        so.push_back(i++);
      } else if (i >= sm.size() || am[j].key < sm[i].key) {
        ao.push_back(j++);
      } else {
        ++i, ++j;
      }
    }
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    if (so.size() == 1 && ao.size() == 1) {
      pairs.push_back({so[0], ao[0]});
    } else {
      std::unordered_map<std::string, std::vector<std::size_t>> by_repo_s, by_repo_a;
      for (auto x : so) by_repo_s[repository(sm[x].value)].push_back(x);
      for (auto y : ao) by_repo_a[repository(am[y].value)].push_back(y);
      for (auto y : ao) {
        auto& xs = by_repo_s[repository(am[y].value)];
        if (xs.size() == 1 && by_repo_a[repository(am[y].value)].size() == 1)
          pairs.push_back({xs[0], y});
      }
    }
    for (auto [x, y] : pairs) {
      skip_s[x] = skip_a[y] = true;
      std::size_t base = path_.size();
      path_ += "[" + am[y].key + "].name";
      r_.made.push_back(scalar(sm[x].key));
      const Value* sv = &r_.made.back();
      r_.made.push_back(scalar(am[y].key));
      add("name", {}, sv, &r_.made.back(), am[y].value.span, Group::Names);
      path_.resize(base);
      descend(am[y].key, key, &sm[x].value, &am[y].value, here, true);
    }
  }

  void descend(const std::string& k, std::string_view parent, const Value* s, const Value* a,
               base::Span near, bool keyed) {
    std::size_t base = path_.size();
    if (keyed)
      path_ += "[" + k + "]";
    else if (plain_key(k))
      path_ += (base ? "." : "") + k;
    else
      path_ += "[\"" + k + "\"]";
    walk(k, keyed ? parent : std::string_view(), s, a, near);
    path_.resize(base);
  }

  Result& r_;
  const Object& s_;
  const Object& a_;
  std::string path_;
  const Value* sc_s_ = nullptr;
  const Value* sc_a_ = nullptr;
};

void only(Result& r, const Object& o, bool stack_side) {
  Difference d;
  d.object = o.id();
  d.kind = o.kind;
  d.ns = o.ns;
  d.name = o.name;
  (stack_side ? d.stack : d.against) = &o.root;
  if (!stack_side) d.span = o.span;
  // A ConfigMap environment values were read from, on either side: its values are compared in
  // the containers' env.
  const auto& read = stack_side ? r.stack.env_configmaps : r.against.env_configmaps;
  bool env_cm = read.count(o.ns + "/" + o.name) > 0;
  d.group = stack_side ? classify_object(o.kind, env_cm)
            : env_cm   ? Group::EnvConfigMaps
                       : Group::None;
  r.differences.push_back(std::move(d));
}

}  // namespace

std::size_t Result::intended() const {
  std::size_t n = 0;
  for (std::size_t g = 1; g < per_group.size(); ++g) n += per_group[g];
  return n;
}

Result compare(Side stack, Side against) {
  Result r;
  r.stack = std::move(stack);
  r.against = std::move(against);
  const auto& S = r.stack.objects;
  const auto& A = r.against.objects;
  r.objects_stack = S.size();
  r.objects_against = A.size();
  std::unordered_map<std::string, std::size_t> exact;
  std::unordered_map<std::string, std::vector<std::size_t>> by_name;  // kind/name
  exact.reserve(S.size());
  for (std::size_t i = 0; i < S.size(); ++i) {
    exact.emplace(S[i].id(), i);
    by_name[S[i].kind + "/" + S[i].name].push_back(i);
  }
  std::vector<bool> taken(S.size(), false);
  std::unordered_map<std::string, bool> seen_against;
  for (const auto& a : A) {
    if (!seen_against.emplace(a.id(), true).second) continue;  // given twice: the first counts
    std::size_t at = S.size();
    if (auto it = exact.find(a.id()); it != exact.end() && !taken[it->second]) {
      at = it->second;
    } else if (a.ns.empty() && !cluster_scoped(a.kind)) {
      auto bn = by_name.find(a.kind + "/" + a.name);
      if (bn != by_name.end()) {
        std::vector<std::size_t> free;
        for (auto i : bn->second)
          if (!taken[i]) free.push_back(i);
        if (free.size() == 1) at = free[0];
      }
    }
    if (at == S.size()) {
      only(r, a, false);
      continue;
    }
    taken[at] = true;
    ++r.matched;
    Walker(r, S[at], a).run();
  }
  for (std::size_t i = 0; i < S.size(); ++i)
    if (!taken[i]) only(r, S[i], true);
  std::stable_sort(r.differences.begin(), r.differences.end(),
                   [](const Difference& x, const Difference& y) { return x.group < y.group; });
  for (const auto& d : r.differences) ++r.per_group[static_cast<std::size_t>(d.group)];
  return r;
}

}  // namespace stackc::diff
