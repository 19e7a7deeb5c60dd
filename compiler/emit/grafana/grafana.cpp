#include "emit/grafana/grafana.hpp"
#include "base/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include "emit/yaml.hpp"

namespace stackc::emit::grafana {
namespace {

using model::Metric;
using model::Workload;
using Json = nlohmann::ordered_json;

constexpr int kGridWidth = 24;      // Grafana's grid has 24 columns
constexpr int kSchemaVersion = 39;  // the dashboard schema of Grafana 10.4 and 11
constexpr std::size_t kUidMax = 40;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A PromQL/LogQL string literal.
std::string quote(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (c == '\n') {
      r += "\\n";
      continue;
    }
    r += c;
  }
  return r + "\"";
}

// A Prometheus duration: 5m, 2h, 90s.
std::string duration(std::int64_t seconds) {
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

// The name without the suffixes Prometheus adds to counters and histograms.
std::string base_name(std::string n) {
  for (std::string_view s : {"_total", "_bucket", "_count", "_sum"})
    if (ends_with(n, s)) {
      n.resize(n.size() - s.size());
      break;
    }
  return n;
}

// Grafana unit of a metric's values, from the base-unit suffix of its name.
std::string value_unit(const std::string& name) {
  std::string n = base_name(name);
  if (ends_with(n, "_seconds")) return "s";
  if (ends_with(n, "_bytes")) return "bytes";
  if (ends_with(n, "_ratio")) return "percentunit";
  if (ends_with(n, "_percent")) return "percent";
  return "short";
}

// Grafana unit of a counter's per-second rate.
std::string rate_unit(const std::string& name) {
  if (name.find("requests") != std::string::npos) return "reqps";
  if (ends_with(base_name(name), "_bytes")) return "Bps";
  return "cps";
}

// Gauges that are ratios are averaged over pods; every other gauge is summed.
bool averaged(const std::string& name) {
  std::string n = base_name(name);
  return ends_with(n, "_ratio") || ends_with(n, "_percent");
}

const char* kind_word(Metric::Kind k) {
  switch (k) {
    case Metric::Kind::Counter:
      return "counter";
    case Metric::Kind::Gauge:
      return "gauge";
    case Metric::Kind::Histogram:
      return "histogram";
    case Metric::Kind::Summary:
      return "summary";
  }
  return "metric";
}

std::uint32_t fnv1a(const std::string& s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

Json prometheus_ds() {
  return Json{{"type", "prometheus"}, {"uid", kPrometheusUid}};
}
Json loki_ds() {
  return Json{{"type", "loki"}, {"uid", kLokiUid}};
}

struct Query {
  std::string expr;
  std::string legend;  // Grafana legend format: "{{pod}}", "p95", ...
};

Json targets(const std::vector<Query>& queries) {
  Json list = Json::array();
  char ref = 'A';
  for (const auto& q : queries) {
    Json t;
    t["refId"] = std::string(1, ref++);
    t["datasource"] = prometheus_ds();
    t["expr"] = q.expr;
    t["legendFormat"] = q.legend.empty() ? "__auto" : q.legend;
    t["range"] = true;
    list.push_back(std::move(t));
  }
  return list;
}

// The head every panel starts with; the board fills in id and gridPos.
Json panel_head(const char* type, const std::string& title, const std::string& description) {
  Json p;
  p["id"] = 0;
  p["type"] = type;
  p["title"] = title;
  if (!description.empty()) p["description"] = description;
  p["gridPos"] = nullptr;
  return p;
}

// A series named "limit" drawn as a dashed red line.
Json limit_override() {
  Json color = {{"id", "color"}, {"value", {{"mode", "fixed"}, {"fixedColor", "red"}}}};
  Json dash = {{"id", "custom.lineStyle"},
               {"value", {{"fill", "dash"}, {"dash", Json::array({10, 10})}}}};
  return Json{{"matcher", {{"id", "byName"}, {"options", "limit"}}},
              {"properties", Json::array({color, dash})}};
}

Json timeseries(const std::string& title, const std::string& description,
                const std::vector<Query>& queries, const std::string& unit, bool from_zero,
                bool has_limit = false) {
  Json p = panel_head("timeseries", title, description);
  p["datasource"] = prometheus_ds();
  p["targets"] = targets(queries);
  Json defaults;
  defaults["unit"] = unit;
  if (from_zero) defaults["min"] = 0;
  defaults["color"] = {{"mode", "palette-classic"}};
  defaults["custom"] = {
      {"drawStyle", "line"}, {"lineWidth", 1}, {"fillOpacity", 10}, {"showPoints", "never"}};
  Json overrides = Json::array();
  if (has_limit) overrides.push_back(limit_override());
  p["fieldConfig"] = {{"defaults", defaults}, {"overrides", overrides}};
  p["options"] = {
      {"legend", {{"displayMode", "list"}, {"placement", "bottom"}, {"showLegend", true}}},
      {"tooltip", {{"mode", "multi"}, {"sort", "desc"}}}};
  return p;
}

struct Step {
  const char* color;
  Json value;  // null: the base step
};

Json stat(const std::string& title, const std::string& description, const Query& query,
          const std::string& unit, const std::vector<Step>& steps) {
  Json p = panel_head("stat", title, description);
  p["datasource"] = prometheus_ds();
  p["targets"] = targets({query});
  Json list = Json::array();
  for (const auto& s : steps) list.push_back({{"color", s.color}, {"value", s.value}});
  Json defaults;
  defaults["unit"] = unit;
  defaults["color"] = {{"mode", "thresholds"}};
  defaults["thresholds"] = {{"mode", "absolute"}, {"steps", list}};
  p["fieldConfig"] = {{"defaults", defaults}, {"overrides", Json::array()}};
  p["options"] = {{"reduceOptions",
                   {{"calcs", Json::array({"lastNotNull"})}, {"fields", ""}, {"values", false}}},
                  {"colorMode", "value"},
                  {"graphMode", "area"},
                  {"justifyMode", "auto"},
                  {"orientation", "auto"},
                  {"textMode", "auto"}};
  return p;
}

Json logs(const std::string& title, const std::string& description, const std::string& logql) {
  Json p = panel_head("logs", title, description);
  p["datasource"] = loki_ds();
  Json t;
  t["refId"] = "A";
  t["datasource"] = loki_ds();
  t["expr"] = logql;
  t["queryType"] = "range";
  p["targets"] = Json::array({t});
  p["options"] = {
      {"showTime", true},        {"showLabels", false},         {"showCommonLabels", false},
      {"wrapLogMessage", true},  {"prettifyLogMessage", false}, {"enableLogDetails", true},
      {"dedupStrategy", "none"}, {"sortOrder", "Descending"}};
  return p;
}

// One dashboard: panels flow left to right in lines of 24 columns; a line is as high as its
// highest panel and the next line starts below it, so panels never overlap.
class Board {
 public:
  Board(std::string uid, std::string title, std::string description, Json tags, Json links)
      : uid_(std::move(uid)),
        title_(std::move(title)),
        description_(std::move(description)),
        tags_(std::move(tags)),
        links_(std::move(links)) {}

  const std::string& uid() const { return uid_; }

  void row(const std::string& title) {
    newline();
    Json p = panel_head("row", title, "");
    row_ = title;
    p["id"] = stable_id("row\n" + title);
    p["gridPos"] = grid(kGridWidth, 1, 0, y_);
    p["collapsed"] = false;
    p["panels"] = Json::array();
    panels_.push_back(std::move(p));
    y_ += 1;
  }

  void add(Json panel, int w, int h) {
    if (x_ + w > kGridWidth) newline();
    panel["id"] = stable_id(row_ + "\n" + panel["title"].get<std::string>());
    panel["gridPos"] = grid(w, h, x_, y_);
    panels_.push_back(std::move(panel));
    x_ += w;
    line_h_ = std::max(line_h_, h);
  }

  std::string json() const {
    Json d;
    d["id"] = nullptr;
    d["uid"] = uid_;
    d["title"] = title_;
    d["description"] = description_;
    d["tags"] = tags_;
    d["timezone"] = "browser";
    d["editable"] = false;
    d["graphTooltip"] = 1;
    d["time"] = {{"from", "now-6h"}, {"to", "now"}};
    d["refresh"] = "1m";
    d["schemaVersion"] = kSchemaVersion;
    d["version"] = 1;
    d["links"] = links_;
    d["annotations"] = {{"list", Json::array()}};
    d["templating"] = {{"list", Json::array()}};
    d["panels"] = panels_;
    return d.dump(2) + "\n";
  }

 private:
  std::string uid_, title_, description_;
  Json tags_, links_;
  Json panels_ = Json::array();
  std::string row_;          // the title of the row panels are added to
  std::set<long long> ids_;  // the panel ids given so far

  // A panel's id from its row and title, not its position: a panel added elsewhere on the board
  // leaves the others' ids as they were (the files are reviewed as diffs). FNV-1a, in Grafana's
  // range of ids; a clash (none in practice) takes the next free number.
  long long stable_id(const std::string& key) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : key) h = (h ^ c) * 16777619u;
    long long id = 1 + static_cast<long long>(h % 1000000000u);
    while (!ids_.insert(id).second) ++id;
    return id;
  }
  int x_ = 0, y_ = 0, line_h_ = 0;

  static Json grid(int w, int h, int x, int y) {
    return Json{{"h", h}, {"w", w}, {"x", x}, {"y", y}};
  }
  void newline() {
    y_ += line_h_;
    x_ = 0;
    line_h_ = 0;
  }
};

bool long_running(const Workload& w) {
  return w.kind == Workload::Kind::Service || w.kind == Workload::Kind::Worker ||
         w.kind == Workload::Kind::Stateful;
}

// A workload of the .stack file, not one that stackc adds (monitoring stack, backups).
bool declared(const Workload& w) {
  return w.role.empty();
}

class Generator {
 public:
  Generator(const model::Model& m, const model::Environment& e) : m_(m), e_(e) {
    std::string root = m.files.empty() ? m.stack.name + ".stack" : m.files.front();
    source_ =
        root.substr(root.find_last_of('/') == std::string::npos ? 0 : root.find_last_of('/') + 1);
    // Rates need a few samples in their window: 5m, or 4 scrape intervals when that is longer.
    window_ = duration(std::max<std::int64_t>(300, 4 * e.monitoring.prometheus.scrape_interval));
    for (const auto& w : e.workloads)
      for (const auto& metric : w.metrics) declared_.try_emplace(metric.name, &metric, &w);
    // What Prometheus scrapes (job = the workload's name): the list of the environment's
    // Prometheus workload, else every workload that declares metrics or has an exporter.
    const Workload* prometheus = nullptr;
    for (const auto& w : e.workloads)
      if (w.role == "prometheus") prometheus = &w;
    for (const auto& w : e.workloads)
      if (prometheus ? std::any_of(prometheus->scrapes.begin(), prometheus->scrapes.end(),
                                   [&](const model::Dependency& d) { return d.name == w.name; })
                     : !w.metrics.empty() || w.exporter.has_value())
        scraped_.insert(w.name);
  }

