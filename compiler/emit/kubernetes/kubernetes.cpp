#include "emit/kubernetes/kubernetes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "check/security.hpp"
#include "check/units.hpp"
#include "emit/kubernetes/pod.hpp"
#include "emit/monitoring/monitoring.hpp"
#include "graph/graph.hpp"

namespace stackc::emit::kubernetes {
namespace {

using base::Code;
using model::Workload;

constexpr std::size_t kNameMax = 63;     // DNS-1123 label: Services, label values, ...
constexpr std::size_t kCronJobMax = 52;  // CronJob names leave room for the Job suffix

// What every workload's lowering reads: made once per environment, then shared (read-only) by the
// threads that lower the workloads.
struct Shared {
  std::vector<monitoring::ConfigMap> configs;
  std::map<std::string, int> waves;
  std::unordered_map<std::string, std::vector<std::string>> dependents;  // workload -> who needs it
  std::unordered_map<std::string, const Workload*> by_name;
};

class Lowering {
 public:
  Lowering(const model::Model& m, const model::Environment& e, const std::string& source,
           base::Sink& sink, std::size_t parallel_from, const Stream* stream = nullptr,
           bool first_env = false)
      : m_(m),
        e_(e),
        source_(source),
        sink_(sink),
        instance_(m.stack.name + "-" + e.name),
        parallel_from_(parallel_from),
        stream_(stream),
        print_(stream && stream->print && selected(stream->envs, e.name)),
        hook_(stream && first_env && stream->on_workload),
        own_(std::make_unique<Shared>()),
        configs_(own_->configs),
        waves_(own_->waves),
        dependents_(own_->dependents),
        by_name_(own_->by_name) {}

  // A worker for some of the workloads: shares the parent's state, has its own objects and
  // diagnostics.
  Lowering(Lowering& parent, base::Sink& sink)
      : m_(parent.m_),
        e_(parent.e_),
        source_(parent.source_),
        sink_(sink),
        instance_(parent.instance_),
        parallel_from_(parent.parallel_from_),
        stream_(parent.stream_),
        print_(parent.print_),
        hook_(parent.hook_),
        files_(parent.files_),
        configs_(parent.configs_),
        waves_(parent.waves_),
        dependents_(parent.dependents_),
        by_name_(parent.by_name_) {}

  std::vector<Object> run() {
    // The monitoring stack's configuration files (read by the workloads that mount them only)
    // are made meanwhile on a second thread when the environment is large.
    DocArena* scope = DocArena::current();
    std::thread configs;
    std::exception_ptr configs_failed;
    if (e_.workloads.size() >= parallel_from_ && scope != nullptr) {
      Arena& arena = scope->spawn();
      configs = std::thread([this, &arena, &configs_failed] {
        UseArena use(arena);
        try {
          configs_ = monitoring::config_maps(m_, e_, source_);
        } catch (...) {
          configs_failed = std::current_exception();
        }
      });
    } else {
      configs_ = monitoring::config_maps(m_, e_, source_);
    }
    struct Joins {  // also when what follows throws
      std::thread& t;
      ~Joins() {
        if (t.joinable()) t.join();
      }
    } joins{configs};
    check_name(instance_, kNameMax, e_.span, "the label app.kubernetes.io/instance");
    // Sync waves: a workload syncs after everything it depends on (Argo CD applies lower waves
    // first and waits for them to be healthy).
    auto g = graph::Graph::of(e_);
    std::vector<std::vector<std::size_t>> deps(g.nodes().size());
    for (const auto& edge : g.edges()) {
      deps[edge.from].push_back(edge.to);
      // Prometheus reaches what it scrapes through the metrics rule of each policy.
      if (edge.why != "scrapes") dependents_[g.nodes()[edge.to]].push_back(g.nodes()[edge.from]);
    }
    std::vector<int> wave(g.nodes().size(), 0);
    for (std::size_t i : g.order()) {
      for (std::size_t d : deps[i]) wave[i] = std::max(wave[i], wave[d] + 1);
      waves_[g.nodes()[i]] = wave[i];
    }
    for (const auto& w : e_.workloads) by_name_.emplace(w.name, &w);
    // A versioned workload by its own name (`reviews`): its first version, which stands for what
    // they share (ports, the Service).
    for (const auto& w : e_.workloads)
      if (w.group_head) by_name_.emplace(w.group, &w);
    namespace_object();
    secrets();
    if (configs.joinable()) configs.join();
    if (configs_failed) std::rethrow_exception(configs_failed);
    workloads();
    velero_schedules();
    return std::move(objects_);
  }

  // After run(): the monitoring stack's configuration files it mounted.
  std::vector<monitoring::ConfigMap> take_configs() { return std::move(configs_); }
  // After run(): what the stream's on_workload appended, in workload order (what each thread left
  // in memory in a block its size).
  std::vector<SpooledText> take_workload_text() {
    for (auto& t : workload_text_) t.end();
    return std::move(workload_text_);
  }

 private:
  const model::Model& m_;
  const model::Environment& e_;
  const std::string& source_;
  base::Sink& sink_;
  std::string instance_;
  std::size_t parallel_from_;
  const Stream* stream_;
  bool print_, hook_;
  bool files_ = false;                      // the workloads' files go to stream_->put (see Stream)
  std::vector<SpooledText> workload_text_;  // one part per thread (see Stream::on_workload)
  std::unique_ptr<Shared> own_;             // null in a worker
  std::vector<monitoring::ConfigMap>& configs_;
  std::map<std::string, int>& waves_;
  std::unordered_map<std::string, std::vector<std::string>>& dependents_;
  std::unordered_map<std::string, const Workload*>& by_name_;
  std::vector<Object> objects_;
  mutable const Workload* labels_of_ = nullptr;
  mutable Doc labels_;

  // Every workload's objects, in the order of the workloads. From `parallel_from_` workloads on,
  // they are lowered on two threads (in turns, or with on_workload in halves; the second thread
  // into an arena of the build's DocArena), and the objects and diagnostics are put back in the
  // order of the workloads: the result is the same as in one thread.
  void workloads() {
    const auto& ws = e_.workloads;
    DocArena* scope = DocArena::current();
    if (hook_) start_text();
    files_ = stream_ && stream_->put && stream_->drop_docs && print_ && own_;
    if (files_) {
      // One file per workload, beside those of the objects made so far (the namespace's and the
      // secrets'); a workload named like another file's component would share its file.
      std::set<std::string_view> before;
      for (const auto& o : objects_) before.insert(o.component);
      for (const auto& w : ws) {
        bool backup = false;
        for (const auto& b : e_.backups) backup |= w.name == "backup-" + b.name;
        if (before.count(w.name) || backup) files_ = false;
      }
    }
    if (ws.size() < parallel_from_ || ws.size() < 2 || scope == nullptr) {
      for (const auto& w : ws) lower_workload(w);
      return;
    }
    if (!hook_) {
      in_turns(ws, *scope);
      return;
    }
    // With on_workload, each thread sets its text aside in one piece (a spool of its own), so
    // each takes one half.
    const std::size_t half = ws.size() / 2;
    base::Collector worker_sink;
    Lowering worker(*this, worker_sink);
    Arena& arena = scope->spawn();
    std::exception_ptr failed, worker_failed;
    std::thread other([&] {
      UseArena use(arena);
      try {
        if (worker.hook_) worker.start_text();
        for (std::size_t i = half; i < ws.size(); ++i) worker.lower_workload(ws[i]);
      } catch (...) {
        worker_failed = std::current_exception();
      }
    });
    try {
      for (std::size_t i = 0; i < half; ++i) lower_workload(ws[i]);
    } catch (...) {
      failed = std::current_exception();
    }
    other.join();
    if (failed) std::rethrow_exception(failed);
    if (worker_failed) std::rethrow_exception(worker_failed);
    for (const auto& d : worker_sink.all()) sink_.report(d);
    objects_.reserve(objects_.size() + worker.objects_.size());
    for (auto& o : worker.objects_) objects_.push_back(std::move(o));
    for (auto& t : worker.workload_text_) workload_text_.push_back(std::move(t));
  }

