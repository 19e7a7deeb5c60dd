// The schema table: for every kind, its fields with type, unit, default and doc string. It drives
// the checker, `stackc explain`, and (later) hover docs and completion in editors.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace stackc::check {

enum class Type {
  Int,           // 3
  UserId,        // 1000, or `image`: the image's own user or group
  IntRange,      // 3 or 3..10
  Cpu,           // 500m, 0.5, 2 (cores)
  CpuRange,      // request..limit or one value for both
  Bytes,         // 512Mi, 10Gi
  BytesRange,    // request..limit or one value for both
  Duration,      // 30s, 5m, 15d
  Percent,       // 70%
  String,        // "text"
  Bool,          // true | false
  Enum,          // one of `choices`
  EnumList,      // [a, b] of `choices`
  Ref,           // the name of a declaration of kind `ref`
  RefList,       // [a, b] of declarations of kind `ref`
  Probe,         // http("/path", port = NAME) | tcp(PORT) | grpc(PORT) | exec(["cmd"]), timing
  Hook,          // sleep(5s) | exec(["cmd", "arg"]): a lifecycle handler
  EnvValue,      // "text" | number | secret("name", key = "k") | workload.host | workload.port
  Secret,        // secret("name", key = "k")
  Cron,          // "0 2 * * *"
  StringList,    // ["a", "b"]
  Image,         // "name[:tag]" or "registry/name:tag"
  BackupSource,  // a stateful's name, or [manifests, configmaps, secrets]
  Block,         // key { ... } with the fields of `block`
  Tagged,        // key = tag { ... } or key = tag, the tag one of `choices`
  Entry,         // key NAME (a bare labelled entry, e.g. `counter requests_total`)
  Map,           // key { ANY = EnvValue ... } (free keys)
  Port,          // 8080, or 80 -> 8080 (Service port -> container port); with `block`, also
                 // key NAME { number = ...  protocol = ... } (check/ports.hpp)
};

struct Kind;

struct Field {
  std::string_view name;
  Type type;
  std::string_view doc;
  std::string_view choices = {};  // Enum/EnumList/Tagged: "a|b|c"; Ref/RefList: the kind
  const Kind* block = nullptr;    // Block/Tagged: the nested schema
  bool labelled = false;          // takes one NAME label: `port http = 8080`
  bool required = false;
  std::string_view default_text = {};
  long long min = 0, max = 0;  // numeric bounds when min < max
  bool prefix = false;         // Map: may take one string label, the prefix of its keys
};

struct Kind {
  std::string_view name;
  std::string_view doc;
  std::vector<Field> fields;
  bool named = false;      // top level: `service NAME { ... }`
  bool templated = false;  // may use `from` and be the `for` of a template
  bool when = false;       // may hold `when ENV { ... }`
  bool singleton = false;  // at most one per stack (`stack`, `secrets`, `monitoring`, `pipeline`)
  bool workload = false;   // a deployable workload
  std::unordered_map<std::string_view, const Field*> index = {};  // built with the table
  const Field* field(std::string_view key) const;
  std::vector<std::string> field_names() const;
};

// Top-level kinds, in the order the docs list them.
std::span<const Kind* const> top_kinds();
const Kind* top_kind(std::string_view name);
std::vector<std::string> top_kind_names();
// Any kind, top-level or nested, by name (for `stackc explain`).
const Kind* any_kind(std::string_view name);
std::string_view type_name(Type t);
bool choice_allowed(std::string_view choices, std::string_view word);
std::vector<std::string> split_choices(std::string_view choices);

}  // namespace stackc::check
