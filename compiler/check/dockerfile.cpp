#include "check/dockerfile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "base/suggest.hpp"

namespace stackc::check::dockerfile {
namespace {

// At most this many problems per file: a file of junk is not worth a thousand lines of errors.
constexpr std::size_t kMaxProblems = 20;

constexpr std::array<std::string_view, 18> kInstructions = {
    "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};

struct Line {
  std::uint32_t begin, end;  // without the line end (LF, and a CR before it)
};

// Characters with the file offset each came from.
struct Text {
  std::string s;
  std::vector<std::uint32_t> at;
  std::vector<bool> literal;  // escaped: `\$` is a dollar, not a variable
  void push(char c, std::uint32_t o, bool lit = false) {
    s.push_back(c);
    at.push_back(o);
    literal.push_back(lit);
  }
  std::uint32_t begin_of(std::size_t i) const {
    return at.empty() ? 0 : at[std::min(i, at.size() - 1)];
  }
  std::uint32_t end_of(std::size_t i) const {  // the offset just after character i-1
    return i == 0 ? begin_of(0) : at[std::min(i, at.size()) - 1] + 1;
  }
  Located located(std::size_t from, std::size_t to) const {
    Located l;
    l.text = s.substr(from, to - from);
    l.begin = begin_of(from);
    l.end = to > from ? end_of(to) : l.begin;
    return l;
  }
};

bool blank(char c) {
  return c == ' ' || c == '\t';
}
bool name_first(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits arguments into words at blanks, removing quotes and escapes (the escape character
// before any character makes it literal).
std::vector<Text> words(const Text& t, char escape) {
  std::vector<Text> out;
  std::size_t i = 0, n = t.s.size();
  while (i < n) {
    while (i < n && blank(t.s[i])) ++i;
    if (i >= n) break;
    Text w;
    char quote = 0;
    while (i < n && (quote != 0 || !blank(t.s[i]))) {
      char c = t.s[i];
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
        ++i;
        continue;
      }
      if (quote != 0 && c == quote) {
        quote = 0;
        ++i;
        continue;
      }
      if (c == escape && quote != '\'' && i + 1 < n) {
        w.push(t.s[i + 1], t.at[i + 1], true);
        i += 2;
        continue;
      }
      w.push(c, t.at[i]);
      ++i;
    }
    if (w.at.empty()) w.at.push_back(t.at[std::min(i, n) - 1]);  // `""`: an empty word, located
    if (w.literal.size() < w.s.size()) w.literal.resize(w.s.size());
    if (w.s.empty()) w.literal.clear();
    out.push_back(std::move(w));
  }
  return out;
}

using Vars = std::map<std::string, std::optional<std::string>, std::less<>>;

// The variables an instruction sees: its stage's ENV (which wins), its stage's ARGs, then the ENV
// of the stages it starts from, nearest first. Nothing is copied: a Dockerfile of many ENVs or
// stages costs time linear in its size.
struct Scope {
  const Vars* env = nullptr;
  const Vars* args = nullptr;
  std::vector<const Vars*> inherited;

  std::optional<std::string> value(const std::string& name) const {
    for (const Vars* v : {env, args})
      if (v)
        if (auto it = v->find(name); it != v->end()) return it->second;
    for (const Vars* v : inherited)
      if (auto it = v->find(name); it != v->end()) return it->second;
    return std::nullopt;
  }
};

// At most this many earlier stages are looked through for an inherited ENV.
constexpr std::size_t kMaxInherited = 64;

// Substitutes `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME:+word}`, `${NAME-word}` and
// `${NAME+word}`. A variable with no value is empty and listed in `unset`.
std::string expand(const Text& w, const Scope& scope, std::vector<Located>* unset,
                   bool* unresolved = nullptr) {
  std::string out;
  std::size_t i = 0, n = w.s.size();
  bool unclosed = false;  // no `}` after some `${`: none after a later one either
  auto value = [&](const std::string& name) { return scope.value(name); };
  while (i < n) {
    if (w.s[i] != '$' || w.literal[i] || i + 1 >= n) {
      out.push_back(w.s[i++]);
      continue;
    }
    std::size_t start = i;
    if (name_first(w.s[i + 1])) {
      std::size_t j = i + 1;
      while (j < n && name_char(w.s[j])) ++j;
      std::string name = w.s.substr(i + 1, j - i - 1);
      auto v = value(name);
      if (v) {
        out += *v;
      } else {
        if (unset) unset->push_back(w.located(start, j));
        if (unresolved) *unresolved = true;
      }
      i = j;
      continue;
    }
    if (w.s[i + 1] == '{' && !unclosed) {
      std::size_t close = w.s.find('}', i + 2);
      if (close == std::string::npos) {
        unclosed = true;
        out.push_back(w.s[i++]);
        continue;
      }
      std::string inner = w.s.substr(i + 2, close - i - 2);
      std::size_t k = 0;
      while (k < inner.size() && name_char(inner[k])) ++k;
      std::string name = inner.substr(0, k), op, word;
      if (k < inner.size()) {
        std::size_t len = inner[k] == ':' ? 2 : 1;
        op = inner.substr(k, len);
        word = inner.substr(std::min(k + len, inner.size()));
      }
      auto v = value(name);
      bool set = v.has_value() && (op.size() < 2 || !v->empty());
      if (op == ":-" || op == "-") {
        out += set ? *v : word;
      } else if (op == ":+" || op == "+") {
        out += set ? word : std::string();
      } else if (v) {
        out += *v;
      } else {
        if (unset) unset->push_back(w.located(start, close + 1));
        if (unresolved) *unresolved = true;
      }
      i = close + 1;
      continue;
    }
    out.push_back(w.s[i++]);
  }
  return out;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Dockerfile run() {
    split_lines();
    std::size_t i = directives();
    while (i < lines_.size()) i = instruction(i);
    return std::move(d_);
  }

 private:
  std::string_view text_;
  std::vector<Line> lines_;
  Dockerfile d_;
  Vars globals_;                 // ARGs before the first FROM
  Vars stage_vars_;              // the current stage's ARGs
  std::vector<Vars> stage_env_;  // per stage: its own ENV, for USER and the stages after it
  std::map<std::string, int, std::less<>> stage_names_;

  std::string_view line(std::size_t i) const {
    return text_.substr(lines_[i].begin, lines_[i].end - lines_[i].begin);
  }

  void problem(std::uint32_t b, std::uint32_t e, std::string message, std::string help) {
    if (d_.problems.size() >= kMaxProblems) return;
    d_.problems.push_back({b, std::max(e, b), std::move(message), std::move(help)});
  }

  void split_lines() {
    std::uint32_t b = 0;
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") b = 3;
    auto n = static_cast<std::uint32_t>(text_.size());
    while (b < n) {
      std::size_t nl = text_.find('\n', b);
      std::uint32_t e = nl == std::string_view::npos ? n : static_cast<std::uint32_t>(nl);
      std::uint32_t end = e;
      if (end > b && text_[end - 1] == '\r') --end;
      lines_.push_back({b, end});
      b = e + 1;
    }
  }

  // `# directive=value` lines at the very top; the first other line ends them.
  std::size_t directives() {
    std::size_t i = 0;
    for (; i < lines_.size(); ++i) {
      std::string_view l = line(i);
      std::size_t k = 0;
      while (k < l.size() && blank(l[k])) ++k;
      if (k >= l.size() || l[k] != '#') break;
      ++k;
      while (k < l.size() && blank(l[k])) ++k;
      std::size_t name_at = k;
      while (k < l.size() && (name_char(l[k]) || l[k] == '-')) ++k;
      std::string name = lower(l.substr(name_at, k - name_at));
      while (k < l.size() && blank(l[k])) ++k;
      if (name.empty() || k >= l.size() || l[k] != '=') break;
      ++k;
      while (k < l.size() && blank(l[k])) ++k;
      std::string_view value = l.substr(k);
      while (!value.empty() && blank(value.back())) value.remove_suffix(1);
      if (name == "escape") {
        if (value == "\\" || value == "`") {
          d_.escape = value[0];
        } else {
          std::uint32_t at = lines_[i].begin + static_cast<std::uint32_t>(k);
          problem(at, at + static_cast<std::uint32_t>(value.size()),
                  fmt::format("the escape character `{}` is neither `\\` nor a backtick", value),
                  "write `# escape=\\` (the default) or `# escape=`` ` for Windows paths");
        }
      }
    }
    return i;
  }

  static bool comment_or_blank(std::string_view l) {
    std::size_t k = 0;
    while (k < l.size() && blank(l[k])) ++k;
    return k >= l.size() || l[k] == '#';
  }

  // One instruction from line i (skipping comments and blank lines); returns the next line.
  std::size_t instruction(std::size_t i) {
    if (comment_or_blank(line(i))) return i + 1;
    Text t;
    std::uint32_t begin = lines_[i].begin;
    while (begin < lines_[i].end && blank(text_[begin])) ++begin;
    std::uint32_t end = lines_[i].end;
    for (;;) {
      std::uint32_t b = lines_[i].begin, e = lines_[i].end;
      std::uint32_t last = e;
      while (last > b && blank(text_[last - 1])) --last;
      bool continued = last > b && text_[last - 1] == d_.escape;
      std::uint32_t stop = continued ? last - 1 : e;
      for (std::uint32_t o = b; o < stop; ++o) t.push(text_[o], o);
      end = continued ? last : e;
      ++i;
      if (!continued) break;
      while (i < lines_.size() && comment_or_blank(line(i))) ++i;
      if (i >= lines_.size()) {
        problem(
            last - 1, last,
            fmt::format("the file ends after a line continuation `{}`: the instruction has "
                        "no last line",
                        d_.escape),
            fmt::format("remove the `{}` at the end of the instruction's last line", d_.escape));
        break;
      }
    }
    // The keyword.
    std::size_t k = 0;
    while (k < t.s.size() && blank(t.s[k])) ++k;
    std::size_t kw_begin = k;
    while (k < t.s.size() && !blank(t.s[k])) ++k;
    Located kw = t.located(kw_begin, k);
    std::string key = upper(kw.text);
    while (k < t.s.size() && blank(t.s[k])) ++k;
    Text args;
    for (std::size_t j = k; j < t.s.size(); ++j) args.push(t.s[j], t.at[j]);
    ++d_.instructions;
    if (key == "RUN" || key == "COPY" || key == "ADD") i = heredocs(args, i);
    if (std::find(kInstructions.begin(), kInstructions.end(), key) == kInstructions.end()) {
      std::vector<std::string> names(kInstructions.begin(), kInstructions.end());
      std::string hint = base::did_you_mean(key, names);
      problem(kw.begin, kw.end,
              kw.text.size() <= 40 && std::all_of(kw.text.begin(), kw.text.end(),
                                                  [](char c) { return name_char(c); })
                  ? fmt::format("`{}` is not a Dockerfile instruction", kw.text)
                  : "this line is not a Dockerfile instruction",
              hint.empty() ? "an instruction starts with its keyword: FROM, RUN, COPY, USER, ..."
                           : hint);
      return i;
    }
    if (key != "ARG" && key != "FROM" && d_.stages.empty()) {
      problem(kw.begin, kw.end, fmt::format("`{}` before the first `FROM`", key),
              "only `ARG` may come before the first `FROM`; start a stage with `FROM image:tag`");
      return i;
    }
    if (key == "FROM") from(kw, args, begin, end);
    if (key == "ARG") arg(kw, args);
    if (key == "ENV") env(args);
    if (key == "USER") user(kw, args);
    if (key == "HEALTHCHECK") healthcheck(kw, args, begin, end);
    return i;
  }

  // The bodies of the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), after the
  // lines of the instruction; returns the line after the last body.
  std::size_t heredocs(const Text& args, std::size_t i) {
    char quote = 0;
    const std::string& s = args.s;
    for (std::size_t k = 0; k + 2 < s.size(); ++k) {
      char c = s[k];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
        continue;
      }
      if (c != '<' || s[k + 1] != '<' || (k > 0 && s[k - 1] == '<') || s[k + 2] == '<') continue;
      std::size_t j = k + 2;
      bool dash = j < s.size() && s[j] == '-';
      if (dash) ++j;
      char q = j < s.size() && (s[j] == '"' || s[j] == '\'') ? s[j] : 0;
      if (q) ++j;
      std::size_t w = j;
      while (j < s.size() && (name_char(s[j]) || s[j] == '-' || s[j] == '.')) ++j;
      if (j == w) continue;
      std::string word = s.substr(w, j - w);
      if (q && (j >= s.size() || s[j] != q)) continue;
      std::size_t marker_end = q ? j + 1 : j;
      bool closed = false;
      while (i < lines_.size()) {
        std::string_view l = line(i++);
        if (dash)
          while (!l.empty() && l.front() == '\t') l.remove_prefix(1);
        if (l == word) {
          closed = true;
          break;
        }
      }
      if (!closed) {
        problem(args.begin_of(k), args.end_of(marker_end),
                fmt::format("the heredoc `{}` is never closed: no line `{}` follows", word, word),
                fmt::format("end the heredoc with a line that holds only `{}`", word));
        return i;
      }
      k = marker_end - 1;
    }
    return i;
  }

  void from(const Located& kw, const Text& args, std::uint32_t begin, std::uint32_t end) {
    auto ws = words(args, d_.escape);
    Stage st;
    st.from_begin = begin;
    st.from_end = end;
    std::size_t k = 0;
    for (; k < ws.size() && ws[k].s.rfind("--", 0) == 0; ++k) {
      if (ws[k].s.rfind("--platform=", 0) == 0) {
        st.platform = ws[k].s.substr(11);
      } else {
        Located f = ws[k].located(0, ws[k].s.size());
        problem(f.begin, f.end, fmt::format("`FROM` takes no flag `{}`", f.text),
                "`FROM` takes only `--platform=...`");
      }
    }
    if (k >= ws.size()) {
      problem(kw.begin, kw.end, "`FROM` names no image", "write `FROM image:tag [AS name]`");
      return;
    }
    const Text& img = ws[k];
    st.image = img.located(0, img.s.size());
    st.resolved = expand(img, Scope{nullptr, &globals_, {}}, &st.unset);
    ++k;
    if (k < ws.size()) {
      if (upper(ws[k].s) != "AS" || k + 2 != ws.size()) {
        Located extra = ws[k].located(0, ws[k].s.size());
        problem(extra.begin, args.end_of(args.s.size()),
                "`FROM` takes an image and at most `AS name`", "write `FROM image:tag AS name`");
      } else {
        st.name = ws[k + 1].located(0, ws[k + 1].s.size());
        st.name.text = lower(st.name.text);
        const std::string& n = st.name.text;
        bool ok = !n.empty() && std::isalpha(static_cast<unsigned char>(n[0])) &&
                  std::all_of(n.begin(), n.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                           c == '.';
                  });
        if (!ok) {
          problem(st.name.begin, st.name.end, fmt::format("`{}` is not a stage name", st.name.text),
                  "a stage name starts with a letter, then letters, digits, `-`, `_` or `.`");
          st.name.text.clear();
        } else if (auto it = stage_names_.find(n); it != stage_names_.end()) {
          problem(st.name.begin, st.name.end, fmt::format("the stage name `{}` is used twice", n),
                  "give each stage its own name");
          st.name.text.clear();
        }
      }
    }
    if (st.resolved.empty() && st.unset.empty())
      problem(st.image.begin, st.image.end, "`FROM` names an empty image",
              "write `FROM image:tag`");
    if (auto it = stage_names_.find(lower(st.resolved)); it != stage_names_.end())
      st.parent = it->second;
    int index = static_cast<int>(d_.stages.size());
    if (!st.name.text.empty()) stage_names_[st.name.text] = index;
    stage_env_.emplace_back();
    stage_vars_.clear();
    d_.stages.push_back(std::move(st));
  }

  void arg(const Located& kw, const Text& args) {
    auto ws = words(args, d_.escape);
    if (ws.empty()) {
      problem(kw.begin, kw.end, "`ARG` names no variable", "write `ARG NAME` or `ARG NAME=value`");
      return;
    }
    for (const auto& w : ws) {
      std::size_t eq = w.s.find('=');
      std::string name = w.s.substr(0, eq);
      if (name.empty() || !name_first(name[0]) ||
          !std::all_of(name.begin(), name.end(), name_char)) {
        Located l = w.located(0, eq == std::string::npos ? w.s.size() : eq);
        problem(l.begin, l.end, fmt::format("`{}` is not a variable name", l.text),
                "a name is letters, digits and `_`, not starting with a digit");
        continue;
      }
      std::optional<std::string> value;
      Vars& into = d_.stages.empty() ? globals_ : stage_vars_;
      if (eq != std::string::npos) {
        Text rest;
        for (std::size_t j = eq + 1; j < w.s.size(); ++j) rest.push(w.s[j], w.at[j], w.literal[j]);
        value = expand(rest, d_.stages.empty() ? Scope{nullptr, &globals_, {}} : scope(), nullptr);
      } else if (!d_.stages.empty()) {
        auto g = globals_.find(name);  // `ARG NAME` in a stage takes the global default
        if (g != globals_.end()) value = g->second;
      }
      into[name] = value;
    }
  }

  // The variables the current stage sees (valid until the next stage).
  Scope scope() const {
    Scope s{&stage_env_.back(), &stage_vars_, {}};
    int p = d_.stages.back().parent;
    while (p >= 0 && s.inherited.size() < kMaxInherited) {
      s.inherited.push_back(&stage_env_[static_cast<std::size_t>(p)]);
      p = d_.stages[static_cast<std::size_t>(p)].parent;
    }
    return s;
  }

  void env(const Text& args) {
    if (d_.stages.empty()) return;
    auto ws = words(args, d_.escape);
    Vars& e = stage_env_.back();
    if (!ws.empty() && ws[0].s.find('=') == std::string::npos) {  // ENV NAME value
      std::string value;
      for (std::size_t j = 1; j < ws.size(); ++j) value += (j > 1 ? " " : "") + ws[j].s;
      e[ws[0].s] = value;
      return;
    }
    for (const auto& w : ws) {
      std::size_t eq = w.s.find('=');
      if (eq == std::string::npos) continue;
      Text rest;
      for (std::size_t j = eq + 1; j < w.s.size(); ++j) rest.push(w.s[j], w.at[j], w.literal[j]);
      std::string v = expand(rest, scope(), nullptr);
      e[w.s.substr(0, eq)] = std::move(v);
    }
  }

  void user(const Located& kw, const Text& args) {
    auto ws = words(args, d_.escape);
    if (ws.empty() || ws[0].s.empty()) {
      problem(kw.begin, kw.end, "`USER` names no user", "write `USER 65532` or `USER 65532:65532`");
      return;
    }
    Stage& st = d_.stages.back();
    bool unresolved = false;
    Located u = ws[0].located(0, ws[0].s.size());
    u.text = expand(ws[0], scope(), nullptr, &unresolved);
    if (u.text.empty()) unresolved = true;  // variables that all came out empty
    if (unresolved) u.text = ws[0].s;
    st.user = u;
    st.user_unresolved = unresolved;
  }

  void healthcheck(const Located& kw, const Text& args, std::uint32_t begin, std::uint32_t end) {
    Healthcheck h;
    h.begin = begin;
    h.end = end;
    std::size_t k = 0;
    const std::string& s = args.s;
    static constexpr std::array<std::string_view, 5> kFlags = {
        "--interval=", "--timeout=", "--start-period=", "--start-interval=", "--retries="};
    while (k < s.size() && s.compare(k, 2, "--") == 0) {
      std::size_t e = k;
      while (e < s.size() && !blank(s[e])) ++e;
      std::string_view flag(s.data() + k, e - k);
      if (std::none_of(kFlags.begin(), kFlags.end(),
                       [&](std::string_view f) { return flag.substr(0, f.size()) == f; }))
        problem(args.begin_of(k), args.end_of(e),
                fmt::format("`HEALTHCHECK` takes no flag `{}`", flag),
                "the flags are `--interval`, `--timeout`, `--start-period`, `--start-interval` "
                "and `--retries`");
      k = e;
      while (k < s.size() && blank(s[k])) ++k;
    }
    std::size_t w = k;
    while (k < s.size() && !blank(s[k])) ++k;
    std::string word = upper(std::string_view(s).substr(w, k - w));
    while (k < s.size() && blank(s[k])) ++k;
    if (word == "NONE") {
      h.none = true;
    } else if (word == "CMD" && k < s.size()) {
      h.command = s.substr(k);
    } else {
      problem(kw.begin, kw.end,
              word == "CMD" ? "`HEALTHCHECK CMD` has no command"
                            : "`HEALTHCHECK` takes `CMD command` or `NONE`",
              "write `HEALTHCHECK CMD [\"/app/healthcheck\"]` or `HEALTHCHECK NONE`");
      return;
    }
    d_.stages.back().healthcheck = std::move(h);
  }
};

}  // namespace

Dockerfile parse(std::string_view text) {
  return Parser(text).run();
}

std::string image_tag(std::string_view image) {
  std::string_view ref = image.substr(0, image.find('@'));
  std::size_t slash = ref.rfind('/');
  std::size_t colon = ref.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash))
    return {};
  return std::string(ref.substr(colon + 1));
}