  // Two threads take the workloads a few at a time, in turns, so that neither waits long for the
  // other at the end. Each lowers into a worker of its own (the second into an arena of the
  // build's DocArena); the objects and diagnostics of each turn are then put back in the order
  // of the workloads: the result is the same as in one thread.
  void in_turns(const std::vector<Workload>& ws, DocArena& scope) {
    constexpr std::size_t kTurn = 16;
    const std::size_t turns = (ws.size() + kTurn - 1) / kTurn;
    base::Collector sinks[2];
    Lowering first(*this, sinks[0]), second(*this, sinks[1]);
    Lowering* by[2] = {&first, &second};
    // Who lowered each turn, and where that worker's objects and diagnostics were after it.
    struct Turn {
      int by = 0;
      std::size_t objects_end = 0, diagnostics_end = 0;
    };
    std::vector<Turn> done(turns);
    std::atomic<std::size_t> next{0};
    auto work = [&](int me) {
      for (std::size_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < turns;) {
        const std::size_t end = std::min(ws.size(), (t + 1) * kTurn);
        for (std::size_t i = t * kTurn; i < end; ++i) by[me]->lower_workload(ws[i]);
        done[t] = {me, by[me]->objects_.size(), sinks[me].all().size()};
      }
    };
    Arena& arena = scope.spawn();
    std::exception_ptr failed, other_failed;
    std::thread other([&] {
      UseArena use(arena);
      try {
        work(1);
      } catch (...) {
        other_failed = std::current_exception();
      }
    });
    try {
      work(0);
    } catch (...) {
      failed = std::current_exception();
    }
    other.join();
    if (failed) std::rethrow_exception(failed);
    if (other_failed) std::rethrow_exception(other_failed);
    objects_.reserve(objects_.size() + first.objects_.size() + second.objects_.size());
    std::size_t objects_from[2] = {0, 0}, diagnostics_from[2] = {0, 0};
    for (const auto& t : done) {
      auto& objects = by[t.by]->objects_;
      for (std::size_t i = objects_from[t.by]; i < t.objects_end; ++i)
        objects_.push_back(std::move(objects[i]));
      const auto& diagnostics = sinks[t.by].all();
      for (std::size_t i = diagnostics_from[t.by]; i < t.diagnostics_end; ++i)
        sink_.report(diagnostics[i]);
      objects_from[t.by] = t.objects_end;
      diagnostics_from[t.by] = t.diagnostics_end;
    }
  }

  // A workload's objects, then what the stream does with them (see Stream).
  void lower_workload(const Workload& w) {
    const std::size_t from = objects_.size();
    workload(w);
    if (stream_ == nullptr) return;
    if (print_)
      for (std::size_t i = from; i < objects_.size(); ++i) print_object(objects_[i], e_.ns);
    if (hook_) {
      stream_->on_workload(w, objects_.data() + from, objects_.size() - from,
                           workload_text_.back().rest);
      workload_text_.back().spill();
    }
    if (stream_->drop_docs)
      for (std::size_t i = from; i < objects_.size(); ++i)
        if (!keeps_doc(objects_[i])) objects_[i].doc = Doc();
    if (!files_) return;
    std::vector<const Object*> objs;
    for (std::size_t i = from; i < objects_.size(); ++i) objs.push_back(&objects_[i]);
    Output out;
    if (stream_->kubernetes_files)
      add_file(out, manifest_path(e_.name, w.name), stream_->head, objs, nullptr);
    if (stream_->kustomize_files)
      add_file(out, kustomize_base_path(w.name), stream_->head, objs, &e_.ns);
    for (const auto& f : out.files) stream_->put(f);
    for (std::size_t i = from; i < objects_.size(); ++i) {
      objects_[i].written = true;
      std::string().swap(objects_[i].yaml);
    }
  }

  // This thread's part of what on_workload appends, set aside by a spool of its own.
  void start_text() {
    workload_text_.emplace_back();
    workload_text_.back().make_spool = stream_->spool;
  }

  int wave_of(const std::string& name) const {
    auto it = waves_.find(name);
    return it == waves_.end() ? 0 : it->second;
  }

  // The workload's environment plus the connection settings of every dependency that serves
  // something (`DB_HOST`, `DB_PORT` for `needs = [db]`), unless the workload sets them itself.
  std::vector<model::EnvVar> env_of(const Workload& w) const {
    return model::env_with_connections(w, [&](const std::string& name) {
      const Workload* t = find(name);
      return t && !t->ports.empty();
    });
  }

  void check_name(const std::string& name, std::size_t max, base::Span at,
                  const std::string& what) {
    if (name.size() <= max) return;
    sink_.report(base::make(Code::E4001, at,
                            fmt::format("{} `{}` would be {} characters; Kubernetes allows {}",
                                        what, name, name.size(), max),
                            fmt::format("shorten the name by {} characters", name.size() - max)));
  }

  Doc common_labels() const {
    Doc l = Doc::object();
    l["app.kubernetes.io/part-of"] = m_.stack.name;
    l["app.kubernetes.io/managed-by"] = "stackc";
    for (const auto& [k, v] : m_.stack.labels) l[k] = v;
    return l;
  }

  // The labels that select a workload's pods. A version's are its workload's (`reviews`) and
  // `version: v1`; the Service's (group_selector) leave the version out and select them all.
  Doc selector(const Workload& w) const {
    Doc s = group_selector(w);
    if (!w.group.empty()) s["version"] = w.version;
    return s;
  }

  Doc group_selector(const Workload& w) const {
    Doc s = Doc::object();
    s["app.kubernetes.io/name"] = w.group.empty() ? w.name : w.group;
    s["app.kubernetes.io/instance"] = instance_;
    return s;
  }

  // The labels of what the versions of a workload share (its Service, Ingress and
  // ServiceAccount): the workload's without a version's own (`version`, and the
  // `app.kubernetes.io/version` of its image). A workload without versions: its labels.
  Doc group_labels(const Workload& w) const {
    if (w.group.empty()) return labels(w);
    Doc l = group_selector(w);
    l["app.kubernetes.io/component"] = model::kind_name(w.kind);
    const Doc common = common_labels();
    for (const auto& [k, v] : common.items()) l[k] = v;
    return l;
  }

  // A workload's labels, made once per workload (every object of it carries them): the last
  // workload's are kept (each thread lowers one workload at a time, with its own Lowering).
  Doc labels(const Workload& w) const {
    if (labels_of_ != &w) {
      Doc l = selector(w);
      // The version of what the workload runs: its own image's tag (the stack's version for
      // the stack's own images), so a new stack version relabels only those workloads.
      if (std::string v = image_version(m_, w.image); !v.empty())
        l["app.kubernetes.io/version"] = std::move(v);
      l["app.kubernetes.io/component"] = model::kind_name(w.kind);
      const Doc common = common_labels();
      for (const auto& [k, v] : common.items()) l[k] = v;
      labels_ = std::move(l);
      labels_of_ = &w;
    }
    return labels_;
  }

  // The labels and annotations `object KIND { ... }` gives one of the workload's own objects,
  // after stackc's (language.md §5.12).
  static void object_meta(Doc& md, const model::Workload::ObjectMeta& o) {
    for (const auto& [k, v] : o.labels) md["labels"][k] = v;
    for (const auto& [k, v] : o.annotations) md["annotations"][k] = v;
  }

  Doc meta(const std::string& name, const Doc& labels) const {
    Doc md = Doc::object();
    md["name"] = name;
    md["namespace"] = e_.ns;
    md["labels"] = labels;
    return md;
  }

  // apiVersion, kind and metadata: how every object starts.
  static Doc object(const char* api, const char* kind, Doc metadata) {
    Doc d;
    d["apiVersion"] = api;
    d["kind"] = kind;
    d["metadata"] = std::move(metadata);
    return d;
  }

  void add(const std::string& component, Doc d, bool raw = false) {
    objects_.push_back({component, std::move(d), raw});
  }

  void namespace_object() {
    Doc d;
    d["apiVersion"] = "v1";
    d["kind"] = "Namespace";
    d["metadata"]["name"] = e_.ns;
    Doc l = common_labels();
    // The Pod Security Standard every workload is built to: "restricted", or the lowest level that
    // admits the workloads' exceptions (targets.md §5.4), with the cluster still warning and
    // auditing at "restricted".
    const check::PodSecurity level = check::namespace_level(e_);
    l["pod-security.kubernetes.io/enforce"] = std::string(check::pod_security_name(level));
    l["pod-security.kubernetes.io/enforce-version"] = "v1.32";
    if (level != check::PodSecurity::Restricted) {
      l["pod-security.kubernetes.io/warn"] = "restricted";
      l["pod-security.kubernetes.io/warn-version"] = "v1.32";
      l["pod-security.kubernetes.io/audit"] = "restricted";
      l["pod-security.kubernetes.io/audit-version"] = "v1.32";
    }
    d["metadata"]["labels"] = l;
    add("namespace", std::move(d));
    // Nothing talks to anything the graph does not declare: deny all, then allow per workload.
    Doc deny =
        object("networking.k8s.io/v1", "NetworkPolicy", meta("default-deny", common_labels()));
    deny["spec"]["podSelector"] = Doc::object();
    deny["spec"]["policyTypes"] = Doc::array({"Ingress", "Egress"});
    add("namespace", std::move(deny));
  }

