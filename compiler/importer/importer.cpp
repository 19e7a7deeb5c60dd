#include "importer/importer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

// A DNS label the language also reads as an identifier (a name in a head).
bool dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-' || !is_ident(s))
    return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return b <= 0 ? 0 : (a + b - 1) / b;
}

// The requests of a declaration made by another importer: its `cpu` and `memory` lower bounds.
void requests_of(const Stmt& decl, std::int64_t& cpu, std::int64_t& mem) {
  auto lower = [](const Stmt* s) {
    if (!s) return std::string();
    return s->value.substr(0, s->value.find(".."));
  };
  std::int64_t v = 0;
  if (cpu_millis(lower(decl.find("cpu")), v)) cpu = v;
  if (byte_count(lower(decl.find("memory")), v)) mem = v;
}

// The cluster: nodes of at least 4 cores and 16Gi (larger when a pod needs it), enough of them
// for the requests with a quarter to spare, and at least as many as a spread workload's replicas.
Stmt cluster_for(const std::vector<const Imported*>& envs, const std::string& name,
                 const std::string& storage_class) {
  std::int64_t node_cpu = 4000, node_mem = std::int64_t{16} << 30, nodes = 1;
  for (const Imported* e : envs)
    for (const Workload& w : e->workloads) {
      while (node_cpu < w.cpu_m * 2) node_cpu *= 2;
      while (node_mem < w.memory_b * 2) node_mem *= 2;
    }
  for (const Imported* e : envs) {
    std::int64_t cpu = 0, mem = 0, spread = 1;
    for (const Workload& w : e->workloads) {
      cpu += w.cpu_m * w.pods;
      mem += w.memory_b * w.pods;
      if (w.spread_nodes) spread = std::max(spread, w.pods);
    }
    std::int64_t n = std::max({ceil_div(cpu * 5 / 4, node_cpu * 9 / 10),
                               ceil_div(mem * 5 / 4, node_mem * 9 / 10), spread});
    nodes = std::max(nodes, n + 1);
  }
  nodes = std::clamp<std::int64_t>(nodes, 1, 10000);
  Stmt c = Stmt::open("cluster " + name);
  c.comments.push_back("Not in the input: a cluster that holds the workloads' requests (stackc");
  c.comments.push_back("checks that the pods fit). Write the cluster you run on.");
  c.add(Stmt::assign("nodes", fmt::format("{}", nodes)));
  Stmt node = Stmt::open("node");
  node.add(Stmt::assign("cpu", cpu_text(node_cpu)));
  node.add(Stmt::assign("memory", bytes_text(node_mem)));
  c.add(std::move(node));
  if (!storage_class.empty()) c.add(Stmt::assign("storage_class", quote(storage_class)));
  // The ingress controllers stackc's NetworkPolicies admit (own.cpp).
  for (const Imported* e : envs)
    for (const Stmt& ctl : e->controllers)
      if (!c.find(ctl.head)) c.add(ctl);
  return c;
}

// Moves the differences of versions out of a `when` (E2030 there) into `version NAME { when }`.
void versions_into_place(Stmt& common, Stmt& when) {
  for (auto it = when.body.begin(); it != when.body.end();) {
    if (it->block && it->head.rfind("version ", 0) == 0) {
      if (Stmt* v = common.find(it->head)) {
        Stmt w = Stmt::open(when.head);
        w.body = std::move(it->body);
        v->add(std::move(w));
        it = when.body.erase(it);
        continue;
      }
    }
    ++it;
  }
}

