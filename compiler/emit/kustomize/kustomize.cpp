#include "emit/kustomize/kustomize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "emit/kubernetes/kubernetes.hpp"

namespace stackc::emit::kustomize {
namespace {

using kubernetes::Object;

std::string key(const Doc& d) {
  return d["apiVersion"].get<std::string>() + "/" + d["kind"].get<std::string>() + "/" +
         d["metadata"]["name"].get<std::string>();
}

// The object without the environment's namespace: the overlay's namespace transformer sets it.
// Objects in other namespaces (Velero schedules live in Velero's) keep theirs.
Doc strip_namespace(Doc d, const std::string& ns) {
  if (d["metadata"].contains("namespace") && d["metadata"]["namespace"] == ns)
    d["metadata"].erase("namespace");
  return d;
}

Doc target(const Doc& d) {
  Doc t;
  std::string api = d["apiVersion"].get<std::string>();
  auto slash = api.find('/');
  t["group"] = slash == std::string::npos ? "" : api.substr(0, slash);
  t["version"] = slash == std::string::npos ? api : api.substr(slash + 1);
  t["kind"] = d["kind"];
  t["name"] = d["metadata"]["name"];
  return t;
}

bool has_multiline(const Doc& d) {
  if (d.is_string()) return d.str().find('\n') != std::string::npos;
  if (!d.is_structured()) return false;
  for (const auto& x : d)
    if (has_multiline(x)) return true;
  return false;
}

// The patch text: YAML, or JSON when a value spans lines (kustomize trims the patch text, which
// would drop the final newline of a block scalar at its end; JSON strings keep it escaped).
std::string patch_text(const Doc& ops) {
  return has_multiline(ops) ? ops.dump(2) + "\n" : to_yaml(ops);
}

std::string kustomization(const Doc& k) {
  return to_yaml(k);
}

}  // namespace

void generate(const std::vector<kubernetes::Lowered>& lowered, const std::vector<std::string>& envs,
              const std::string& source, Output& out) {
  if (lowered.empty()) return;
  // With one environment, every object is in it: no keys, sets or patches are needed.
  const bool several = lowered.size() > 1;
  // Each object's key (apiVersion/kind/name), per environment, and the set of them.
  std::vector<std::vector<std::string>> keys;
  std::vector<std::unordered_set<std::string_view>> key_sets;
  if (several) {
    keys.reserve(lowered.size());
    for (const auto& l : lowered) {
      keys.emplace_back();
      keys.back().reserve(l.objects.size());
      for (const auto& o : l.objects) keys.back().push_back(key(o.doc));
    }
    for (const auto& ks : keys) key_sets.emplace_back(ks.begin(), ks.end(), ks.size());
  }
  auto in_all = [&](std::string_view k) {
    return std::all_of(key_sets.begin(), key_sets.end(),
                       [&](const auto& ks) { return ks.count(k) > 0; });
  };
  // Base: the first environment's objects that every environment has, but for the Namespace.
  const auto& first = lowered.front().objects;
  std::vector<bool> in_base(first.size());
  // key -> the first environment's object (its namespace is dropped when written or compared)
  std::unordered_map<std::string_view, const Doc*> base(several ? first.size() : 0);
  std::vector<std::string_view> base_order;
  std::vector<std::string> base_components;  // in the order of their first objects
  std::map<std::string, std::vector<const Object*>> base_objects;  // by component
  for (std::size_t i = 0; i < first.size(); ++i) {
    const auto& o = first[i];
    if (o.doc["kind"] == "Namespace") continue;
    if (several) {
      const std::string& k = keys.front()[i];
      if (!in_all(k)) continue;
      base.emplace(k, &o.doc);
      base_order.push_back(k);
    }
    in_base[i] = true;
    auto [it, fresh] = base_objects.try_emplace(o.component);
    if (fresh) base_components.push_back(o.component);
    it->second.push_back(&o);
  }
  const std::string head = header(source);
  std::vector<std::string> resources;
  for (const auto& c : base_components) {
    resources.push_back(c + ".yaml");  // kustomize_base_path, relative to the base
    const auto& objs = base_objects[c];
    if (std::all_of(objs.begin(), objs.end(), [](const Object* o) { return o->written; }))
      continue;  // written as it was lowered (kubernetes::Stream::put)
    kubernetes::add_file(out, kubernetes::kustomize_base_path(c), head, objs,
                         &lowered.front().env->ns);
  }
  Doc bk;
  bk["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
  bk["kind"] = "Kustomization";
  bk["resources"] = resources;
  out.add("kustomize/base/kustomization.yaml", header(source) + kustomization(bk));

  for (std::size_t ei = 0; ei < lowered.size(); ++ei) {
    const auto& [e, objs, configs, text] = lowered[ei];
    if (!kubernetes::selected(envs, e->name)) continue;
    std::string dir = "kustomize/overlays/" + e->name + "/";
    std::vector<const Object*> own;
    Doc patches = Doc::array();
    std::unordered_set<std::string_view> present(ei == 0 ? 0 : objs.size());
    for (std::size_t i = 0; i < objs.size(); ++i) {
      const auto& o = objs[i];
      // The base holds the first environment's objects: its overlay patches nothing, and has
      // every object of the base.
      if (ei == 0) {
        if (!in_base[i]) own.push_back(&o);
        continue;
      }
      const std::string& k = keys[ei][i];
      auto b = base.find(k);
      if (b == base.end()) {  // the Namespace and the objects only some environments have
        own.push_back(&o);
        continue;
      }
      present.insert(k);
      Doc ops = Doc::diff(strip_namespace(*b->second, lowered.front().env->ns),
                          strip_namespace(o.doc, e->ns));
      if (ops.empty()) continue;
      Doc p;
      p["target"] = target(o.doc);
      p["patch"] = patch_text(ops);
      patches.push_back(std::move(p));
    }
    for (const auto& k : base_order) {
      if (ei == 0 || present.count(k)) continue;
      const Doc& d = *base.at(k);
      Doc del;
      del["$patch"] = "delete";
      del["apiVersion"] = d["apiVersion"];
      del["kind"] = d["kind"];
      del["metadata"]["name"] = d["metadata"]["name"];
      Doc p;
      p["patch"] = to_yaml(del);
      patches.push_back(std::move(p));
    }
    kubernetes::add_file(out, dir + "resources.yaml", head, own, &e->ns);
    // The namespace of every object that has none; `unsetOnly` leaves Velero's alone, and the
    // subjects of role bindings are already right.
    Doc nt;
    nt["apiVersion"] = "builtin";
    nt["kind"] = "NamespaceTransformer";
    nt["metadata"]["name"] = "namespace";
    nt["metadata"]["namespace"] = e->ns;
    nt["unsetOnly"] = true;
    nt["setRoleBindingSubjects"] = "none";
    out.add(dir + "namespace.yaml", header(source) + to_yaml(nt));
    Doc k;
    k["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
    k["kind"] = "Kustomization";
    k["resources"] = Doc::array({"../../base", "resources.yaml"});
    k["transformers"] = Doc::array({"namespace.yaml"});
    if (!patches.empty()) k["patches"] = std::move(patches);
    out.add(dir + "kustomization.yaml", header(source) + kustomization(k));
  }
}

}  // namespace stackc::emit::kustomize