  // The pod ports clients reach (the containers' ports: a NetworkPolicy sees the traffic after
  // the Service has translated its port), or with `metrics` the ports Prometheus scrapes.
  static Doc port_list(const Workload& w, bool metrics = false) {
    Doc ports = Doc::array();
    for (const auto& p : w.ports) {
      if (metrics && !w.metrics_port.empty() && p.name != w.metrics_port) continue;
      if (metrics && (w.metrics.empty() || p.protocol != "TCP")) continue;
      Doc pd;
      pd["protocol"] = p.protocol;
      pd["port"] = p.container();
      ports.push_back(std::move(pd));
    }
    if (metrics && w.exporter) {
      Doc pd;
      pd["protocol"] = "TCP";
      pd["port"] = w.exporter->port;
      ports.push_back(std::move(pd));
    }
    return ports;
  }

  // The NetworkPolicy peers of traffic from outside the namespace (targets.md §5.6): an ingress
  // controller's pods, networks, or anywhere (every IPv4 and IPv6 address).
  static Doc peers(const model::Peer& p) {
    Doc out = Doc::array();
    auto block = [&](const std::string& cidr) {
      Doc peer;
      peer["ipBlock"]["cidr"] = cidr;
      out.push_back(std::move(peer));
    };
    switch (p.kind) {
      case model::Peer::Kind::None:
        break;
      case model::Peer::Kind::Pods: {
        Doc peer;
        peer["namespaceSelector"] = Doc::object();
        if (!p.ns.empty())
          peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] = p.ns;
        if (!p.pods.empty())
          for (const auto& [k, v] : p.pods) peer["podSelector"]["matchLabels"][k] = v;
        out.push_back(std::move(peer));
        break;
      }
      case model::Peer::Kind::Networks:
        for (const auto& c : p.cidrs) block(c);
        break;
      case model::Peer::Kind::Anywhere:
        block("0.0.0.0/0");
        block("::/0");
        break;
    }
    return out;
  }

  Doc pods(const Workload& w) const {
    Doc p;
    p["podSelector"]["matchLabels"] = selector(w);
    return p;
  }

  // The pods a dependency's `name` reaches: a versioned workload's are those of every version.
  Doc pods_named(const std::string& name, const Workload& t) const {
    if (t.group.empty() || name != t.group) return pods(t);
    Doc p;
    p["podSelector"]["matchLabels"] = group_selector(t);
    return p;
  }