  std::vector<File> run() {
    std::vector<File> out;
    out.push_back({"provisioning/datasources/datasources.yaml", datasources()});
    out.push_back({"provisioning/dashboards/dashboards.yaml", providers()});
    std::vector<Board> boards;
    boards.push_back(overview());
    for (const auto& w : e_.workloads)
      if (declared(w) && long_running(w) && !w.metrics.empty()) boards.push_back(workload(w));
    for (const auto& d : m_.dashboards) boards.push_back(custom(d));
    for (const auto& b : boards) out.push_back({"dashboards/" + b.uid() + ".json", b.json()});
    return out;
  }

 private:
  const model::Model& m_;
  const model::Environment& e_;
  std::string source_, window_;
  std::map<std::string, std::pair<const Metric*, const Workload*>> declared_;  // first declarer
  std::set<std::string> scraped_;
  std::set<std::string> uids_, titles_;

  // ---- provisioning ----

  std::string datasources() const {
    Json prom;
    prom["name"] = "Prometheus";
    prom["uid"] = kPrometheusUid;
    prom["type"] = "prometheus";
    prom["access"] = "proxy";
    prom["url"] = kPrometheusUrl;
    prom["isDefault"] = true;
    prom["editable"] = false;
    prom["jsonData"] = {{"timeInterval", duration(e_.monitoring.prometheus.scrape_interval)},
                        {"httpMethod", "POST"}};
    Json loki;
    loki["name"] = "Loki";
    loki["uid"] = kLokiUid;
    loki["type"] = "loki";
    loki["access"] = "proxy";
    loki["url"] = kLokiUrl;
    loki["isDefault"] = false;
    loki["editable"] = false;
    loki["jsonData"] = {{"maxLines", 1000}};
    Json doc;
    doc["apiVersion"] = 1;
    doc["datasources"] = Json::array({prom, loki});
    return header(source_) + to_yaml(Doc::from_json(doc));
  }