// stackc's own objects read back as blocks (`monitoring`, `alert`, `record`, `backup`): one
// environment's as they are; several as a common part and `when` blocks inside each (the
// language allows `when` in all of them), a block some environment lacks with a comment (a
// block cannot be left out of an environment).
void top_blocks(std::vector<Imported>& envs, const std::vector<std::string>& env_names,
                std::vector<Stmt>& top, base::Sink& sink) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const Stmt*>> by_head;
  for (std::size_t i = 0; i < envs.size(); ++i)
    for (const Stmt& b : envs[i].blocks) {
      auto& v = by_head[b.head];
      if (v.empty()) {
        order.push_back(b.head);
        v.assign(envs.size(), nullptr);
      }
      if (!v[i]) v[i] = &b;
    }
  for (const std::string& head : order) {
    const auto& v = by_head[head];
    std::vector<const Stmt*> present;
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i])
        present.push_back(v[i]);
      else
        missing.push_back(env_names[i]);
    if (present.size() == 1 && envs.size() == 1) {
      top.push_back(*present.front());
      continue;
    }
    // Split as the inside of a block, so that a value every environment has stays in place
    // with the first one's value and is replaced only where another differs.
    std::vector<Stmt> wrapped;
    for (const Stmt* p : present) wrapped.emplace_back(Stmt::open("")).body.push_back(*p);
    std::vector<const Stmt*> variants;
    for (const Stmt& w : wrapped) variants.push_back(&w);
    Stmt outer = Stmt::open("");
    std::vector<Stmt> own;
    split_common(variants, outer, own, {});
    Stmt common = outer.body.empty() ? Stmt::open(head) : std::move(outer.body.front());
    common.comments = present.front()->comments;
    std::size_t k = 0;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i]) continue;
      if (!own[k].body.empty() && !own[k].body.front().body.empty()) {
        Stmt when = Stmt::open("when " + env_names[i]);
        when.body = std::move(own[k].body.front().body);
        common.add(std::move(when));
      }
      ++k;
    }
    if (!missing.empty()) {
      common.comments.push_back(
          fmt::format("not in the input of {}: it applies there too", fmt::join(missing, ", ")));
      sink.report(base::make(
          base::Code::W0045, base::Span{},
          fmt::format("`{}` of stackc's own objects is in the input of some environments only, "
                      "not of {}: written once, it applies to every environment",
                      head, fmt::join(missing, ", ")),
          "check that it belongs in those environments too (a block cannot be left out of one)"));
    }
    top.push_back(std::move(common));
  }
}

}  // namespace