  // The workload's NetworkPolicy: ingress from exactly its dependents (on its ports), from its
  // own replicas for statefuls, from the ingress controller when it has an ingress, from
  // Prometheus when it exports metrics; egress to its dependencies (on their ports) and to DNS.
  void network_policy(const Workload& w) {
    Doc ingress = Doc::array();
    Doc egress = Doc::array();
    std::vector<const Workload*> dependents;
    if (auto it = dependents_.find(w.name); it != dependents_.end())
      for (const auto& name : it->second)
        if (const Workload* d = find(name); d && d != &w) dependents.push_back(d);
    Doc ports = port_list(w);
    if (!ports.empty()) {
      if (!dependents.empty()) {
        Doc rule;
        Doc from = Doc::array();
        for (const auto* d : dependents) from.push_back(pods(*d));
        rule["from"] = std::move(from);
        rule["ports"] = ports;
        ingress.push_back(std::move(rule));
      }
      if (w.kind == Workload::Kind::Stateful && w.replicas_max > 1) {
        Doc rule;
        rule["from"] = Doc::array({pods(w)});
        rule["ports"] = ports;
        ingress.push_back(std::move(rule));
      }
      if (w.ingress) {
        // The controller reaches the one port the Ingress routes to.
        const std::string& name = w.ingress->port.empty() ? w.ports.front().name : w.ingress->port;
        Doc routed = Doc::array();
        for (const auto& p : w.ports)
          if (p.name == name) {
            Doc pd;
            pd["protocol"] = p.protocol;
            pd["port"] = p.container();
            routed.push_back(std::move(pd));
          }
        if (Doc from = peers(w.ingress->controller); !from.empty() && !routed.empty()) {
          Doc rule;
          rule["from"] = std::move(from);
          rule["ports"] = std::move(routed);
          ingress.push_back(std::move(rule));
        }
      }
      // A Service exposed outside the cluster: from its source ranges (the client addresses,
      // kept by `externalTrafficPolicy: Local`), else from anywhere.
      if (w.expose != "cluster") {
        model::Peer outside;
        outside.kind =
            w.source_ranges.empty() ? model::Peer::Kind::Anywhere : model::Peer::Kind::Networks;
        outside.cidrs = w.source_ranges;
        Doc rule;
        rule["from"] = peers(outside);
        rule["ports"] = ports;
        ingress.push_back(std::move(rule));
      }
    }
    if (Doc scraped = port_list(w, true); !scraped.empty()) {
      Doc rule, peer;
      peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] = "prometheus";
      rule["from"] = Doc::array({peer});
      rule["ports"] = std::move(scraped);
      ingress.push_back(std::move(rule));
    }
    std::set<std::string> seen;
    auto to = [&](const std::string& name) {
      const Workload* t = find(name);
      if (!t || !seen.insert(name).second) return;
      Doc tp = port_list(*t);
      if (tp.empty()) return;  // a dependency that serves nothing takes no traffic
      Doc rule;
      rule["to"] = Doc::array({pods_named(name, *t)});
      rule["ports"] = std::move(tp);
      egress.push_back(std::move(rule));
    };
    for (const auto& d : w.needs) to(d.name);
    for (const auto& v : w.env)
      if (v.kind == model::EnvVar::Kind::Ref) to(v.ref_target);
    for (const auto& r : w.refs) to(r.target);  // `${W.host}` in a string
    // Prometheus: to the metrics ports of what it scrapes, one rule per set of ports (the
    // workloads sharing it named in one selector, so the policy stays small in large stacks).
    {
      std::vector<std::pair<Doc, std::vector<const Workload*>>> by_ports;
      for (const auto& d : w.scrapes) {
        const Workload* t = find(d.name);
        if (!t) continue;
        Doc tp = port_list(*t, true);
        if (tp.empty()) continue;
        auto it = std::find_if(by_ports.begin(), by_ports.end(),
                               [&](const auto& g) { return g.first == tp; });
        if (it == by_ports.end())
          by_ports.push_back({std::move(tp), {t}});
        else
          it->second.push_back(t);
      }
      for (auto& [ports, targets] : by_ports) {
        Doc rule, peer;
        if (targets.size() == 1) {
          peer = pods(*targets.front());
        } else {
          peer["podSelector"]["matchLabels"]["app.kubernetes.io/instance"] = instance_;
          Doc in;
          in["key"] = "app.kubernetes.io/name";
          in["operator"] = "In";
          // (The versions of a workload share its name label and their metrics ports.)
          Doc names = Doc::array();
          std::set<std::string> named;
          for (const auto* t : targets)
            if (const auto& n = t->group.empty() ? t->name : t->group; named.insert(n).second)
              names.push_back(n);
          in["values"] = std::move(names);
          peer["podSelector"]["matchExpressions"] = Doc::array({in});
        }
        rule["to"] = Doc::array({peer});
        rule["ports"] = std::move(ports);
        egress.push_back(std::move(rule));
      }
    }
    // The exceptions the .stack file names (`egress = ["CIDR:PORT"]`), one rule per network.
    {
      std::vector<std::string> cidrs;
      for (const auto& x : w.egress)
        if (std::find(cidrs.begin(), cidrs.end(), x.cidr) == cidrs.end()) cidrs.push_back(x.cidr);
      for (const auto& cidr : cidrs) {
        Doc rule, peer, ports = Doc::array();
        peer["ipBlock"]["cidr"] = cidr;
        for (const auto& x : w.egress) {
          if (x.cidr != cidr) continue;
          Doc pd;
          pd["protocol"] = "TCP";
          pd["port"] = x.port;
          ports.push_back(std::move(pd));
        }
        rule["to"] = Doc::array({peer});
        rule["ports"] = std::move(ports);
        egress.push_back(std::move(rule));
      }
    }
    if (w.kind == Workload::Kind::Stateful && w.replicas_max > 1 && !ports.empty()) {
      Doc rule;
      rule["to"] = Doc::array({pods(w)});
      rule["ports"] = ports;
      egress.push_back(std::move(rule));
    }
    Doc dns, peer, p53u, p53t;
    peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] = "kube-system";
    peer["podSelector"]["matchLabels"]["k8s-app"] = "kube-dns";
    dns["to"] = Doc::array({peer});
    p53u["protocol"] = "UDP";
    p53u["port"] = 53;
    p53t["protocol"] = "TCP";
    p53t["port"] = 53;
    dns["ports"] = Doc::array({p53u, p53t});
    egress.push_back(std::move(dns));
    Doc np = object("networking.k8s.io/v1", "NetworkPolicy", meta(w.name, labels(w)));
    np["spec"]["podSelector"]["matchLabels"] = selector(w);
    np["spec"]["policyTypes"] = Doc::array({"Ingress", "Egress"});
    if (!ingress.empty()) np["spec"]["ingress"] = std::move(ingress);
    np["spec"]["egress"] = std::move(egress);
    add(w.name, std::move(np));
  }

  // The secrets that workloads read, by name, with their keys.
  std::map<std::string, std::set<std::string>> used_secrets() const {
    std::map<std::string, std::set<std::string>> out;
    auto collect = [&](const std::vector<model::EnvVar>& env) {
      for (const auto& v : env)
        if (v.kind == model::EnvVar::Kind::Secret) out[v.secret.name].insert(v.secret.key);
    };
    for (const auto& w : e_.workloads) {
      collect(w.env);
      if (w.exporter) collect(w.exporter->env);
      for (const auto& x : w.init) collect(x.env);
      for (const auto& mt : w.mounts)
        if (mt.from == model::Mount::From::Secret)
          for (const auto& item : mt.items) out[mt.source].insert(item.first);
    }
    return out;
  }

  void secrets() {
    if (m_.secrets.backend != "vault") return;  // Kubernetes backend: Secrets are referenced only
    auto used = used_secrets();
    if (used.empty()) return;
    std::string mount = m_.secrets.path, prefix;
    if (auto slash = mount.find('/'); slash != std::string::npos) {
      prefix = mount.substr(slash + 1);
      mount = mount.substr(0, slash);
    }
    std::string store = m_.stack.name + "-vault";
    Doc ss = object("external-secrets.io/v1", "SecretStore", meta(store, common_labels()));
    Doc vault;
    vault["server"] = m_.secrets.address;
    vault["path"] = mount;
    vault["version"] = m_.secrets.version;
    vault["auth"]["kubernetes"]["mountPath"] = "kubernetes";
    vault["auth"]["kubernetes"]["role"] = m_.secrets.role;
    ss["spec"]["provider"]["vault"] = vault;
    add("secrets", std::move(ss));
    for (const auto& [name, keys] : used) {
      Doc es = object("external-secrets.io/v1", "ExternalSecret", meta(name, common_labels()));
      // A Go duration (External Secrets parses it with time.ParseDuration): no days.
      std::int64_t r = m_.secrets.refresh;
      es["spec"]["refreshInterval"] = r % 3600 == 0 ? fmt::format("{}h", r / 3600)
                                      : r % 60 == 0 ? fmt::format("{}m", r / 60)
                                                    : fmt::format("{}s", r);
      es["spec"]["secretStoreRef"]["name"] = store;
      es["spec"]["secretStoreRef"]["kind"] = "SecretStore";
      es["spec"]["target"]["name"] = name;
      es["spec"]["target"]["creationPolicy"] = "Owner";
      Doc data = Doc::array();
      for (const auto& k : keys) {
        Doc item;
        item["secretKey"] = k;
        item["remoteRef"]["key"] = prefix.empty() ? name : prefix + "/" + name;
        item["remoteRef"]["property"] = k;
        data.push_back(std::move(item));
      }
      es["spec"]["data"] = std::move(data);
      add("secrets", std::move(es));
    }
  }

  const Workload* find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : it->second;
  }

  std::string literal(const model::EnvVar& v) const {
    if (v.kind == model::EnvVar::Kind::Literal) return v.value;
    // A reference to another workload: its Service name, or its first port.
    const Workload* t = find(v.ref_target);
    if (v.ref_attr == "port")
      return t && !t->ports.empty() ? std::to_string(t->ports.front().number) : "";
    return v.ref_target;
  }

  // Whether an entry is written as a `value` of its own rather than read from the ConfigMap:
  // a literal that refers to other entries of the container as `$(NAME)`, which Kubernetes
  // expands only in a `value` (never in a ConfigMap's).
  static bool expands(const model::EnvVar& v, const std::set<std::string, std::less<>>& names) {
    return v.kind == model::EnvVar::Kind::Literal && !model::env_references(v.value, names).empty();
  }

  // Whether a container reads an entry from the workload's ConfigMap.
  static bool has_literal_env(const std::vector<model::EnvVar>& env) {
    const auto names = model::reference_names(env);
    return std::any_of(env.begin(), env.end(), [&](const model::EnvVar& v) {
      return v.kind != model::EnvVar::Kind::Secret && !expands(v, names);
    });
  }

  // `prefix`: of the ConfigMap keys of an init or sidecar container's entries (`NAME.`). The
  // entries are listed so that each comes after those its `$(NAME)` references name.
  Doc env_list(const std::vector<model::EnvVar>& env, const std::string& configmap,
               const std::string& prefix = {}) const {
    Doc list = Doc::array();
    const auto names = model::reference_names(env);
    for (const auto& v : model::in_expansion_order(env)) {
      Doc item;
      item["name"] = v.name;
      if (expands(v, names)) {
        item["value"] = v.value;
      } else if (v.kind == model::EnvVar::Kind::Secret) {
        item["valueFrom"]["secretKeyRef"]["name"] = v.secret.name;
        item["valueFrom"]["secretKeyRef"]["key"] = v.secret.key;
      } else {
        item["valueFrom"]["configMapKeyRef"]["name"] = configmap;
        item["valueFrom"]["configMapKeyRef"]["key"] = prefix + v.name;
      }
      list.push_back(std::move(item));
    }
    return list;
  }

  static Doc resources(const model::Resource& cpu, const model::Resource& mem) {
    Doc r;
    r["requests"]["cpu"] = check::format_cpu(cpu.request);
    r["requests"]["memory"] = check::format_bytes(mem.request);
    r["limits"]["cpu"] = check::format_cpu(cpu.limit);
    r["limits"]["memory"] = check::format_bytes(mem.limit);
    return r;
  }

  static Doc container_security(const Workload& w) {
    Doc s;
    s["allowPrivilegeEscalation"] = false;
    s["readOnlyRootFilesystem"] = !w.security.writable_root;
    s["runAsNonRoot"] = !w.security.run_as_root;
    s["capabilities"]["drop"] = Doc::array({"ALL"});
    if (!w.security.capabilities.empty()) {
      Doc add = Doc::array();
      for (const auto& c : w.security.capabilities) add.push_back(c.name);
      s["capabilities"]["add"] = std::move(add);
    }
    return s;
  }

  Doc probe(const model::Probe& p, const Workload& w) {
    auto port = [&]() -> Doc {
      if (p.kind == model::Probe::Kind::Exec) return Doc();
      // A gRPC probe takes only a number: a named port is looked up.
      const bool grpc = p.kind == model::Probe::Kind::Grpc;
      if (!p.port_name.empty()) {
        if (!grpc) return p.port_name;
        for (const auto& x : w.ports)
          if (x.name == p.port_name) return x.container();
        if (w.exporter && p.port_name == "metrics") return w.exporter->port;
      }
      if (p.port) return p.port;
      if (!w.ports.empty())
        return grpc ? Doc(w.ports.front().container()) : Doc(w.ports.front().name);
      sink_.report(base::make(
          Code::E4002, p.span,
          fmt::format("this probe needs a port, and `{}` declares none", w.name),
          "give the probe a port: `http(\"/healthz\", port = 8080)`, or declare `port NAME = N`"));
      return 0;
    };
    return probe_doc(p, port());
  }

  // `env`: the workload's environment with its connections (env_of).
  Doc main_container(const Workload& w, const std::vector<model::EnvVar>& env,
                     const std::string& configmap, Doc& volumes) {
    Doc c;
    c["name"] = w.group.empty() ? w.name : w.group;  // every version's is the workload's
    c["image"] = image_ref(m_, w.image);
    c["imagePullPolicy"] = "IfNotPresent";
    if (!w.command.empty()) c["command"] = w.command;
    if (!w.args.empty()) c["args"] = w.args;
    if (!w.working_dir.empty()) c["workingDir"] = w.working_dir;
    if (!w.ports.empty()) {
      Doc ports = Doc::array();
      for (const auto& p : w.ports) {
        Doc pd;
        pd["name"] = p.name;
        pd["containerPort"] = p.container();
        pd["protocol"] = p.protocol;
        ports.push_back(std::move(pd));
      }
      c["ports"] = std::move(ports);
    }
    if (!env.empty()) c["env"] = env_list(env, configmap);
    c["resources"] = resources(w.cpu, w.memory);
    if (w.liveness) c["livenessProbe"] = probe(*w.liveness, w);
    if (w.readiness) c["readinessProbe"] = probe(*w.readiness, w);
    if (w.startup) c["startupProbe"] = probe(*w.startup, w);
    if (w.pre_stop) c["lifecycle"]["preStop"] = hook_doc(*w.pre_stop);
    c["securityContext"] = container_security(w);
    Doc mounts = Doc::array();
    auto mount = [&](const std::string& name, const std::string& path) {
      Doc md;
      md["name"] = name;
      md["mountPath"] = path;
      mounts.push_back(std::move(md));
    };
    auto empty_dir = [&](const std::string& name) {
      Doc v;
      v["name"] = name;
      v["emptyDir"] = Doc::object();
      volumes.push_back(std::move(v));
    };
    // A `volume` mounted at /tmp (e.g. `medium = memory`) takes the place of stackc's own.
    const bool own_tmp = std::none_of(w.volumes.begin(), w.volumes.end(),
                                      [](const model::Volume& v) { return v.mount == "/tmp"; });
    if (!w.security.writable_root) {
      if (own_tmp) {
        mount("tmp", "/tmp");
        empty_dir("tmp");
      }
      int i = 0;
      for (const auto& p : w.security.writable_paths) {
        std::string name = fmt::format("writable-{}", i++);
        mount(name, p);
        empty_dir(name);
      }
    }
    if (w.kind == Workload::Kind::Stateful) mount("data", w.data_path);
    // The configuration files of the workloads stackc adds, from their ConfigMaps (read-only,
    // with items only where a file's path is not its key), then the model's own mounts.
    std::vector<model::Mount> all;
    for (const auto& c : configs_) {
      if (c.workload != w.name) continue;
      model::Mount mt;
      mt.name = mt.source = c.name;
      mt.path = c.mount;
      if (std::any_of(c.files.begin(), c.files.end(),
                      [](const monitoring::ConfigFile& f) { return !f.item.empty(); }))
        for (const auto& f : c.files) mt.items.emplace_back(f.key, f.item.empty() ? f.key : f.item);
      all.push_back(std::move(mt));
    }
    all.insert(all.end(), w.mounts.begin(), w.mounts.end());
    for (const auto& mt : all) {
      Doc md;
      md["name"] = mt.name;
      md["mountPath"] = mt.path;
      if (mt.read_only) md["readOnly"] = true;
      mounts.push_back(std::move(md));
      Doc vd;
      vd["name"] = mt.name;
      Doc items = Doc::array();
      for (const auto& [k, path] : mt.items) {
        Doc it;
        it["key"] = k;
        it["path"] = path;
        items.push_back(std::move(it));
      }
      switch (mt.from) {
        case model::Mount::From::ConfigMap:
          vd["configMap"]["name"] = mt.source;
          if (!items.empty()) vd["configMap"]["items"] = std::move(items);
          break;
        case model::Mount::From::Secret:
          vd["secret"]["secretName"] = mt.source;
          if (!items.empty()) vd["secret"]["items"] = std::move(items);
          break;
        case model::Mount::From::Claim:
          vd["persistentVolumeClaim"]["claimName"] = mt.source;
          break;
      }
      volumes.push_back(std::move(vd));
    }
    for (const auto& v : w.volumes) {
      mount(v.name, v.mount);
      if (!v.persistent) {
        Doc vd;
        vd["name"] = v.name;
        vd["emptyDir"] = Doc::object();
        if (v.memory) vd["emptyDir"]["medium"] = "Memory";
        if (v.size) vd["emptyDir"]["sizeLimit"] = check::format_bytes(v.size);
        volumes.push_back(std::move(vd));
      }
    }
    c["volumeMounts"] = std::move(mounts);
    return c;
  }

  Doc exporter_container(const Workload& w, const std::string& configmap) {
    const auto& x = *w.exporter;
    Doc c;
    c["name"] = "exporter";
    c["image"] = image_ref(m_, x.image);
    c["imagePullPolicy"] = "IfNotPresent";
    Doc port;
    port["name"] = "metrics";
    port["containerPort"] = x.port;
    port["protocol"] = "TCP";
    c["ports"] = Doc::array({port});
    if (!x.env.empty()) c["env"] = env_list(x.env, configmap);
    c["resources"] = resources(x.cpu, x.memory);
    Doc s;
    s["allowPrivilegeEscalation"] = false;
    s["readOnlyRootFilesystem"] = true;
    s["runAsNonRoot"] = true;
    // The pod runs as the image's user or group: the exporter keeps stackc's own.
    if (w.security.run_as_user == 0) s["runAsUser"] = 65532;
    if (w.security.run_as_group == 0) s["runAsGroup"] = 65532;
    s["capabilities"]["drop"] = Doc::array({"ALL"});
    c["securityContext"] = s;
    return c;
  }

  // An init or sidecar container: the main container's mounts and security context.
  Doc extra_container(const Workload& w, const model::Container& x, const std::string& configmap,
                      const Doc& mounts) const {
    Doc c;
    c["name"] = x.name;
    c["image"] = image_ref(m_, x.image);
    c["imagePullPolicy"] = "IfNotPresent";
    if (x.sidecar) c["restartPolicy"] = "Always";
    if (!x.command.empty()) c["command"] = x.command;
    if (!x.args.empty()) c["args"] = x.args;
    if (!x.working_dir.empty()) c["workingDir"] = x.working_dir;
    if (!x.env.empty()) c["env"] = env_list(x.env, configmap, x.name + ".");
    c["resources"] = resources(x.cpu, x.memory);
    c["securityContext"] = container_security(w);
    c["volumeMounts"] = mounts;
    return c;
  }

  // What the pods read at start, digested: the configuration files they mount (the workloads
  // stackc adds), the plain environment values of their ConfigMap and which secret keys they
  // read. A change of any rolls the pods; a change of another workload's never does.
  std::string digest(const Workload& w, const std::vector<model::EnvVar>& main_env) const {
    Digest h;
    bool any = false;
    for (const auto& c : configs_) {
      if (c.workload != w.name) continue;
      any = true;
      for (const auto& f : c.files)
        for (const std::string* part : {&f.key, &f.text}) h.add(*part);
    }
    auto env = [&](const std::vector<model::EnvVar>& vars, const std::string& prefix) {
      for (const auto& v : vars) {
        any = true;
        h.field(prefix + v.name);
        if (v.kind == model::EnvVar::Kind::Secret) {
          h.field("secret");
          h.field(v.secret.name);
          h.field(v.secret.key);
        } else {
          h.field(literal(v));
        }
      }
    };
    env(main_env, "");
    if (w.exporter) env(w.exporter->env, "");
    for (const auto& x : w.init) env(x.env, x.name + ".");
    for (const auto& mt : w.mounts) {  // Secrets it mounts: which keys, from which Secret
      if (mt.from != model::Mount::From::Secret) continue;
      any = true;
      h.field("mount");
      h.field(mt.source);
      for (const auto& [k, path] : mt.items) h.field(k);
    }
    return any ? h.hex() : std::string();
  }

  // The ServiceAccount the pods run as, and whether this workload makes it: its own, or a shared
  // one made by the first workload of the environment that names it.
  std::pair<std::string, bool> service_account(const Workload& w) const {
    if (w.service_account.empty() || w.service_account == w.name) return {w.name, true};
    for (const auto& o : e_.workloads)
      if (o.service_account == w.service_account) return {w.service_account, &o == &w};
    return {w.service_account, true};
  }

  Doc pod_template(const Workload& w, const std::vector<model::EnvVar>& env,
                   const std::string& configmap, bool job) {
    Doc t;
    t["metadata"]["labels"] = labels(w);
    for (const auto& [k, v] : w.pod_labels) t["metadata"]["labels"][k] = v;
    for (const auto& [k, v] : w.pod_annotations) t["metadata"]["annotations"][k] = v;
    // A digest of what the pods read at start: a change of it rolls the pods, so the programs
    // never run on stale configuration.
    if (auto h = digest(w, env); !h.empty())
      t["metadata"]["annotations"]["stackc.dev/config-digest"] = h;
    Doc spec;
    spec["serviceAccountName"] = service_account(w).first;
    spec["automountServiceAccountToken"] = w.security.service_account_token;
    Doc sc;
    sc["runAsNonRoot"] = !w.security.run_as_root;
    // 0: the image's own (`image`, or `run_as_root`).
    if (w.security.run_as_user != 0) sc["runAsUser"] = w.security.run_as_user;
    if (w.security.run_as_group != 0) sc["runAsGroup"] = w.security.run_as_group;
    if (w.security.fs_group) sc["fsGroup"] = w.security.fs_group;
    sc["seccompProfile"]["type"] = "RuntimeDefault";
    spec["securityContext"] = sc;
    if (job) spec["restartPolicy"] = "Never";
    if (w.grace) spec["terminationGracePeriodSeconds"] = *w.grace;
    if (!w.node_selector.empty()) {
      Doc nodes = Doc::object();
      for (const auto& [k, v] : w.node_selector) nodes[k] = v;
      spec["nodeSelector"] = std::move(nodes);
    }
    if (w.spread == "nodes") {
      // Never two replicas on one node: what the capacity check packs with.
      Doc term;
      term["labelSelector"]["matchLabels"] = selector(w);
      term["topologyKey"] = "kubernetes.io/hostname";
      spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] =
          Doc::array({term});
    } else if (w.spread == "zones") {
      Doc c;
      c["maxSkew"] = 1;
      c["topologyKey"] = "topology.kubernetes.io/zone";
      c["whenUnsatisfiable"] = "DoNotSchedule";
      c["labelSelector"]["matchLabels"] = selector(w);
      spec["topologySpreadConstraints"] = Doc::array({c});
    }
    Doc volumes = Doc::array();
    Doc containers = Doc::array();
    containers.push_back(main_container(w, env, configmap, volumes));
    if (!w.init.empty()) {
      Doc init = Doc::array();
      for (const auto& x : w.init)
        init.push_back(extra_container(w, x, configmap, containers.front()["volumeMounts"]));
      spec["initContainers"] = std::move(init);
    }
    if (w.exporter) containers.push_back(exporter_container(w, configmap));
    spec["containers"] = std::move(containers);
    if (!volumes.empty()) spec["volumes"] = std::move(volumes);
    t["spec"] = std::move(spec);
    return t;
  }

  void workload(const Workload& w) {
    const std::string& n = w.name;
    check_name(n, w.kind == Workload::Kind::Cron ? kCronJobMax : kNameMax, w.span,
               w.kind == Workload::Kind::Cron ? "the CronJob name" : "the name");
    // ServiceAccount: one per workload, without a token unless asked; a shared one
    // (`service_account`) is made by the first workload that names it.
    if (auto [name, makes] = service_account(w); makes) {
      // A version's: what the versions share, without the version's own labels.
      Doc sa =
          object("v1", "ServiceAccount", meta(name, w.group.empty() ? labels(w) : group_labels(w)));
      // With those of the workloads that share it (check::settle_objects).
      object_meta(sa["metadata"], w.account_meta);
      sa["automountServiceAccountToken"] = w.security.service_account_token;
      add(n, std::move(sa));
    }
    // ConfigMap: the plain environment values.
    std::string configmap = n + "-env";
    const auto main_env = env_of(w);
    std::vector<const std::vector<model::EnvVar>*> envs{&main_env};
    if (w.exporter) envs.push_back(&w.exporter->env);
    bool any_literal = false;
    for (auto* env : envs) any_literal |= has_literal_env(*env);
    for (const auto& x : w.init) any_literal |= has_literal_env(x.env);
    if (any_literal) {
      Doc cm = object("v1", "ConfigMap", meta(configmap, labels(w)));
      Doc data = Doc::object();
      for (auto* env : envs) {
        const auto names = model::reference_names(*env);
        for (const auto& v : *env)
          if (v.kind != model::EnvVar::Kind::Secret && !expands(v, names))
            data[v.name] = literal(v);
      }
      // An init or sidecar container's entries, under `CONTAINER.NAME`.
      for (const auto& x : w.init) {
        const auto names = model::reference_names(x.env);
        for (const auto& v : x.env)
          if (v.kind != model::EnvVar::Kind::Secret && !expands(v, names))
            data[x.name + "." + v.name] = literal(v);
      }
      cm["data"] = std::move(data);
      add(n, std::move(cm));
    }
    system_objects(w);
    bool job = w.kind == Workload::Kind::Job || w.kind == Workload::Kind::Cron;
    // Services: a ClusterIP Service for workloads with ports; statefuls also get a headless one.
    // The versions of a workload share one, named after it, which their first makes.
    if (!job && !w.ports.empty() && (w.group.empty() || w.group_head)) {
      service(w, w.group.empty() ? n : w.group, false);
      if (w.kind == Workload::Kind::Stateful) {
        check_name(n + "-headless", kNameMax, w.span, "the headless Service name");
        service(w, n + "-headless", true);
      }
    }
    Doc d;
    switch (w.kind) {
      case Workload::Kind::Service:
      case Workload::Kind::Worker: {
        d = object("apps/v1", "Deployment", meta(n, labels(w)));
        if (!w.autoscaled()) d["spec"]["replicas"] = w.replicas_min;
        d["spec"]["revisionHistoryLimit"] = 5;
        d["spec"]["selector"]["matchLabels"] = selector(w);
        d["spec"]["template"] = pod_template(w, main_env, configmap, false);
        break;
      }
      case Workload::Kind::Stateful: {
        d = object("apps/v1", "StatefulSet", meta(n, labels(w)));
        if (!w.autoscaled()) d["spec"]["replicas"] = w.replicas_min;
        d["spec"]["serviceName"] = n + "-headless";
        d["spec"]["selector"]["matchLabels"] = selector(w);
        d["spec"]["template"] = pod_template(w, main_env, configmap, false);
        Doc claims = Doc::array();
        auto claim = [&](const std::string& name, std::int64_t size) {
          Doc c;
          c["metadata"]["name"] = name;
          c["spec"]["accessModes"] = Doc::array({"ReadWriteOnce"});
          if (const auto* cl = m_.cluster(e_.cluster); cl && !cl->storage_class.empty())
            c["spec"]["storageClassName"] = cl->storage_class;
          c["spec"]["resources"]["requests"]["storage"] = check::format_bytes(size);
          claims.push_back(std::move(c));
        };
        claim("data", w.storage);
        for (const auto& v : w.volumes)
          if (v.persistent) claim(v.name, v.size);
        d["spec"]["volumeClaimTemplates"] = std::move(claims);
        break;
      }
      case Workload::Kind::Job: {
        d = object("batch/v1", "Job", meta(n, labels(w)));
        d["spec"]["backoffLimit"] = w.retries;
        if (w.timeout) d["spec"]["activeDeadlineSeconds"] = w.timeout;
        d["spec"]["template"] = pod_template(w, main_env, configmap, true);
        break;
      }
      case Workload::Kind::Cron: {
        d = object("batch/v1", "CronJob", meta(n, labels(w)));
        d["spec"]["schedule"] = w.schedule;
        d["spec"]["concurrencyPolicy"] = "Forbid";
        d["spec"]["successfulJobsHistoryLimit"] = 3;
        d["spec"]["failedJobsHistoryLimit"] = 3;
        Doc jt;
        jt["metadata"]["labels"] = labels(w);
        jt["spec"]["backoffLimit"] = w.retries;
        if (w.timeout) jt["spec"]["activeDeadlineSeconds"] = w.timeout;
        jt["spec"]["template"] = pod_template(w, main_env, configmap, true);
        d["spec"]["jobTemplate"] = std::move(jt);
        break;
      }
    }
    object_meta(d["metadata"], w.controller_meta);
    d["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] = std::to_string(wave_of(n));
    add(n, std::move(d));
    network_policy(w);
    if (job) return;
    if (w.autoscaled()) hpa(w);
    if (w.replicas_max > 1) pdb(w);
    if (w.ingress && (w.group.empty() || w.group_head)) ingress(w);
  }

  // What the workloads stackc adds need besides the usual objects: their configuration files,
  // the API access of Prometheus and the log collector, the volume of a backup.
  void system_objects(const Workload& w) {
    if (w.role.empty()) return;
    for (const auto& c : configs_) {
      if (c.workload != w.name) continue;
      if (c.size() > monitoring::kConfigMapMax) {
        const auto& big = *std::max_element(
            c.files.begin(), c.files.end(),
            [](const auto& a, const auto& b) { return a.text.size() < b.text.size(); });
        sink_.report(base::make(
            Code::E4003, w.span,
            fmt::format("`{}` of `{}` in environment `{}` would be {} bytes; one ConfigMap holds "
                        "at most {}",
                        big.path, w.name, e_.name, big.text.size(), monitoring::kConfigMapMax),
            "make it smaller: fewer metrics per workload or per `dashboard`, fewer or shorter "
            "alerts"));
      }
      Doc cm = object("v1", "ConfigMap", meta(c.name, labels(w)));
      Doc data = Doc::object();
      for (const auto& f : c.files) data[f.key] = f.text;
      cm["data"] = std::move(data);
      add(w.name, std::move(cm), true);
    }
    auto rule = [](std::vector<std::string> groups, std::vector<std::string> resources) {
      Doc r;
      r["apiGroups"] = groups;
      r["resources"] = resources;
      r["verbs"] = Doc::array({"get", "list", "watch"});
      return r;
    };
    auto bind = [&](const char* kind, const std::string& name, Doc rules) {
      const bool cluster = kind[0] == 'C';
      Doc md = cluster ? Doc::object() : meta(name, labels(w));
      if (cluster) {
        md["name"] = name;
        md["labels"] = labels(w);
      }
      Doc role = object("rbac.authorization.k8s.io/v1", kind, md);
      role["rules"] = std::move(rules);
      add(w.name, std::move(role), true);
      Doc b = object("rbac.authorization.k8s.io/v1", cluster ? "ClusterRoleBinding" : "RoleBinding",
                     md);
      b["roleRef"]["apiGroup"] = "rbac.authorization.k8s.io";
      b["roleRef"]["kind"] = kind;
      b["roleRef"]["name"] = name;
      Doc subject;
      subject["kind"] = "ServiceAccount";
      subject["name"] = w.name;
      subject["namespace"] = e_.ns;
      b["subjects"] = Doc::array({subject});
      add(w.name, std::move(b), true);
    };
    if (w.role == "prometheus") {
      // Service discovery in the namespace; the kubelet's metrics through the API server proxy
      // (nodes are cluster-wide, so that part is a ClusterRole named after the namespace).
      bind("Role", w.name, Doc::array({rule({""}, {"pods", "services", "endpoints"})}));
      check_name(e_.ns + "-" + w.name, 253, w.span, "the ClusterRole name");
      bind("ClusterRole", e_.ns + "-" + w.name,
           Doc::array({rule({""}, {"nodes", "nodes/proxy", "nodes/metrics"})}));
    } else if (w.role == "log-collector") {
      bind("Role", w.name, Doc::array({rule({""}, {"pods", "pods/log"})}));
    }
    for (const auto& mt : w.mounts) {
      if (mt.from != model::Mount::From::Claim) continue;
      const model::Backup* b = nullptr;
      for (const auto& x : e_.backups)
        if (x.job == w.name) b = &x;
      Doc pvc = object("v1", "PersistentVolumeClaim", meta(mt.source, labels(w)));
      pvc["spec"]["accessModes"] = Doc::array({"ReadWriteOnce"});
      if (const auto* cl = m_.cluster(e_.cluster); cl && !cl->storage_class.empty())
        pvc["spec"]["storageClassName"] = cl->storage_class;
      pvc["spec"]["resources"]["requests"]["storage"] =
          check::format_bytes(b ? b->storage : 10LL << 30);
      add(w.name, std::move(pvc), true);
    }
  }

  // Backups of configuration and secrets (`of = [manifests, configmaps, secrets]`): a Velero
  // Schedule for the environment's namespace, kept `retain` (Velero writes to object storage,
  // outside the cluster, and restores whole namespaces; see specs/targets.md).
  void velero_schedules() {
    for (const auto& b : e_.backups) {
      if (!b.of_resources) continue;
      std::string name = instance_ + "-" + b.name;
      check_name(name, kNameMax, b.span, "the Velero Schedule name");
      Doc md = Doc::object();
      md["name"] = name;
      md["namespace"] = "velero";
      md["labels"] = common_labels();
      md["labels"]["app.kubernetes.io/instance"] = instance_;
      Doc s = object("velero.io/v1", "Schedule", md);
      s["spec"]["schedule"] = b.schedule;
      s["spec"]["useOwnerReferencesInBackup"] = false;
      Doc& t = s["spec"]["template"];
      t["includedNamespaces"] = Doc::array({e_.ns});
      Doc resources = Doc::array();
      for (const auto& o : b.of) {
        if (o.name == "configmaps") resources.push_back("configmaps");
        if (o.name == "secrets") resources.push_back("secrets");
      }
      bool manifests = std::any_of(b.of.begin(), b.of.end(), [](const model::Dependency& d) {
        return d.name == "manifests";
      });
      if (!manifests) t["includedResources"] = std::move(resources);  // else: everything
      t["snapshotVolumes"] = false;
      t["ttl"] = fmt::format("{}h0m0s", (b.retain + 3599) / 3600);
      add("backup-" + b.name, std::move(s), true);
    }
  }

  void service(const Workload& w, const std::string& name, bool headless) {
    Doc l = group_labels(w);
    if (headless) l["stackc.dev/headless"] = "true";  // ServiceMonitors skip it
    Doc s = object("v1", "Service", meta(name, l));
    object_meta(s["metadata"], w.service_meta);
    // `expose` (targets.md §5.5): the headless Service of a stateful stays inside the cluster.
    bool lb = !headless && w.expose == "load_balancer";
    bool np = !headless && w.expose == "node_port";
    s["spec"]["type"] = lb ? "LoadBalancer" : np ? "NodePort" : "ClusterIP";
    if (headless) {
      s["spec"]["clusterIP"] = "None";
      s["spec"]["publishNotReadyAddresses"] = true;
    }
    // Source ranges are also admitted by the NetworkPolicy, which sees the client's address
    // only when the traffic is not forwarded through another node.
    if ((lb || np) && !w.source_ranges.empty()) s["spec"]["externalTrafficPolicy"] = "Local";
    if (lb && !w.source_ranges.empty()) s["spec"]["loadBalancerSourceRanges"] = w.source_ranges;
    s["spec"]["selector"] = group_selector(w);
    Doc ports = Doc::array();
    for (const auto& p : w.ports) {
      Doc pd;
      pd["name"] = p.name;
      pd["port"] = p.number;
      pd["targetPort"] = p.name;
      pd["protocol"] = p.protocol;
      if (!p.app_protocol.empty()) pd["appProtocol"] = p.app_protocol;
      if ((lb || np) && p.node_port) pd["nodePort"] = p.node_port;
      ports.push_back(std::move(pd));
    }
    if (w.exporter) {
      Doc pd;
      pd["name"] = "metrics";
      pd["port"] = w.exporter->port;
      pd["targetPort"] = "metrics";
      pd["protocol"] = "TCP";
      ports.push_back(std::move(pd));
    }
    s["spec"]["ports"] = std::move(ports);
    add(w.name, std::move(s));
  }

  void hpa(const Workload& w) {
    Doc h = object("autoscaling/v2", "HorizontalPodAutoscaler", meta(w.name, labels(w)));
    h["spec"]["scaleTargetRef"]["apiVersion"] = "apps/v1";
    h["spec"]["scaleTargetRef"]["kind"] =
        w.kind == Workload::Kind::Stateful ? "StatefulSet" : "Deployment";
    h["spec"]["scaleTargetRef"]["name"] = w.name;
    h["spec"]["minReplicas"] = w.replicas_min;
    h["spec"]["maxReplicas"] = w.replicas_max;
    Doc metrics = Doc::array();
    auto metric = [&](const char* resource, std::int64_t pct) {
      Doc md;
      md["type"] = "Resource";
      md["resource"]["name"] = resource;
      md["resource"]["target"]["type"] = "Utilization";
      md["resource"]["target"]["averageUtilization"] = pct;
      metrics.push_back(std::move(md));
    };
    std::int64_t cpu = w.autoscale ? w.autoscale->cpu_percent : 0;
    std::int64_t mem = w.autoscale ? w.autoscale->memory_percent : 0;
    if (cpu == 0 && mem == 0) cpu = 80;  // the default target when `autoscale` says nothing
    if (cpu) metric("cpu", cpu);
    if (mem) metric("memory", mem);
    h["spec"]["metrics"] = std::move(metrics);
    add(w.name, std::move(h));
  }

  void pdb(const Workload& w) {
    Doc p = object("policy/v1", "PodDisruptionBudget", meta(w.name, labels(w)));
    if (w.min_available)
      p["spec"]["minAvailable"] = *w.min_available;
    else
      p["spec"]["maxUnavailable"] = w.max_unavailable ? *w.max_unavailable : 1;
    p["spec"]["selector"]["matchLabels"] = selector(w);
    add(w.name, std::move(p));
  }

  void ingress(const Workload& w) {
    const auto& in = *w.ingress;
    std::string port = in.port.empty() ? (w.ports.empty() ? "" : w.ports.front().name) : in.port;
    if (port.empty()) {
      sink_.report(base::make(Code::E4002, in.span,
                              fmt::format("`{}` has an ingress but no port to route to", w.name),
                              "declare `port http = 8080`"));
      return;
    }
    // A versioned workload's routes to its Service, named after it like the Ingress.
    const std::string& name = w.group.empty() ? w.name : w.group;
    Doc i = object("networking.k8s.io/v1", "Ingress", meta(name, group_labels(w)));
    if (in.tls && in.tls_secret.empty()) {
      i["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] = "letsencrypt";
    }
    // The AWS Load Balancer Controller sends to the pods (the Service is a ClusterIP one).
    if (in.ingress_class == "alb")
      i["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-type"] = "ip";
    i["spec"]["ingressClassName"] = in.ingress_class;
    if (in.tls) {
      Doc tls;
      tls["hosts"] = Doc::array({in.host});
      tls["secretName"] = in.tls_secret.empty() ? name + "-tls" : in.tls_secret;
      i["spec"]["tls"] = Doc::array({tls});
    }
    Doc path;
    path["path"] = in.path;
    path["pathType"] = "Prefix";
    path["backend"]["service"]["name"] = name;
    path["backend"]["service"]["port"]["name"] = port;
    Doc rule;
    if (!in.host.empty()) rule["host"] = in.host;  // none: every host
    rule["http"]["paths"] = Doc::array({path});
    i["spec"]["rules"] = Doc::array({rule});
    add(w.name, std::move(i));
  }
};

}  // namespace