  std::string providers() const {
    Json p;
    p["name"] = "stackc";
    p["orgId"] = 1;
    p["folder"] = m_.stack.name;
    p["type"] = "file";
    p["disableDeletion"] = true;
    p["allowUiUpdates"] = false;
    p["updateIntervalSeconds"] = 60;
    p["options"] = {{"path", kDashboardsPath}, {"foldersFromFilesStructure", false}};
    Json doc;
    doc["apiVersion"] = 1;
    doc["providers"] = Json::array({p});
    return header(source_) + to_yaml(Doc::from_json(doc));
  }

  // ---- boards ----

  Board board(const std::string& base, std::string title, const char* tag) {
    std::string uid = dashboard_uid(base);
    for (int n = 2; !uids_.insert(uid).second; ++n)
      uid = dashboard_uid(base + "-" + std::to_string(n));
    if (!titles_.insert(title).second) {
      title += " [" + uid + "]";
      titles_.insert(title);
    }
    std::string description = "Generated by stackc from " + source_ + " for environment " +
                              e_.name + " (namespace " + e_.ns +
                              "). Do not edit: change the .stack file and run `stackc build`.";
    Json tags = Json::array({"stackc", m_.stack.name, e_.name, tag});
    Json link = {{"title", m_.stack.name},
                 {"type", "dashboards"},
                 {"tags", Json::array({"stackc", m_.stack.name})},
                 {"asDropdown", true},
                 {"keepTime", true},
                 {"includeVars", false},
                 {"targetBlank", false}};
    return Board(uid, std::move(title), std::move(description), std::move(tags),
                 Json::array({link}));
  }

