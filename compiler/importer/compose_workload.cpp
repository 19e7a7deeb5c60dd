// The workload statements of each compose service (compose.cpp collects what they need first:
// ports, volumes, environment with its references, dependencies), and from_compose().
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "check/credentials.hpp"
#include "check/images.hpp"
#include "importer/compose.hpp"
#include "importer/compose_importer.hpp"

namespace stackc::importer {

namespace compose_detail {

namespace {

struct Reason {
  std::string_view why, help;
};

// Why a service key is kept as a comment, and what to do instead.
const std::map<std::string_view, Reason> kReasons = {
    {"secrets",
     {"secret files (`/run/secrets/NAME`) have no .stack form",
      "give the value to the program as `env { NAME = secret(\"...\", key = \"...\") }`"}},
    {"configs",
     {"config files have no .stack form", "put the file in the image, or read it from `env`"}},
    {"profiles",
     {"profiles have no .stack form: the workload is imported into every environment",
      "leave it out of an environment with `when ENV { enabled = false }`"}},
    {"labels",
     {"container labels have no .stack form", "pod labels are written `labels { NAME = \"v\" }`"}},
    {"privileged",
     {"privileged containers are not imported: they get every capability and device of the node",
      "name the capabilities it needs: `security { capabilities = [\"NET_ADMIN\"] }`"}},
    {"network_mode",
     {"`network_mode` has no .stack form: each pod has its own network",
      "reach other workloads by their names and ports (references)"}},
    {"extends",
     {"`extends` is not followed", "import the merged file: `docker compose config > merged.yml`"}},
    {"logging",
     {"logging drivers have no .stack form: Kubernetes keeps the containers' logs",
      "collect them with `monitoring { loki { } }`"}},
    {"env_file",
     {"the variables of env files are not read",
      "write them in `env { }`, credentials as `secret(...)`"}},
    {"init",
     {"`init` (an init process in the container) has no .stack form",
      "use an image whose entrypoint reaps its children (tini)"}},
    {"external_links",
     {"links to containers outside the file have no .stack form",
      "import their file too, or reach them by address in `env` and `egress`"}},
};

constexpr std::string_view kDefaultHelp =
    "specs/import.md lists the Compose fields the import carries; set what the workload needs in "
    "the .stack file";

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<std::vector<std::string>> Importer::words(Svc& s, const Node& key,
                                                        const Node& value) {
  std::vector<std::string> out;
  if (value.is_seq()) {
    for (const Node& n : value.items) out.push_back(text(n));
  } else if (value.is_scalar() && value.type != Type::Null) {
    auto w = cv::split_words(text(value));
    if (!w) {
      report(Code::E5031, value.span, fmt::format("`{}` has a quote that is not closed", key.text),
             "close the quote, or write the command as a list: `[\"sh\", \"-c\", \"...\"]`");
      return std::nullopt;
    }
    out = std::move(*w);
  } else {
    return std::nullopt;
  }
  if (out.empty()) {
    keep(s.kept, key, value,
         fmt::format("an empty `{}` clears the image's own, which .stack cannot say", key.text),
         "write the command the container should run");
    return std::nullopt;
  }
  for (const std::string& w : out)
    if (auto found = check::find_credential(w)) {
      report(Code::W0051, value.span,
             fmt::format("`{}` holds a literal credential ({}): the command is not copied",
                         key.text, found.what),
             "pass the credential in `env` as `secret(...)` and refer to it as `$(NAME)`");
      return std::nullopt;
    }
  return out;
}

void Importer::image(Svc& s, Stmt& w) {
  const Node& n = *s.node;
  const Node* img = n.get("image");
  const Node* b = n.get("build");
  if (!img && !b) {
    report(Code::E5034, s.key->span,
           fmt::format("the service `{}` has neither `image` nor `build`", s.compose_name),
           "add `image: NAME:TAG`, or `build: ./DIR` for an image built from a Dockerfile; an "
           "override file only completes another one: import the merged file "
           "(`docker compose config > merged.yml`)");
    return;
  }
  std::string written = img ? text(*img) : "";
  bool bare = !written.empty() && written.find_first_of(":/@") == std::string::npos;
  if (b && (!img || bare)) {  // built from source: the stack's own image
    std::string own = img ? written : s.name;
    std::string context =
        b->is_map() ? (b->get("context") ? text(*b->get("context")) : ".") : text(*b);
    std::string dir = context;
    if (dir.starts_with("./")) dir = dir.substr(2);
    while (!dir.empty() && dir.back() == '/') dir.pop_back();
    bool plain = !b->is_map() || b->size() == 1;
    if (dir == own && plain)
      s.notes.push_back(fmt::format(
          "built from {}: the stack's own image, which the pipeline builds from {}/Dockerfile",
          context, own));
    else
      keep(s.kept, key_of(n, b), *b,
           fmt::format("compose builds `{}` from `{}`; stackc's pipeline builds the stack's own "
                       "image `{}` from `{}/Dockerfile`",
                       s.compose_name, context, own, own),
           fmt::format("move the build to `{}/Dockerfile`, or build and push the image yourself "
                       "and write its reference (`registry/{}:TAG`)",
                       own, own));
    w.add(Stmt::assign("image", quote(own)));
    return;
  }
  if (b)
    keep(s.kept, key_of(n, b), *b,
         fmt::format("compose builds the image `{}`; stackc runs it as written and does not "
                     "build it",
                     written),
         "build and push it in your CI before `stackc build`, or write a bare name to make it "
         "the stack's own image");
  std::string last =
      written.substr(written.rfind('/') == std::string::npos ? 0 : written.rfind('/'));
  bool tagged = last.find(':') != std::string::npos || written.find('@') != std::string::npos;
  if (!tagged) written += ":latest";
  if (!tagged || written.ends_with(":latest"))
    report(Code::W0054, img->span,
           fmt::format("the image `{}` is not pinned to a version: compose pulls whatever "
                       "`latest` is; stackc requires a tag (E2018)",
                       img->text),
           fmt::format("write the tag compose runs today: `{}`",
                       written.substr(0, written.rfind(':')) + ":1.2.3"));
  else if (auto f = check::image_finding(written); f && f->code == Code::W0016)
    written = "docker.io/library/" + written;  // what Docker pulls, said in full
  w.add(Stmt::assign("image", quote(written)));
}

std::string Importer::probe(Svc& s, const Node& hc, std::string& startup) {
  if (!hc.is_map()) {
    report(Code::E5031, hc.span, "`healthcheck` must be a mapping",
           "write `healthcheck: { test: [\"CMD\", \"...\"], interval: 10s }`");
    return {};
  }
  if (hc.str("disable") == "true") {
    s.notes.push_back("its healthcheck was disabled: no probe");
    return {};
  }
  const Node* test = hc.get("test");
  if (!test) return {};
  std::vector<std::string> cmd;
  std::string shell;
  if (test->is_seq() && !test->items.empty()) {
    std::string first = text(test->items[0]);
    if (first == "NONE") {
      s.notes.push_back("its healthcheck was NONE: no probe");
      return {};
    }
    for (std::size_t i = 1; i < test->items.size(); ++i) cmd.push_back(text(test->items[i]));
    if (first == "CMD-SHELL") {
      for (std::size_t i = 0; i < cmd.size(); ++i) shell += (i ? " " : "") + cmd[i];
      cmd.clear();
    } else if (first != "CMD") {
      report(Code::E5031, test->items[0].span,
             "a healthcheck `test` list starts with `CMD`, `CMD-SHELL` or `NONE`",
             "write `test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/\"]`");
      return {};
    }
  } else if (test->is_scalar() && test->type != Type::Null) {
    shell = text(*test);
  } else {
    report(Code::E5031, test->span, "a healthcheck `test` must be a string or a list",
           "write `test: [\"CMD\", \"curl\", \"-f\", \"http://localhost/\"]`");
    return {};
  }
  // A shell command that is a plain curl or wget of localhost becomes an http probe.
  std::vector<std::string> argv = cmd;
  if (!shell.empty()) {
    std::string t = shell;
    for (std::string_view tail : {"|| exit 1", "||exit 1"})
      if (t.ends_with(tail)) t.resize(t.size() - tail.size());
    if (t.find_first_of("|&;<>$`()") == std::string::npos)
      if (auto w = cv::split_words(t)) argv = *w;
  }
  std::string expr;
  if (!argv.empty()) {
    std::string tool =
        argv[0].substr(argv[0].rfind('/') == std::string::npos ? 0 : argv[0].rfind('/') + 1);
    static const std::set<std::string_view> kFlags = {
        "-f",           "-s",      "-S",        "-L",       "-fs",          "-sf",
        "-fsS",         "-fSs",    "-sfS",      "-sSf",     "-Ssf",         "-fsSL",
        "-sSfL",        "-fL",     "--fail",    "--silent", "--show-error", "--location",
        "-q",           "--quiet", "--spider",  "-qO-",     "-qO",          "-O-",
        "--no-verbose", "-nv",     "--tries=1", "-I",       "--head"};
    std::string url;
    bool plain = tool == "curl" || tool == "wget";
    for (std::size_t i = 1; plain && i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (a.starts_with("http://") && url.empty())
        url = a;
      else if ((a == "-o" || a == "-O") && i + 1 < argv.size() &&
               (argv[i + 1] == "/dev/null" || argv[i + 1] == "-"))
        ++i;
      else if (!kFlags.count(a))
        plain = false;
    }
    if (plain && !url.empty()) {
      std::string_view rest = std::string_view(url).substr(7);
      std::string_view hostport = rest.substr(0, rest.find('/'));
      std::string path =
          rest.find('/') == std::string_view::npos ? "/" : std::string(rest.substr(rest.find('/')));
      std::string host(hostport.substr(0, hostport.rfind(':')));
      std::string_view port_text = hostport.rfind(':') == std::string_view::npos
                                       ? "80"
                                       : hostport.substr(hostport.rfind(':') + 1);
      int port = digits(port_text) && port_text.size() <= 5 ? std::stoi(std::string(port_text)) : 0;
      if (hostport.rfind(':') == std::string_view::npos) host = std::string(hostport);
      auto p = std::find_if(s.ports.begin(), s.ports.end(), [&](const PortOut& x) {
        return x.container == port && x.protocol == "tcp";
      });
      if ((host == "localhost" || host == "127.0.0.1" || host == "0.0.0.0") && p != s.ports.end() &&
          path.find_first_of(" \"\\") == std::string::npos) {
        expr = fmt::format("http({}", quote(path));
        if (s.ports.size() > 1) expr += fmt::format(", port = {}", p->name);
        s.notes.push_back(fmt::format("its healthcheck `{}` is an http probe of {}",
                                      shell.empty() ? argv[0] : shell, path));
      }
    }
  }
  if (expr.empty()) {
    std::vector<std::string> items;
    if (!cmd.empty())
      for (const std::string& c : cmd) items.push_back(quote(c));
    else
      items = {quote("sh"), quote("-c"), quote(shell)};
    for (const std::string& c : cmd)
      if (check::find_credential(c)) {
        report(Code::W0051, test->span, "the healthcheck holds a literal credential: not copied",
               "read the credential from the environment in the check (`$$NAME`)");
        return {};
      }
    expr = fmt::format("exec({}", list(items));
  }
  // Compose's defaults (30s, 30s, 3) where stackc's differ (10s, 5s, 3).
  auto seconds = [&](std::string_view field, std::int64_t dflt) -> std::int64_t {
    const Node* d = hc.get(field);
    if (!d) return dflt;
    auto us = cv::duration_us(text(*d));
    if (!us) {
      report(Code::E5031, d->span, fmt::format("`{}` is not a duration", d->text),
             "write a duration such as `10s` or `1m30s`");
      return dflt;
    }
    return std::max<std::int64_t>(1, cv::ceil_seconds(*us));
  };
  std::int64_t interval = seconds("interval", 30), timeout = seconds("timeout", 30);
  std::int64_t retries = 3;
  if (const Node* r = hc.get("retries")) {
    if (digits(r->text) && r->text.size() < 7 && std::stoll(r->text) >= 1)
      retries = std::stoll(r->text);
    else
      report(Code::E5031, r->span, "`retries` must be a whole number from 1", "write `retries: 3`");
  }
  std::string timing;
  if (interval != 10) timing += ", period = " + cv::duration_text(interval);
  if (timeout != 5) timing += ", timeout = " + cv::duration_text(timeout);
  if (retries != 3) timing += fmt::format(", failures = {}", retries);
  if (const Node* sp = hc.get("start_period")) {
    std::int64_t start = seconds("start_period", 0);
    std::int64_t every = hc.get("start_interval") ? seconds("start_interval", 5) : 5;
    if (start > 0 && sp)
      startup = fmt::format("{}, period = {}, timeout = {}, failures = {})", expr,
                            cv::duration_text(every), cv::duration_text(timeout),
                            (start + every - 1) / every + retries);
  }
  return expr + timing + ")";
}

void Importer::resources(Svc& s, Stmt& w) {
  const Node& n = *s.node;
  std::optional<std::int64_t> cpu_l, cpu_r, mem_l, mem_r;
  auto cpu = [&](const Node* v, std::optional<std::int64_t>& into) {
    if (!v) return;
    if (auto m = cv::millicores(text(*v)))
      into = m;
    else
      report(Code::E5031, v->span, fmt::format("`{}` is not a number of CPUs", v->text),
             "write `cpus: \"0.5\"`");
  };
  auto mem = [&](const Node* v, std::optional<std::int64_t>& into) {
    if (!v) return;
    if (auto b = cv::bytes(text(*v)); b && *b > 0)
      into = b;
    else
      report(Code::E5031, v->span, fmt::format("`{}` is not a size in bytes", v->text),
             "write `memory: 512m`");
  };
  cpu(n.get("cpus"), cpu_l);
  mem(n.get("mem_limit"), mem_l);
  mem(n.get("mem_reservation"), mem_r);
  if (const Node* d = n.get("deploy"); d && d->is_map())
    if (const Node* r = d->get("resources"); r && r->is_map()) {
      if (const Node* l = r->get("limits"); l && l->is_map()) {
        cpu(l->get("cpus"), cpu_l);
        mem(l->get("memory"), mem_l);
      }
      if (const Node* q = r->get("reservations"); q && q->is_map()) {
        cpu(q->get("cpus"), cpu_r);
        mem(q->get("memory"), mem_r);
      }
    }
  std::vector<std::string> chosen;
  auto range = [&](std::string_view field, std::optional<std::int64_t> r,
                   std::optional<std::int64_t> l, auto show, std::string_view dflt) {
    std::string v;
    if (r && l)
      v = *r == *l ? show(*l) : show(*r) + ".." + show(*l);
    else if (l)
      v = show(*l);
    else if (r) {
      v = show(*r);
      chosen.push_back(
          fmt::format("`{} = {}` (a reservation without a limit: the limit is the "
                      "reservation)",
                      field, v));
    } else {
      v = std::string(dflt);
      chosen.push_back(fmt::format("`{} = {}`", field, v));
    }
    w.add(Stmt::assign(std::string(field), v));
  };
  range("cpu", cpu_r, cpu_l, cv::cpu_text, kDefaultCpu);
  range("memory", mem_r, mem_l, cv::bytes_text, kDefaultMemory);
  if (!chosen.empty()) {
    s.notes.push_back(chosen.size() > 1
                          ? std::string("not in the input: cpu and memory")
                          : "not in the input: " + chosen[0].substr(1, chosen[0].find(' ') - 1));
    std::string what = chosen[0];
    if (chosen.size() > 1) what += " and " + chosen[1];
    report(Code::W0052, s.key->span,
           fmt::format(
               "compose gives `{}` no {}: the import wrote {}", s.compose_name,
               chosen.size() > 1 ? "CPU or memory" : (what.starts_with("`cpu") ? "CPU" : "memory"),
               what),
           "set the request..limit the program needs (`docker stats` shows what it uses)");
  }
}

void Importer::security(Svc& s, Stmt& w) {
  const Node& n = *s.node;
  Stmt sec = Stmt::open("security");
  const Node* user = n.get("user");
  if (user) {
    std::string u = text(*user);
    std::string uid = u.substr(0, u.find(':'));
    std::string gid = u.find(':') == std::string::npos ? "" : u.substr(u.find(':') + 1);
    if (uid == "root" || uid == "0") {
      sec.add(Stmt::assign("run_as_root", "true"));
      if (digits(gid) && gid != "0") sec.add(Stmt::assign("run_as_group", gid));
    } else if (digits(uid) && uid.size() < 11 &&
               (gid.empty() || (digits(gid) && gid.size() < 11))) {
      sec.add(Stmt::assign("run_as_user", uid));
      if (!gid.empty() && gid != "0") sec.add(Stmt::assign("run_as_group", gid));
      if (gid == "0") s.notes.push_back("its group was 0 (root's): stackc runs group 65532");
    } else {
      keep(s.kept, key_of(n, user), *user,
           fmt::format("the user `{}` is a name: Kubernetes runs numeric users", u),
           "write the user's number: `security { run_as_user = 999 }`, or `image` for the "
           "image's own USER");
    }
  }
  std::vector<std::string> caps;
  if (const Node* add = n.get("cap_add"); add && add->is_seq())
    for (const Node& c : add->items) {
      std::string cap = text(c);
      for (char& ch : cap)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
      if (cap.starts_with("CAP_")) cap = cap.substr(4);
      if (cap == "ALL") {
        keep(s.kept, c, c, "`cap_add: ALL` gives every capability: not imported",
             "name the capabilities it needs: `security { capabilities = [\"NET_ADMIN\"] }`");
        continue;
      }
      if (std::find(caps.begin(), caps.end(), quote(cap)) == caps.end()) caps.push_back(quote(cap));
    }
  if (!caps.empty()) sec.add(Stmt::assign("capabilities", list(caps)));
  if (n.get("cap_drop")) s.notes.push_back("cap_drop: stackc drops ALL capabilities already");
  bool read_only = n.str("read_only") == "true";
  if (!user || !read_only)
    s.notes.push_back(fmt::format(
        "compose ran it as {}{}; stackc: user 65532, read-only root "
        "(see `security`)",
        user ? "user " + user->text : "the image's user", read_only ? "" : ", writable root"));
  secure_defaults(s, user != nullptr, read_only);
  if (!sec.body.empty()) w.add(std::move(sec));
}

void Importer::deploy_rest(Svc& s, const Node& deploy) {
  for (std::size_t k = 0; k < deploy.size(); ++k) {
    const Node& key = deploy.key(k);
    const Node& value = deploy.value(k);
    std::string_view f = key.text;
    if (f == "replicas" || (f == "mode" && value.text == "replicated")) continue;
    if (f == "resources" && value.is_map()) {
      for (std::size_t r = 0; r < value.size(); ++r) {
        const Node& part = value.value(r);
        if (!part.is_map()) continue;
        for (std::size_t q = 0; q < part.size(); ++q)
          if (part.key(q).text != "cpus" && part.key(q).text != "memory")
            keep(s.kept, part.key(q), part.value(q),
                 fmt::format("`deploy.resources.{}.{}` has no .stack form", value.key(r).text,
                             part.key(q).text),
                 std::string(kDefaultHelp));
      }
      continue;
    }
    if (f == "restart_policy" && value.is_map()) {
      for (std::size_t q = 0; q < value.size(); ++q) {
        std::string_view g = value.key(q).text;
        if (g != "condition" && g != "max_attempts")
          keep(s.kept, value.key(q), value.value(q),
               fmt::format("`deploy.restart_policy.{}` has no .stack form", g),
               "Kubernetes restarts failed containers with a growing back-off");
      }
      continue;
    }
    keep(s.kept, key, value,
         f == "mode" ? "`deploy.mode: global` (one container per node) has no .stack form"
                     : fmt::format("`deploy.{}` has no .stack form", f),
         f == "mode" ? "run it with `replicas` and `spread = nodes`" : std::string(kDefaultHelp));
  }
}

Stmt Importer::build(Svc& s) {
  const Node& n = *s.node;
  std::string kind = !s.data_path.empty()             ? "stateful"
                     : s.runs_once && s.ports.empty() ? "job"
                     : !s.ports.empty()               ? "service"
                                                      : "worker";
  Stmt w = Stmt::open(kind + " " + s.name);
  image(s, w);
  const Node* deploy = n.get("deploy");
  if (deploy && !deploy->is_map()) deploy = nullptr;
  const Node* reps = deploy && deploy->get("replicas") ? deploy->get("replicas") : n.get("scale");
  if (reps) {
    if (reps->type != Type::Int || reps->text.size() > 6)
      report(Code::E5031, reps->span, fmt::format("`{}` is not a number of replicas", reps->text),
             "write `replicas: 2`");
    else if (reps->text != "1" && kind != "job")
      w.add(Stmt::assign("replicas", reps->text));
  }
  for (const PortOut& p : s.ports) {
    std::string number = p.service == p.container ? std::to_string(p.container)
                                                  : fmt::format("{} -> {}", p.service, p.container);
    if (p.protocol == "tcp" && p.app_protocol.empty()) {
      w.add(Stmt::assign("port " + p.name, number));
      continue;
    }
    Stmt& b = w.add(Stmt::open("port " + p.name));
    b.add(Stmt::assign("number", number));
    if (p.protocol != "tcp") b.add(Stmt::assign("protocol", p.protocol));
    if (!p.app_protocol.empty()) b.add(Stmt::assign("app_protocol", quote(p.app_protocol)));
  }
  resources(s, w);
  if (kind == "stateful") {
    w.add(Stmt::assign("storage", std::string(kDefaultStorage)));
    if (s.data_path != "/data") w.add(Stmt::assign("data_path", quote(s.data_path)));
  }
  if (kind == "job" && s.retries >= 0 && s.retries != 3) {
    if (s.retries > 100)
      s.notes.push_back(
          fmt::format("compose retried {} times; a job retries at most 100", s.retries));
    w.add(Stmt::assign("retries", std::to_string(std::min(s.retries, 100))));
  }
  if (const Node* hc = n.get("healthcheck")) {
    std::string startup;
    std::string readiness = probe(s, *hc, startup);
    if (!readiness.empty()) {
      Stmt& h = w.add(Stmt::open("health"));
      h.add(Stmt::assign("readiness", readiness));
      if (!startup.empty()) h.add(Stmt::assign("startup", startup));
    }
  }
  if (kind == "stateful" && n.get("image") && s.data_path.find("postgresql") != std::string::npos &&
      cv::image_default_port(n.get("image")->text) == 5432 &&
      std::none_of(s.env.begin(), s.env.end(), [](const Stmt& x) { return x.head == "PGDATA"; })) {
    // A volume's root holds `lost+found` on most disks, where initdb refuses to start.
    s.env.push_back(Stmt::assign("PGDATA", quote(s.data_path + "/pgdata")));
    s.notes.push_back("PGDATA: a folder of the volume, as initdb wants an empty one");
  }
  if (!s.env.empty()) {
    Stmt& e = w.add(Stmt::open("env"));
    for (Stmt& x : s.env) e.add(std::move(x));
  }
  if (!s.needs.empty()) w.add(Stmt::assign("needs", list(s.needs)));
  for (auto [from, to] : {std::pair{"entrypoint", "command"}, std::pair{"command", "args"}})
    if (const Node* c = n.get(from))
      if (auto ws = words(s, key_of(n, c), *c)) {
        std::vector<std::string> items;
        for (const std::string& x : *ws) items.push_back(quote(x));
        w.add(Stmt::assign(to, list(items)));
      }
  if (const Node* wd = n.get("working_dir")) {
    std::string dir = text(*wd);
    if (dir.starts_with("/"))
      w.add(Stmt::assign("working_dir", quote(dir)));
    else
      keep(s.kept, key_of(n, wd), *wd, "`working_dir` is not an absolute path",
           "write the absolute path: `working_dir = \"/app\"`");
  }
  if (const Node* g = n.get("stop_grace_period")) {
    if (auto us = cv::duration_us(text(*g)))
      w.add(Stmt::assign("grace", cv::duration_text(cv::ceil_seconds(*us))));
    else
      report(Code::E5031, g->span, fmt::format("`{}` is not a duration", g->text),
             "write a duration such as `30s`");
  }
  for (Stmt& v : s.volumes) w.add(std::move(v));
  security(s, w);
  if (const Node* p = n.get("platform")) {
    std::string plat = text(*p);
    auto slash = plat.find('/');
    std::string os = plat.substr(0, slash);
    std::string arch = slash == std::string::npos ? "" : plat.substr(slash + 1);
    arch = arch.substr(0, arch.find('/'));
    if ((os == "linux" || os == "windows") && !arch.empty() && is_ident(arch)) {
      Stmt& sel = w.add(Stmt::open("node_selector \"kubernetes.io\""));
      sel.add(Stmt::assign("os", quote(os)));
      sel.add(Stmt::assign("arch", quote(arch)));
    } else {
      keep(s.kept, key_of(n, p), *p, fmt::format("the platform `{}` is not `OS/ARCH`", plat),
           "write `platform: linux/amd64`");
    }
  }
  if (s.runs_once && kind != "job")
    keep(s.kept, *s.restart, *s.restart,
         fmt::format("a {} restarts its containers always: the restart policy is not imported",
                     kind),
         "run what must run once as a service of its own without ports (it becomes a `job`)");
  if (deploy) deploy_rest(s, *deploy);
  // Every other key: kept.
  for (std::size_t k = 0; k < n.size(); ++k) {
    const Node& key = n.key(k);
    if (kMapped.count(key.text) || key.text == "environment" || key.text == "depends_on" ||
        key.text == "links" || key.text == "env_file")
      continue;
    auto r = kReasons.find(key.text);
    keep(s.kept, key, n.value(k),
         r != kReasons.end() ? std::string(r->second.why)
                             : fmt::format("`{}` has no .stack form", key.text),
         std::string(r != kReasons.end() ? r->second.help : kDefaultHelp));
  }
  if (s.compose_name != s.name)
    w.comments.push_back(fmt::format("compose service `{}`", s.compose_name));
  for (const std::string& note : s.notes) w.comments.push_back(note);
  if (!s.kept.empty()) {
    w.comments.push_back("not imported (no .stack form), as compose wrote it:");
    for (const std::string& l : s.kept) w.comments.push_back(l);
  }
  return w;
}

void Importer::top_level() {
  const Node& root = doc_.root;
  for (std::size_t k = 0; k < root.size(); ++k) {
    const Node& key = root.key(k);
    const Node& value = root.value(k);
    std::string_view f = key.text;
    if (f == "services" || f == "volumes" || f == "version" || f == "name" || f.starts_with("x-"))
      continue;
    if (f == "networks") {
      networks_reported_ = true;
      keep(top_kept_, key, value,
           "compose networks are not imported: stackc derives each workload's NetworkPolicy from "
           "the dependency graph (needs and references)",
           "let a workload reach another through `needs` or a reference such as `${db.address}`");
    } else if (f == "secrets" && value.is_map()) {
      for (std::size_t q = 0; q < value.size(); ++q) {
        const Node& def = value.value(q);
        if (def.is_map() && (def.get("content") || def.get("environment"))) {
          top_kept_.push_back(
              fmt::format("  secret {}: its value is not copied", value.key(q).text));
          report(Code::W0051, value.key(q).span,
                 fmt::format("the secret `{}` is given {}: not copied", value.key(q).text,
                             def.get("content") ? "literally (`content`)" : "from a variable"),
                 "put it in the secret backend and give it to the program as `secret(...)` in "
                 "`env`");
        } else {
          keep(top_kept_, value.key(q), def,
               fmt::format("the secret file `{}` is not imported", value.key(q).text),
               "put it in the secret backend and give it to the program as `secret(...)` in "
               "`env`");
        }
      }
    } else {
      auto r = kReasons.find(f);
      keep(top_kept_, key, value,
           f == "include" ? "the files `include` names are not read"
                          : (r != kReasons.end() ? std::string(r->second.why)
                                                 : fmt::format("`{}` has no .stack form", f)),
           f == "include" ? "import them together with this one"
                          : std::string(r != kReasons.end() ? r->second.help : kDefaultHelp));
    }
  }
}

std::vector<Stmt> Importer::run() {
  const Node& root = doc_.root;
  const Node* services = root.is_map() ? root.get("services") : nullptr;
  if (!services || !services->is_map()) {
    report(Code::E5030, services ? services->span : doc_.span,
           services ? "`services` must be a mapping of service names to services"
                    : "this is not a compose file: it has no `services`",
           "a compose file is a mapping with `services: { NAME: { image: ... } }`");
    return {};
  }
  volumes_ = root.get("volumes");
  top_level();
  std::map<std::string, const Node*> names;
  for (std::size_t k = 0; k < services->size(); ++k) {
    const Node& key = services->key(k);
    const Node& value = services->value(k);
    std::string name = cv::workload_name(key.text);
    if (name.empty() || !is_ident(name)) {
      report(Code::E5032, key.span,
             fmt::format("`{}` cannot be a workload name (a DNS label of at most 63 characters)",
                         key.text),
             "rename the service: letters, digits and `-`, starting with a letter");
      continue;
    }
    if (auto [it, added] = names.emplace(name, &key); !added) {
      base::Diagnostic d = base::make(
          Code::E5032, key.span,
          fmt::format("`{}` and `{}` are both the workload `{}`", it->second->text, key.text, name),
          "rename one of the services");
      d.notes.push_back({it->second->span, "the other one"});
      sink_.report(std::move(d));
      continue;
    }
    if (!value.is_map()) {
      report(Code::E5031, value.span.valid() ? value.span : key.span,
             fmt::format("the service `{}` must be a mapping", key.text),
             "write `NAME: { image: ... }`");
      continue;
    }
    Svc s;
    s.compose_name = key.text;
    s.name = name;
    s.key = &key;
    merged_.push_back(with_merges(value));
    s.node = &merged_.back();
    svcs_.push_back(std::move(s));
    add_host(key.text, svcs_.size() - 1);
  }
  for (std::size_t i = 0; i < svcs_.size(); ++i) collect(i);
  for (Svc& s : svcs_) {
    const Node& n = *s.node;
    for (std::size_t k = 0; k < n.size(); ++k) {
      const Node& key = n.key(k);
      const Node& value = n.value(k);
      if (key.text == "environment")
        environment(s, key, value);
      else if (key.text == "depends_on")
        depends_on(s, key, value);
      else if (key.text == "env_file")
        keep(s.kept, key, value, std::string(kReasons.at("env_file").why),
             std::string(kReasons.at("env_file").help));
      else if (key.text == "links" && value.is_seq())
        for (const Node& l : value.items) {
          std::string target = l.text.substr(0, l.text.find(':'));
          auto it = std::find_if(svcs_.begin(), svcs_.end(),
                                 [&](const Svc& x) { return x.compose_name == target; });
          if (it == svcs_.end())
            report(Code::E5033, l.span,
                   fmt::format("`{}` links to `{}`, which is not a service of this file",
                               s.compose_name, target),
                   "name a service of the file");
          else
            need(s, it->name);
        }
      else if (key.text == "networks" && !networks_reported_) {
        networks_reported_ = true;
        report(Code::W0050, key.span,
               "compose networks are not imported: stackc derives each workload's NetworkPolicy "
               "from the dependency graph (needs and references)",
               "let a workload reach another through `needs` or a reference such as "
               "`${db.address}`");
      }
    }
    if (const Node* nets = n.get("networks")) {
      std::vector<std::string> names_of;
      if (nets->is_seq())
        for (const Node& x : nets->items) names_of.push_back(x.text);
      else if (nets->is_map())
        for (std::size_t k = 0; k < nets->size(); ++k) names_of.push_back(nets->key(k).text);
      std::string joined;
      for (const std::string& x : names_of) joined += (joined.empty() ? "" : ", ") + x;
      s.notes.push_back(fmt::format(
          "networks {}: its NetworkPolicy follows the dependency graph instead", joined));
    }
  }
  break_cycles();
  std::vector<Stmt> out;
  for (Svc& s : svcs_) out.push_back(build(s));
  if (!out.empty() && !top_kept_.empty()) {
    std::vector<std::string> c = {"not imported (no .stack form), as compose wrote it:"};
    c.insert(c.end(), top_kept_.begin(), top_kept_.end());
    c.push_back("");
    c.insert(c.end(), out[0].comments.begin(), out[0].comments.end());
    out[0].comments = std::move(c);
  }
  return out;
}

}  // namespace compose_detail

std::vector<Stmt> from_compose(const manifests::Document& doc, const base::SourceManager& sm,
                               base::Sink& sink, std::vector<std::string>* secrets,
                               std::size_t* kept) {
  compose_detail::Importer im(doc, sm, sink);
  std::vector<Stmt> out = im.run();
  if (kept) *kept += im.kept_count;
  if (secrets)
    for (const auto& [name, keys] : im.secrets_made)
      secrets->push_back(fmt::format("{} (keys: {})", name, fmt::join(keys, ", ")));
  return out;
}

bool looks_like_compose(std::string_view path, std::string_view text) {
  std::string_view name =
      path.substr(path.rfind('/') == std::string_view::npos ? 0 : path.rfind('/') + 1);
  for (std::string_view base : {"compose.", "docker-compose."})
    if (name.starts_with(base) && (name.ends_with(".yml") || name.ends_with(".yaml"))) return true;
  bool services = false;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t nl = text.find('\n', at);
    std::string_view line = text.substr(at, nl == std::string_view::npos ? nl : nl - at);
    if (line.starts_with("kind:")) return false;
    services = services || line.starts_with("services:");
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return services;
}

std::string compose_project_name(const manifests::Document& doc) {
  return compose::workload_name(doc.root.str("name"));
}

}  // namespace stackc::importer
