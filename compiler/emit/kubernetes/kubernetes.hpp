// Lowering of the checked model to Kubernetes objects, one environment at a time, and the plain
// manifests target (kubernetes/<env>/<component>.yaml). The Helm and Kustomize targets are built
// from the same objects, so the three forms agree.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "emit/monitoring/monitoring.hpp"
#include "emit/output.hpp"
#include "emit/yaml.hpp"
#include "model/model.hpp"

namespace stackc::emit::kubernetes {

struct Object {
  std::string component;  // the file it goes to: "namespace", "secrets", or a workload's name
  Doc doc;
  // Carried whole in the Helm chart's values (`objects`), not rebuilt by its templates: the
  // configuration files, RBAC, backup claims and Velero schedules.
  bool raw = false;
  // The object as YAML, printed once by print() for the plain manifests and the Kustomize base
  // and overlays; [ns_begin, ns_end) is its namespace line, which Kustomize leaves out.
  std::string yaml;
  std::size_t ns_begin = 0, ns_end = 0;
  // Printed with a metadata that holds nothing but the namespace (so no span was marked).
  bool ns_alone = false;
  // Its files were handed to Stream::put during the lowering (and its text freed since): the
  // targets do not make them again.
  bool written = false;
};

// What lowering does with each workload's objects as soon as they are made, on the thread that
// made them (a large environment is lowered on two threads): print them, hand them to
// `on_workload`, and drop their documents. A build then holds the printed text of the objects,
// not their documents (which took 2 to 3 times the memory), and prints them on both threads.
struct Stream {
  // Print the objects of the environments in `envs` (all when empty).
  bool print = false;
  std::vector<std::string> envs;
  // Called for each workload of the first environment with its objects (their documents still
  // there): what it appends to `text` is kept in Lowered::workload_text, in workload order. It
  // runs on two threads at once, so it must only read what it shares.
  std::function<void(const model::Workload&, const Object* objects, std::size_t count,
                     std::string& text)>
      on_workload;
  // Drop the documents of the workloads' objects once printed, but for those a target reads
  // later (keeps_doc). Only for a stack of one environment: the Helm overrides and Kustomize
  // patches of several environments compare the documents.
  bool drop_docs = false;
  // With drop_docs and print: each workload's file of the plain manifests (with
  // `kubernetes_files`) and of the Kustomize base (with `kustomize_files`), exactly as generate()
  // and kustomize::generate() make them, headed by `head`, goes to `put` as soon as its objects are
  // printed, and their text is freed (Object::written). Called from two threads at once. Not
  // when a workload is named like another component's file (`namespace`, `secrets`,
  // `backup-NAME`): that file holds more than the workload's objects.
  std::function<void(const File&)> put;
  bool kubernetes_files = false, kustomize_files = false;
  std::string head;
  // With on_workload: where each lowering thread sets aside what on_workload appended (a Spool
  // of its own; null: none), a MiB at a time, rather than hold it until the end.
  std::function<Spool*()> spool;
};

// Whether a target reads the object's document after lowering: the Helm chart carries raw
// objects whole, the backup runbooks read the CronJobs, and Kustomize prints an object again
// when its metadata holds nothing but the namespace.
bool keeps_doc(const Object& o);

// Prints `o` (Object::yaml, the namespace span and ns_alone) as an object of an environment whose
// namespace is `ns`.
void print_object(Object& o, const std::string& ns);

// Every object of one environment, in apply order: Namespace, secret store and external
// secrets, then per workload ServiceAccount, ConfigMap, Services, the workload, HPA, PDB, Ingress.
// Reports E4xxx for what Kubernetes cannot express (e.g. names over their length limits).
// `source` names the .stack file in the headers of the configuration files it carries.
// With `parallel_from` workloads or more (and a DocArena scope on this thread), half of them are
// lowered on a second thread; the result does not depend on it. print() uses the same bound for
// the number of objects.
inline constexpr std::size_t kParallelFrom = 256;
std::vector<Object> lower(const model::Model& m, const model::Environment& env,
                          const std::string& source, base::Sink& sink,
                          std::size_t parallel_from = kParallelFrom);

struct Lowered;

// Every environment, lowered once; all targets are written from these.
struct Lowered {
  const model::Environment* env;
  std::vector<Object> objects;
  // The configuration files of the monitoring stack the objects mount (monitoring::config_maps),
  // which the monitoring target also writes.
  std::vector<monitoring::ConfigMap> configs;
  // With a Stream's on_workload (first environment only): what it appended, in workload order,
  // in parts (one per lowering thread): the bytes its spool took, then the rest in memory.
  std::vector<SpooledText> workload_text;
  // on_workload ran for every workload (it leaves one part per lowering thread, maybe empty).
  bool streamed() const { return !workload_text.empty(); }
};
std::vector<Lowered> lower_all(const model::Model& m, const std::string& source, base::Sink& sink,
                               std::size_t parallel_from = kParallelFrom,
                               const Stream* stream = nullptr);

// Prints every object of the selected environments (Object::yaml) that is not printed yet (a
// Stream prints the workloads' objects as they are lowered). The plain manifests and the
// Kustomize target use the printed text; objects left unprinted are printed as they are written.
// With `two_threads` (when no other work runs beside it) and many objects, half of them are
// printed on a second thread; the text is the same.
void print(std::vector<Lowered>& lowered, const std::vector<std::string>& envs,
           bool two_threads = false);

// Adds a file of `head` and then the objects, each after `---`, without their namespace when that
// is `*strip_ns` (Kustomize's form) or as they are (null). Made of the objects' printed text
// (File::parts) when print() printed them all, else printed here.
void add_file(Output& out, std::string path, const std::string& head,
              const std::vector<const Object*>& objects, const std::string* strip_ns);

// The paths of a component's file in the plain manifests (`kubernetes/ENV/00-namespace.yaml`,
// `01-secrets.yaml`, `02-WORKLOAD.yaml`) and in the Kustomize base.
std::string manifest_path(const std::string& env, const std::string& component);
std::string kustomize_base_path(const std::string& component);

// True when `env` is among `envs`, or `envs` is empty (all environments).
bool selected(const std::vector<std::string>& envs, const std::string& env);

// The plain manifests: kubernetes/<env>/<rank>-<component>.yaml (manifest_path).
void generate(const std::vector<Lowered>& lowered, const std::vector<std::string>& envs,
              const std::string& source, Output& out);

// Full image reference (model/images.hpp): a bare name is the stack's own image,
// `<stack.registry>/NAME:<stack.version>`; anything else is used as written, Docker Hub short
// names normalised (`redis:7` -> `docker.io/library/redis:7`). In images.cpp.
std::string image_ref(const model::Model& m, const std::string& image);

// The version of what an image runs, for the `app.kubernetes.io/version` label: the stack's
// version for its own images, the tag of an external one; empty when that is no valid label value
// (a digest without a tag, a tag longer than 63 characters). In images.cpp.
std::string image_version(const model::Model& m, const std::string& image);

}  // namespace stackc::emit::kubernetes