bool image_digest(std::string_view image) {
  return image.find('@') != std::string_view::npos;
}

int target_stage(const Dockerfile& d, std::string_view target) {
  if (target.empty()) return static_cast<int>(d.stages.size()) - 1;
  std::string t = lower(target);
  for (std::size_t i = 0; i < d.stages.size(); ++i)
    if (d.stages[i].name.text == t) return static_cast<int>(i);
  return -1;
}

std::optional<Located> effective_user(const Dockerfile& d, int i, int* stage, bool* unresolved) {
  for (std::size_t guard = 0; i >= 0 && guard <= d.stages.size(); ++guard) {
    const Stage& st = d.stages[static_cast<std::size_t>(i)];
    if (st.user) {
      if (stage) *stage = i;
      if (unresolved) *unresolved = st.user_unresolved;
      return st.user;
    }
    i = st.parent;
  }
  return std::nullopt;
}

std::optional<Healthcheck> effective_healthcheck(const Dockerfile& d, int i) {
  for (std::size_t guard = 0; i >= 0 && guard <= d.stages.size(); ++guard) {
    const Stage& st = d.stages[static_cast<std::size_t>(i)];
    if (st.healthcheck) return st.healthcheck;
    i = st.parent;
  }
  return std::nullopt;
}

}  // namespace stackc::check::dockerfile