  std::string title(const std::string& what) const {
    return m_.stack.name + ": " + what + " (" + e_.name + ")";
  }

  Board overview() {
    Board b = board(m_.stack.name + "-overview", title("overview"), "overview");
    for (const auto& w : e_.workloads) {
      if (!declared(w) || !long_running(w)) continue;
      b.row(w.name + " (" + model::kind_name(w.kind) + ")");
      b.add(pods(w), 4, 6);
      std::vector<Query> traffic;
      for (const auto& metric : w.metrics) {
        if (metric.kind != Metric::Kind::Counter) continue;
        if (metric.name.find("requests") != std::string::npos ||
            metric.name.find("errors") != std::string::npos)
          traffic.push_back({rate(metric.name, sel(w)), metric.name});
      }
      int wide = traffic.empty() ? 10 : 6;
      if (!traffic.empty())
        b.add(timeseries("Requests and errors",
                         "Per-second rates over " + window_ + " of the counters of " + w.name +
                             " whose names contain `requests` or `errors`, summed over pods.",
                         traffic, "reqps", true),
              8, 6);
      b.add(cpu_total(w), wide, 6);
      b.add(memory_total(w), wide, 6);
    }
    bool any = false;
    for (const auto& w : e_.workloads)
      for (const auto& metric : w.metrics) {
        if (!declared(w)) break;
        if (metric.kind != Metric::Kind::Counter && metric.kind != Metric::Kind::Gauge) continue;
        if (!any) b.row("Business metrics");
        any = true;
        b.add(business(metric, w), 6, 5);
      }
    std::string system;  // the long-running workloads stackc adds, as a regex alternation
    for (const auto& w : e_.workloads)
      if (!declared(w) && long_running(w)) system += (system.empty() ? "" : "|") + w.name;
    if (!system.empty()) {
      b.row("Monitoring stack");
      std::string s = "{namespace=" + quote(e_.ns) + ", container=~" + quote(system) + "}";
      b.add(timeseries("CPU by workload (cores)",
                       "CPU of the workloads stackc adds (cAdvisor, rate over " + window_ + ").",
                       {{"sum by (container) (rate(container_cpu_usage_seconds_total" + s + "[" +
                             window_ + "]))",
                         "{{container}}"}},
                       "short", true),
            12, 7);
      b.add(timeseries("Memory by workload",
                       "Working-set memory of the workloads stackc adds (cAdvisor).",
                       {{"sum by (container) (container_memory_working_set_bytes" + s + ")",
                         "{{container}}"}},
                       "bytes", true),
            12, 7);
    }
    b.row("Logs");
    b.add(logs("Logs of " + e_.ns, "Every workload of namespace " + e_.ns + ", newest first.",
               "{namespace=" + quote(e_.ns) + "}"),
          kGridWidth, 10);
    return b;
  }