std::vector<Object> lower(const model::Model& m, const model::Environment& env,
                          const std::string& source, base::Sink& sink, std::size_t parallel_from) {
  return Lowering(m, env, source, sink, parallel_from).run();
}

std::vector<Lowered> lower_all(const model::Model& m, const std::string& source, base::Sink& sink,
                               std::size_t parallel_from, const Stream* stream) {
  std::vector<Lowered> out;
  for (const auto& e : m.environments) {
    Lowering lowering(m, e, source, sink, parallel_from, stream, out.empty());
    auto objects = lowering.run();
    out.push_back({&e, std::move(objects), lowering.take_configs(), lowering.take_workload_text()});
  }
  return out;
}

bool keeps_doc(const Object& o) {
  // (An object printed with its namespace alone is written again from its document when
  // Kustomize strips the namespace: none of a workload's is, but it is kept if one were.)
  return o.raw || o.ns_alone || o.doc["kind"] == "CronJob";
}

void print_object(Object& o, const std::string& ns) {
  o.yaml.clear();
  std::tie(o.ns_begin, o.ns_end) = write_yaml_marking_namespace(o.yaml, o.doc, ns);
  o.yaml.shrink_to_fit();  // kept until the files are written: without the printer's slack
  const Doc& md = o.doc["metadata"];
  o.ns_alone = o.ns_begin == o.ns_end && md["namespace"].is_string() && md["namespace"] == ns;
}

