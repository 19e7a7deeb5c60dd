#include "emit/kustomize/kustomize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "emit/kubernetes/kubernetes.hpp"

namespace stackc::emit::kustomize {
namespace {

using kubernetes::Object;

std::string key(const Doc& d) {
  return d["apiVersion"].get<std::string>() + "/" + d["kind"].get<std::string>() + "/" +
         d["metadata"]["name"].get<std::string>();
}

// The object without its namespace: the overlay's `namespace:` sets it.
Doc strip_namespace(Doc d) {
  if (d["metadata"].contains("namespace")) d["metadata"].erase("namespace");
  return d;
}

Doc target(const Doc& d) {
  Doc t;
  std::string api = d["apiVersion"];
  auto slash = api.find('/');
  t["group"] = slash == std::string::npos ? "" : api.substr(0, slash);
  t["version"] = slash == std::string::npos ? api : api.substr(slash + 1);
  t["kind"] = d["kind"];
  t["name"] = d["metadata"]["name"];
  return t;
}

std::string kustomization(const Doc& k) {
  return to_yaml(k);
}

}  // namespace

void generate(const std::vector<kubernetes::Lowered>& lowered, const std::vector<std::string>& envs,
              const std::string& source, Output& out) {
  if (lowered.empty()) return;
  std::vector<std::set<std::string>> keys;
  for (const auto& l : lowered) {
    keys.emplace_back();
    for (const auto& o : l.objects) keys.back().insert(key(o.doc));
  }
  auto in_all = [&](const std::string& k) {
    return std::all_of(keys.begin(), keys.end(),
                       [&](const std::set<std::string>& ks) { return ks.count(k) > 0; });
  };
  // Base: the first environment's objects that every environment has, but for the Namespace.
  const auto& first = lowered.front().objects;
  std::map<std::string, Doc> base;  // key -> object without namespace
  std::vector<std::string> base_files;
  std::map<std::string, std::string> base_text;
  for (const auto& o : first) {
    if (o.doc["kind"] == "Namespace") continue;
    std::string k = key(o.doc);
    if (!in_all(k)) continue;
    Doc d = strip_namespace(o.doc);
    base[k] = d;
    std::string file = o.component + ".yaml";
    auto [it, fresh] = base_text.try_emplace(file, header(source));
    if (fresh) base_files.push_back(file);
    it->second += "---\n";
    write_yaml(it->second, d);
  }
  for (const auto& f : base_files) out.add("kustomize/base/" + f, std::move(base_text[f]));
  Doc bk;
  bk["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
  bk["kind"] = "Kustomization";
  bk["resources"] = base_files;
  out.add("kustomize/base/kustomization.yaml", header(source) + kustomization(bk));

  for (const auto& [e, objs] : lowered) {
    if (!kubernetes::selected(envs, e->name)) continue;
    std::string dir = "kustomize/overlays/" + e->name + "/";
    std::string own = header(source);
    Doc patches = Doc::array();
    std::map<std::string, bool> present;
    for (const auto& o : objs) {
      std::string k = key(o.doc);
      present[k] = true;
      auto b = base.find(k);
      if (b == base.end()) {  // the Namespace and the objects only some environments have
        own += "---\n";
        write_yaml(own, strip_namespace(o.doc));
        continue;
      }
      Doc ops = Doc::diff(b->second, strip_namespace(o.doc));
      if (ops.empty()) continue;
      Doc p;
      p["target"] = target(o.doc);
      p["patch"] = to_yaml(ops);
      patches.push_back(std::move(p));
    }
    for (const auto& [k, d] : base) {
      if (present.count(k)) continue;
      Doc del;
      del["$patch"] = "delete";
      del["apiVersion"] = d["apiVersion"];
      del["kind"] = d["kind"];
      del["metadata"]["name"] = d["metadata"]["name"];
      Doc p;
      p["patch"] = to_yaml(del);
      patches.push_back(std::move(p));
    }
    out.add(dir + "resources.yaml", std::move(own));
    Doc k;
    k["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
    k["kind"] = "Kustomization";
    k["namespace"] = e->ns;
    k["resources"] = Doc::array({"../../base", "resources.yaml"});
    if (!patches.empty()) k["patches"] = std::move(patches);
    out.add(dir + "kustomization.yaml", header(source) + kustomization(k));
  }
}

}  // namespace stackc::emit::kustomize