  Board workload(const Workload& w) {
    Board b = board(m_.stack.name + "-w-" + w.name,
                    title(std::string(model::kind_name(w.kind)) + " " + w.name), "workload");
    b.row("Pods");
    b.add(pods(w), 8, 4);
    b.add(busiest_cpu(w), 8, 4);
    b.add(busiest_memory(w), 8, 4);
    b.add(cpu_per_pod(w), 12, 8);
    b.add(memory_per_pod(w), 12, 8);
    b.row("Metrics");
    for (const auto& metric : w.metrics)
      b.add(metric_panel(metric.name, &metric, w.name, sel(w), true), 12, 8);
    b.row("Logs");
    b.add(logs("Logs of " + w.name, "Logs of the pods of " + w.name + ", newest first.",
               "{namespace=" + quote(e_.ns) + ", workload=" + quote(w.app()) +
                   (w.group.empty() ? "" : ", pod=~" + quote(w.version_pods())) + "}"),
          kGridWidth, 10);
    return b;
  }

  Board custom(const model::Dashboard& d) {
    Board b =
        board(m_.stack.name + "-d-" + d.name, d.title.empty() ? d.name : d.title, "dashboard");
    for (const auto& name : d.metrics) {
      auto it = declared_.find(name);
      if (it == declared_.end()) {
        b.add(metric_panel(name, nullptr, "", sel(""), false), 12, 8);
      } else {
        b.add(metric_panel(name, it->second.first, it->second.second->name, sel(""), false), 12, 8);
      }
    }
    return b;
  }

  // ---- queries ----

  // The label matchers of series scraped from a workload (or of the whole namespace).
  std::string sel(const std::string& workload) const {
    std::string s = "{namespace=" + quote(e_.ns);
    if (!workload.empty()) s += ", workload=" + quote(workload);
    return s + "}";
  }
  // Of one workload; of a version, its workload's series with its `version` label.
  std::string sel(const Workload& w) const {
    if (w.group.empty()) return sel(w.name);
    return "{namespace=" + quote(e_.ns) + ", workload=" + quote(w.group) +
           ", version=" + quote(w.version) + "}";
  }
  // The matchers of cAdvisor series of a workload's main container.
  std::string cadvisor(const Workload& w) const {
    // A version's: its workload's container, in the pods of the version's Deployment.
    return "{namespace=" + quote(e_.ns) + ", container=" + quote(w.app()) +
           (w.group.empty() ? "" : ", pod=~" + quote(w.version_pods())) + "}";
  }

  std::string rate(const std::string& name, const std::string& s) const {
    return "sum(rate(" + name + s + "[" + window_ + "]))";
  }
  std::string quantile(const char* q, const std::string& name, const std::string& s) const {
    return std::string("histogram_quantile(") + q + ", sum by (le) (rate(" + name + "_bucket" + s +
           "[" + window_ + "])))";
  }
  static std::string gauge(const std::string& name, const std::string& s) {
    return std::string(averaged(name) ? "avg" : "sum") + "(" + name + s + ")";
  }

  // ---- panels ----