std::string manifest_path(const std::string& env, const std::string& component) {
  // The rank keeps `kubectl apply -f DIR` in order on a fresh namespace (files are applied by
  // name): the Namespace, then the secrets, then the workloads; a name depends only on what the
  // file holds, so adding or removing a workload renames no other file.
  const int rank = component == "namespace" ? 0 : component == "secrets" ? 1 : 2;
  return fmt::format("kubernetes/{}/{:02}-{}.yaml", env, rank, component);
}

std::string kustomize_base_path(const std::string& component) {
  return "kustomize/base/" + component + ".yaml";
}

bool selected(const std::vector<std::string>& envs, const std::string& env) {
  return envs.empty() || std::find(envs.begin(), envs.end(), env) != envs.end();
}

void print(std::vector<Lowered>& lowered, const std::vector<std::string>& envs, bool two_threads) {
  // Every object to print, with its environment's namespace. Printing only reads the documents
  // and writes each object's own text, so two threads can share the list.
  std::vector<std::pair<Object*, const std::string*>> todo;
  for (auto& [e, objects, configs, text] : lowered) {
    if (!selected(envs, e->name)) continue;
    for (auto& o : objects)
      if (o.yaml.empty() && !o.written) todo.emplace_back(&o, &e->ns);
  }
  auto run = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) print_object(*todo[i].first, *todo[i].second);
  };
  if (!two_threads || todo.size() < kParallelFrom) {
    run(0, todo.size());
    return;
  }
  const std::size_t half = todo.size() / 2;
  std::thread other(run, half, todo.size());
  run(0, half);
  other.join();
}