std::string import(const std::vector<Source>& sources, const base::SourceManager& sm,
                   base::Sink& sink, Summary* summary) {
  std::vector<Imported> envs;
  Summary sum;
  for (const Source& s : sources) {
    std::vector<const manifests::Document*> docs;
    for (const auto& d : s.kubernetes) docs.push_back(&d);
    Imported im = from_kubernetes(docs, sm, sink);
    for (const Stmt& st : s.workloads) {
      Workload w;
      auto sp = st.head.find(' ');
      w.kind = st.head.substr(0, sp);
      w.name = sp == std::string::npos ? "" : st.head.substr(sp + 1);
      w.decl = st;
      requests_of(st, w.cpu_m, w.memory_b);
      if (const Stmt* r = st.find("replicas")) {  // the most replicas: `3` or `2..5`
        std::string most =
            r->value.substr(r->value.find("..") == std::string::npos ? 0 : r->value.find("..") + 2);
        w.pods = std::clamp<std::int64_t>(std::atoll(most.c_str()), 1, 100000);
      }
      im.workloads.push_back(std::move(w));
    }
    sum.objects += im.objects;
    sum.objects_kept += im.objects_kept;
    sum.fields_kept += im.fields_kept + s.fields_kept;
    envs.push_back(std::move(im));
  }
  std::size_t total = sum.objects;
  for (const Imported& e : envs) total += e.workloads.size();
  if (total == 0) {
    sink.report(base::make(base::Code::E5011, base::Span{},
                           "there is nothing to import: the input holds no Kubernetes object",
                           "give the files or folders of the manifests (`*.yaml`, `*.yml`), or "
                           "`-` for a stream on stdin (`helm template ... | stackc import -`)"));
  }
  if (total == 0) return {};

  // The stack: named by stackc's own label when the input is stackc's output, else after the
  // namespace.
  const Imported& first = envs.front();
  std::string stack_name = first.part_of;
  std::vector<std::string> assumed;
  if (!dns_label(stack_name) && dns_label(sources.front().project))
    stack_name = sources.front().project;  // a compose project's name
  if (!dns_label(stack_name)) {
    stack_name = dns_label(first.ns) ? first.ns : "imported";
    assumed.push_back(fmt::format("the stack's name (`{}` is {})", stack_name,
                                  dns_label(first.ns) ? "after the namespace" : "a placeholder"));
  }
  // Images built from source (compose `build:`) are the stack's own: they need a registry and a
  // version (language.md §5.13).
  bool own_images = false;
  for (const Source& s : sources)
    for (const Stmt& w : s.workloads)
      if (const Stmt* img = w.find("image"))
        own_images = own_images || img->value.find_first_of(":/@") == std::string::npos;
  std::vector<Stmt> top;
  Stmt head = Stmt::open("stack " + stack_name);
  {
    std::vector<std::string> files;
    for (const Source& s : sources)
      for (const auto& p : s.paths) files.push_back(s.env.empty() ? p : s.env + "=" + p);
    head.comments.push_back(
        fmt::format("Imported by `stackc import` from {}: {} objects, {} "
                    "workloads.",
                    files.empty() ? std::string("stdin") : fmt::format("{}", fmt::join(files, " ")),
                    sum.objects, [&] {
                      std::size_t n = 0;
                      for (const auto& e : envs) n += e.workloads.size();
                      return n;
                    }()));
    bool compose = std::any_of(sources.begin(), sources.end(),
                               [](const Source& s) { return !s.workloads.empty(); });
    head.comments.push_back(
        fmt::format("Comments starting with `not imported` keep what has no .stack form ({}); "
                    "`inferred` lines",
                    compose ? "W0040, W0050 for compose" : "W0040"));
    head.comments.push_back(
        "list the references found in values; `not in the input` what was "
        "assumed (W0042).");
    if (stack_name != first.part_of && stack_name != sources.front().project)
      head.comments.push_back(
          fmt::format("Not in the input: the stack's name (`{}`).", stack_name));
    if (own_images) {
      head.comments.push_back(
          "Not in the input: the registry and version of the images built from source.");
      head.add(Stmt::assign("registry", quote("registry.example.com/" + stack_name)));
      head.add(Stmt::assign("version", quote("0.1.0")));
      assumed.push_back("the registry and version of the images built from source");
    }
  }
  top.push_back(std::move(head));
  std::string storage_class;
  for (const Imported& e : envs)
    if (!e.storage_class.empty()) storage_class = e.storage_class;
  // One cluster, or one per environment when there are several (a node port pinned in each
  // environment would be pinned twice on one cluster, E2045).
  std::vector<std::string> cluster_of;
  if (envs.size() == 1) {
    top.push_back(cluster_for({&envs[0]}, "imported", storage_class));
    cluster_of.push_back("imported");
  } else {
    for (std::size_t i = 0; i < envs.size(); ++i) {
      std::string name = "imported-" + sources[i].env;
      if (name.size() > 63) name = fmt::format("imported-{}", i + 1);
      top.push_back(cluster_for({&envs[i]}, name, storage_class));
      cluster_of.push_back(name);
    }
  }
  assumed.push_back(envs.size() == 1 ? "a cluster (`imported` is sized to hold the requests)"
                                     : "the clusters (`imported-ENV` are sized to hold the "
                                       "requests)");
  std::vector<std::string> env_names;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Imported& e = envs[i];
    std::string name = sources[i].env;
    bool from_label = false;
    if (name.empty() && !e.instance.empty() && e.instance.rfind(stack_name + "-", 0) == 0 &&
        dns_label(e.instance.substr(stack_name.size() + 1))) {
      name = e.instance.substr(stack_name.size() + 1);
      from_label = true;
    }
    if (name.empty()) {
      name = "production";
      assumed.push_back("an environment (`production` is written)");
    }
    env_names.push_back(name);
    Stmt env = Stmt::open("environment " + name);
    if (!from_label && sources[i].env.empty())
      env.comments.push_back("Not in the input: the environment (its namespace is the input's).");
    env.add(Stmt::assign("cluster", cluster_of[i]));
    if (!e.ns.empty() && dns_label(e.ns)) env.add(Stmt::assign("namespace", quote(e.ns)));
    if (!e.pod_security.empty()) env.add(Stmt::assign("pod_security", e.pod_security));
    top.push_back(std::move(env));
  }
  sink.report(base::make(
      base::Code::W0042, base::Span{},
      fmt::format("the input does not give {}: the .stack has assumed values, marked `Not in the "
                  "input`",
                  fmt::join(assumed, "; ")),
      "review them: a cluster sized to the nodes you run lets stackc check that the pods fit"));

  // Secrets: the references stay, the values are never copied.
  std::set<std::string> secret_notes;
  for (const Imported& e : envs) secret_notes.insert(e.secret_notes.begin(), e.secret_notes.end());
  for (const Source& s : sources) secret_notes.insert(s.secret_notes.begin(), s.secret_notes.end());
  const Imported* vault = nullptr;
  for (const Imported& e : envs)
    if (!vault && !e.vault_address.empty()) vault = &e;
  if (!secret_notes.empty() || vault) {
    Stmt s = Stmt::open("secrets");
    if (vault) {
      // External Secrets from Vault: the store's server, mount and role; the keys' prefix.
      std::string path = vault->vault_path;
      if (!vault->vault_prefix.empty()) path += "/" + vault->vault_prefix;
      s.comments.push_back("The Secrets the workloads read, from Vault through External Secrets:");
      for (const auto& n : secret_notes) s.comments.push_back("  " + n);
      std::string body =
          fmt::format("address = {}  path = {}", quote(vault->vault_address), quote(path));
      if (!vault->vault_role.empty() && vault->vault_role != stack_name)
        body += fmt::format("  role = {}", quote(vault->vault_role));
      if (vault->vault_version == "v1") body += "  version = v1";
      s.add(Stmt::assign("backend", "vault { " + body + " }"));
      if (!vault->refresh.empty() && vault->refresh != "1h")
        s.add(Stmt::assign("refresh", vault->refresh));
    } else {
      s.comments.push_back(
          "The Secrets the workloads read (create them in each namespace; their "
          "values are not copied):");
      for (const auto& n : secret_notes) s.comments.push_back("  " + n);
      s.add(Stmt::assign("backend", "kubernetes"));
    }
    top.push_back(std::move(s));
  }

  // The workloads: one environment as they are; several as a common part and `when` blocks.
  if (envs.size() == 1) {
    for (Workload& w : envs[0].workloads) top.push_back(std::move(w.decl));
  } else {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Workload*>> by_name;  // per env, null when absent
    for (std::size_t i = 0; i < envs.size(); ++i)
      for (const Workload& w : envs[i].workloads) {
        auto& v = by_name[w.name];
        if (v.empty()) {
          order.push_back(w.name);
          v.assign(envs.size(), nullptr);
        }
        if (!v[i]) v[i] = &w;
      }
    for (const std::string& name : order) {
      const auto& v = by_name[name];
      std::vector<const Stmt*> present;
      std::vector<std::size_t> which;
      for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i]) {
          present.push_back(&v[i]->decl);
          which.push_back(i);
        }
      Stmt common = Stmt::open(present.front()->head);
      common.comments = present.front()->comments;
      std::vector<Stmt> own;
      if (present.size() == envs.size()) {
        split_common(present, common, own, {"port "});
      } else {
        // Present in some environments only: the first one's declaration is the base (an absent
        // environment still checks its fields), the others' differences in `when`.
        common.body = present.front()->body;
        std::vector<const Stmt*> pair;
        own.push_back(Stmt::open(common.head));
        for (std::size_t k = 1; k < present.size(); ++k) {
          Stmt c2 = Stmt::open(common.head);
          std::vector<Stmt> o2;
          split_common({present.front(), present[k]}, c2, o2, {"port "});
          own.push_back(std::move(o2[1]));
        }
      }
      for (std::size_t k = 0; k < present.size(); ++k) {
        if (present.size() == envs.size() && k > 0 && present[k]->comments != present[0]->comments)
          for (const auto& line : present[k]->comments)
            if (std::find(common.comments.begin(), common.comments.end(), line) ==
                common.comments.end())
              common.comments.push_back(env_names[which[k]] + ": " + line);
        if (own[k].body.empty()) continue;
        Stmt when = Stmt::open("when " + env_names[which[k]]);
        when.body = std::move(own[k].body);
        versions_into_place(common, when);
        if (!when.body.empty()) common.add(std::move(when));
      }
      for (std::size_t i = 0; i < v.size(); ++i)
        if (!v[i]) {
          Stmt when = Stmt::open("when " + env_names[i]);
          when.add(Stmt::assign("enabled", "false"));
          common.add(std::move(when));
        }
      top.push_back(std::move(common));
    }
  }
  top_blocks(envs, env_names, top, sink);
  for (std::size_t i = 0; i < envs.size(); ++i) {
    if (envs[i].kept.empty()) continue;
    if (envs.size() > 1)
      top.push_back(Stmt::comment({fmt::format("The input of environment {}:", env_names[i])}));
    for (Stmt& k : envs[i].kept) top.push_back(std::move(k));
  }
  for (const Imported& e : envs) sum.workloads += e.workloads.size();
  if (summary) *summary = sum;
  return print(top);
}

}  // namespace stackc::importer