  Json pods(const Workload& w) const {
    // Green from the replica minimum: at 0 (`replicas = 0`, `0..N`) no pod is as declared, as no
    // `Down` alert is made for it either.
    std::int64_t expected = w.replicas_min;
    std::string replicas = w.autoscaled() ? fmt::format("{} to {} replicas (autoscaled)",
                                                        w.replicas_min, w.replicas_max)
                                          : fmt::format("{} replicas", w.replicas_min);
    if (scraped_.count(w.name))
      return stat("Pods up",
                  "Pods of " + w.name +
                      " whose metrics endpoint answers (`up`). Declared: " + replicas + ".",
                  {"sum(up{namespace=" + quote(e_.ns) + ", job=" + quote(w.app()) +
                       (w.group.empty() ? "" : ", version=" + quote(w.version)) + "}) or vector(0)",
                   "up"},
                  "none", {{"red", nullptr}, {"green", expected}});
    return stat(
        "Pods running",
        "Containers of " + w.name + " that cAdvisor reports (" + w.name +
            " exports no metrics). Declared: " + replicas + ".",
        {"count(container_memory_working_set_bytes" + cadvisor(w) + ") or vector(0)", "running"},
        "none", {{"red", nullptr}, {"green", expected}});
  }

  std::string cpu_used(const Workload& w) const {
    return "rate(container_cpu_usage_seconds_total" + cadvisor(w) + "[" + window_ + "])";
  }
  std::string cpu_limit(const Workload& w) const {
    return "container_spec_cpu_quota" + cadvisor(w) + " / container_spec_cpu_period" + cadvisor(w);
  }

  Json cpu_total(const Workload& w) const {
    return timeseries(
        "CPU used vs limit (cores)",
        "CPU of all pods of " + w.name + " (cAdvisor, rate over " + window_ +
            ") against the sum of their limits.",
        {{"sum(" + cpu_used(w) + ")", "used"}, {"sum(" + cpu_limit(w) + ")", "limit"}}, "short",
        true, true);
  }
  Json memory_total(const Workload& w) const {
    return timeseries("Memory used vs limit",
                      "Working-set memory of all pods of " + w.name +
                          " (cAdvisor) against the sum of their limits.",
                      {{"sum(container_memory_working_set_bytes" + cadvisor(w) + ")", "used"},
                       {"sum(container_spec_memory_limit_bytes" + cadvisor(w) + ")", "limit"}},
                      "bytes", true, true);
  }
  Json cpu_per_pod(const Workload& w) const {
    return timeseries(
        "CPU per pod (cores)",
        "CPU of each pod of " + w.name + " (cAdvisor, rate over " + window_ +
            ") against the limit of one pod.",
        {{"sum by (pod) (" + cpu_used(w) + ")", "{{pod}}"}, {"max(" + cpu_limit(w) + ")", "limit"}},
        "short", true, true);
  }
  Json memory_per_pod(const Workload& w) const {
    return timeseries(
        "Memory per pod",
        "Working-set memory of each pod of " + w.name + " (cAdvisor) against the limit of one pod.",
        {{"sum by (pod) (container_memory_working_set_bytes" + cadvisor(w) + ")", "{{pod}}"},
         {"max(container_spec_memory_limit_bytes" + cadvisor(w) + ")", "limit"}},
        "bytes", true, true);
  }

  static std::vector<Step> saturation_steps() {
    return {{"green", nullptr}, {"orange", 0.8}, {"red", 0.9}};
  }
  Json busiest_cpu(const Workload& w) const {
    return stat(
        "CPU of limit, busiest pod",
        "The highest CPU use of a pod of " + w.name + " as a share of its limit.",
        {"max(sum by (pod) (" + cpu_used(w) + ") / sum by (pod) (" + cpu_limit(w) + "))", "cpu"},
        "percentunit", saturation_steps());
  }
  Json busiest_memory(const Workload& w) const {
    return stat("Memory of limit, busiest pod",
                "The highest working-set memory of a pod of " + w.name +
                    " as a share of its limit (the kernel kills the container at 100%).",
                {"max(sum by (pod) (container_memory_working_set_bytes" + cadvisor(w) +
                     ") / sum by (pod) (container_spec_memory_limit_bytes" + cadvisor(w) + "))",
                 "memory"},
                "percentunit", saturation_steps());
  }