namespace {

// The printed text of `o` as parts, in the plain form or (with `strip_ns`) without its namespace
// when that is `*strip_ns`; false when it was not printed in a form that allows it.
bool printed_parts(const Object& o, const std::string* strip_ns, std::vector<Part>& parts) {
  if (o.yaml.empty()) return false;
  std::string_view y = o.yaml;
  if (strip_ns == nullptr) {
    parts.push_back(y);
    return true;
  }
  if (o.ns_begin != o.ns_end) {
    parts.push_back(y.substr(0, o.ns_begin));
    parts.push_back(y.substr(o.ns_end));
    return true;
  }
  // Nothing was marked: right as printed unless the namespace is the one to strip (a metadata of
  // the namespace alone, which print() does not mark; noted when printed, as the document may be
  // gone).
  if (o.ns_alone) return false;
  parts.push_back(y);
  return true;
}

}  // namespace

void add_file(Output& out, std::string path, const std::string& head,
              const std::vector<const Object*>& objects, const std::string* strip_ns) {
  std::vector<Part> parts;
  parts.reserve(objects.size() * 3);
  bool printed = true;
  for (const Object* o : objects) {
    parts.push_back("---\n");
    if (!printed_parts(*o, strip_ns, parts)) {
      printed = false;
      break;
    }
  }
  if (printed) {
    out.add(std::move(path), head, std::move(parts));
    return;
  }
  std::string text = head;
  for (const Object* o : objects) {
    text += "---\n";
    if (strip_ns)
      write_yaml_without_namespace(text, o->doc, *strip_ns);
    else
      write_yaml(text, o->doc);
  }
  out.add(std::move(path), std::move(text));
}

void generate(const std::vector<Lowered>& lowered, const std::vector<std::string>& envs,
              const std::string& source, Output& out) {
  const std::string head = header(source);
  for (const auto& [e, objects, configs, text] : lowered) {
    if (!selected(envs, e->name)) continue;
    // One file per component (manifest_path), in apply order of first appearance.
    std::vector<std::string> order;
    std::map<std::string, std::vector<const Object*>> files;
    for (const auto& o : objects) {
      // Written as it was lowered (Stream::put), with every object of its file.
      if (o.written) continue;
      auto [it, fresh] = files.try_emplace(o.component);
      if (fresh) order.push_back(o.component);
      it->second.push_back(&o);
    }
    for (std::size_t i = 0; i < order.size(); ++i)
      add_file(out, manifest_path(e->name, order[i]), head, files[order[i]], nullptr);
  }
}

}  // namespace stackc::emit::kubernetes