  Json business(const Metric& metric, const Workload& w) const {
    if (metric.kind == Metric::Kind::Counter)
      return stat(
          metric.name,
          "Counter of " + w.name + ": per-second rate over " + window_ + ", summed over pods.",
          {rate(metric.name, sel(w)), "rate"}, rate_unit(metric.name), {{"blue", nullptr}});
    return stat(metric.name,
                std::string("Gauge of ") + w.name + ": " +
                    (averaged(metric.name) ? "averaged" : "summed") + " over pods.",
                {gauge(metric.name, sel(w)), "value"}, value_unit(metric.name),
                {{"blue", nullptr}});
  }

  // A panel for one metric, its query chosen by its kind; `metric` is null for a name that no
  // workload declares (charted as is). `per_pod`: gauges one series per pod, not aggregated.
  Json metric_panel(const std::string& name, const Metric* metric, const std::string& owner,
                    const std::string& s, bool per_pod) const {
    if (!metric) {
      // A name no workload declares (a standard metric such as cAdvisor's, or an exporter's):
      // by the naming convention a `_total` is a counter, charted as its per-second rate per
      // series; anything else is charted as it is.
      if (base::is_metric_name(name) && ends_with(name, "_total"))
        return timeseries(name + " (per second)",
                          "Not declared by a workload of " + e_.name +
                              "; a counter by its name: per-second rate over " + window_ +
                              " of each series.",
                          {{"rate(" + name + s + "[" + window_ + "])", ""}}, rate_unit(name), true);
      std::string expr = base::is_metric_name(name) ? name + s : name;
      return timeseries(name, "Not declared by a workload of " + e_.name + ": charted as is.",
                        {{expr, ""}}, value_unit(name), false);
    }
    std::string about = std::string(kind_word(metric->kind)) + " declared by " + owner;
    switch (metric->kind) {
      case Metric::Kind::Counter:
        return timeseries(
            name + " (per second)",
            "The " + about + ": per-second rate over " + window_ + ", summed over pods.",
            {{rate(name, s), "rate"}}, rate_unit(name), true);
      case Metric::Kind::Gauge:
        if (per_pod)
          return timeseries(name, "The " + about + ": its value in each pod.",
                            {{"sum by (pod) (" + name + s + ")", "{{pod}}"}}, value_unit(name),
                            false);
        return timeseries(
            name, "The " + about + ": " + (averaged(name) ? "averaged" : "summed") + " over pods.",
            {{gauge(name, s), averaged(name) ? "average" : "sum"}}, value_unit(name), false);
      case Metric::Kind::Histogram:
        return timeseries(
            name + " (p50, p95, p99)",
            "The " + about + ": quantiles over " + window_ + " from the buckets of all pods.",
            {{quantile("0.5", name, s), "p50"},
             {quantile("0.95", name, s), "p95"},
             {quantile("0.99", name, s), "p99"}},
            value_unit(name), true);
      case Metric::Kind::Summary:
        return timeseries(name + " (quantiles, mean)",
                          "The " + about +
                              ": each quantile the pods report (the highest over pods) and the "
                              "mean over " +
                              window_ + ".",
                          {{"max by (quantile) (" + name + s + ")", "q{{quantile}}"},
                           {"sum(rate(" + name + "_sum" + s + "[" + window_ + "])) / sum(rate(" +
                                name + "_count" + s + "[" + window_ + "]))",
                            "mean"}},
                          value_unit(name), true);
    }
    return nullptr;
  }
};

}  // namespace

std::string dashboard_uid(const std::string& base) {
  bool plain =
      !base.empty() && base.size() <= kUidMax && std::all_of(base.begin(), base.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      });
  if (plain) return base;
  std::string cut;
  for (char c : base.substr(0, 31)) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    cut += ok ? c : '-';
  }
  return cut + fmt::format("-{:08x}", fnv1a(base));
}

std::vector<File> files(const model::Model& m, const model::Environment& e) {
  return Generator(m, e).run();
}

}  // namespace stackc::emit::grafana
