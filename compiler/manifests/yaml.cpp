#include "manifests/yaml.hpp"

#include "manifests/block.hpp"

#include <fmt/format.h>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>
#include <algorithm>
#include <istream>
#include <map>
#include <streambuf>
#include <unordered_map>

namespace stackc::manifests {

const Node* Node::get(std::string_view k) const {
  if (type != Type::Map) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2)
    if (items[i].is_scalar() && items[i].text == k) return &items[i + 1];
  return nullptr;
}

std::string_view Node::str(std::string_view k) const {
  const Node* v = get(k);
  return v && v->is_scalar() && v->type != Type::Null ? std::string_view(v->text)
                                                      : std::string_view();
}

namespace {

// The text of the file as a stream, without a copy.
struct ViewBuf : std::streambuf {
  explicit ViewBuf(std::string_view s) {
    char* p = const_cast<char*>(s.data());
    setg(p, p, p + s.size());
  }
};

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool digits(std::string_view s, bool (*ok)(char)) {
  if (s.empty()) return false;
  bool any = false;
  for (char c : s) {
    if (c == '_') continue;
    if (!ok(c)) return false;
    any = true;
  }
  return any;
}

bool is_dec(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_dec(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_oct(char c) {
  return c >= '0' && c <= '7';
}
bool is_bin(char c) {
  return c == '0' || c == '1';
}

bool is_int(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return digits(s.substr(2), is_hex);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o')) return digits(s.substr(2), is_oct);
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'b')) return digits(s.substr(2), is_bin);
  return digits(s, is_dec) && s.front() != '_';
}

bool is_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (one_of(s, {".inf", ".Inf", ".INF"})) return true;
  std::size_t i = 0, mant = 0;
  while (i < s.size() && (is_dec(s[i]) || s[i] == '_')) ++i, ++mant;
  bool dot = i < s.size() && s[i] == '.';
  if (dot) {
    ++i;
    while (i < s.size() && is_dec(s[i])) ++i, ++mant;
  }
  if (mant == 0) return false;
  bool exp = i < s.size() && (s[i] == 'e' || s[i] == 'E');
  if (exp) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t e0 = i;
    while (i < s.size() && is_dec(s[i])) ++i;
    if (i == e0) return false;
  }
  return i == s.size() && (dot || exp);
}

// How Kubernetes (go-yaml v2, YAML 1.1) reads a plain scalar.
Type plain_type(std::string_view s) {
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) return Type::Null;
  if (one_of(s,
             {"true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
              "NO",   "on",   "On",   "ON",    "off",   "Off",   "OFF", "y",   "Y",   "n",  "N"}))
    return Type::Bool;
  if (is_int(s)) return Type::Int;
  if (is_float(s) || one_of(s, {".nan", ".NaN", ".NAN"})) return Type::Float;
  return Type::String;
}

Type tagged_type(const std::string& tag, const std::string& value) {
  if (tag == "?") return plain_type(value);
  if (tag == "!" || tag.empty()) return Type::String;  // quoted or a block scalar
  static const std::string kCore = "tag:yaml.org,2002:";
  if (tag.rfind(kCore, 0) == 0) {
    std::string_view t = std::string_view(tag).substr(kCore.size());
    if (t == "str") return Type::String;
    if (t == "null") return Type::Null;
    if (t == "bool") return Type::Bool;
    if (t == "int") return Type::Int;
    if (t == "float") return Type::Float;
  }
  return plain_type(value);  // an application tag: read the value as it is
}

std::size_t count_nodes(const Node& n) {
  std::size_t c = 1;
  for (const Node& i : n.items) c += count_nodes(i);
  return c;
}

// Raised inside the handler to stop the parse (caught in parse()).
struct Stop {
  base::Code code;
  base::Span span;
  std::string message, help;
};

class Builder final : public YAML::EventHandler {
 public:
  Builder(const base::SourceFile& f, base::FileId id, base::Sink& sink)
      : file_(f),
        id_(id),
        sink_(sink),
        budget_(std::max<std::size_t>(100000, 4 * f.text().size())) {}

  std::vector<Node> docs;          // the documents' roots, in order
  std::vector<base::Span> starts;  // where each began

  base::Span at(const YAML::Mark& m, std::size_t len = 1) const {
    if (m.is_null()) return {id_, 0, 0};
    std::string_view line = file_.line_text(static_cast<std::uint32_t>(m.line + 1));
    auto base = static_cast<std::uint32_t>(line.data() - file_.text().data());
    auto col = std::min<std::uint32_t>(static_cast<std::uint32_t>(m.column),
                                       static_cast<std::uint32_t>(line.size()));
    auto end =
        std::min<std::uint32_t>(static_cast<std::uint32_t>(col + std::max<std::size_t>(len, 1)),
                                static_cast<std::uint32_t>(line.size()));
    return {id_, base + col, base + std::max(end, col)};
  }

  void OnDocumentStart(const YAML::Mark& mark) override { doc_start_ = at(mark); }
  void OnDocumentEnd() override {
    docs.push_back(std::move(root_));
    starts.push_back(doc_start_);
    root_ = Node{};
  }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node n;
    n.span = at(mark);
    add(std::move(n), anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      Node n;
      n.span = at(mark);
      add(std::move(n), 0);
      return;
    }
    created_ += it->second.second;
    if (created_ > budget_)
      throw Stop{base::Code::E5003, at(mark),
                 fmt::format("the aliases of this document expand to more than {} nodes", budget_),
                 "write the repeated part out where an alias nests aliases, or split the file"};
    add(Node(it->second.first), 0);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node n;
    n.type = tagged_type(tag, value);
    std::size_t len = value.size() + (tag == "!" ? 2 : 0);
    n.span = at(mark, len);
    n.text = value;
    add(std::move(n), anchor);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(Type::Seq, mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(Type::Map, mark, anchor);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    // A mapping's scalar keys so far, each with where it was given (a repeated key is then
    // reported without a scan of the mapping: linear however many keys repeat).
    std::unordered_map<std::string, base::Span> keys;
    bool drop_value = false;  // the next value belongs to a repeated key
  };

  void open(Type t, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (stack_.size() >= kMaxDepth)
      throw Stop{base::Code::E5003, at(mark),
                 fmt::format("the YAML nests deeper than {} levels", kMaxDepth),
                 "Kubernetes objects nest a few levels deep: this is not a manifest"};
    Frame f;
    f.node.type = t;
    f.node.span = at(mark);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    if (!f.node.items.empty())
      f.node.span.end = std::max(f.node.span.end, f.node.items.back().span.end);
    add(std::move(f.node), f.anchor);
  }

  void add(Node n, YAML::anchor_t anchor) {
    if (++created_ > budget_)
      throw Stop{base::Code::E5003, n.span,
                 fmt::format("the document has more than {} nodes", budget_),
                 "split the input into smaller files"};
    if (anchor) anchors_[anchor] = {n, count_nodes(n)};
    if (stack_.empty()) {
      root_ = std::move(n);
      return;
    }
    Frame& p = stack_.back();
    if (p.drop_value) {
      p.drop_value = false;
      return;
    }
    if (p.node.type != Type::Map || p.node.items.size() % 2 != 0 || !n.is_scalar()) {
      p.node.items.push_back(std::move(n));
      return;
    }
    if (auto [first, added] = p.keys.try_emplace(n.text, n.span); !added) {
      // Reported, and the second entry left out (its value is the next node added here).
      auto d = base::make(base::Code::E5004, n.span,
                          fmt::format("the key `{}` is given twice in one mapping", n.text),
                          "keep one of the two: Kubernetes refuses a mapping with a repeated key");
      d.notes.push_back({first->second, "given first here"});
      sink_.report(std::move(d));
      p.drop_value = true;
      return;
    }
    p.node.items.push_back(std::move(n));
  }

  const base::SourceFile& file_;
  base::FileId id_;
  base::Sink& sink_;
  std::size_t budget_, created_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  Node root_;
  base::Span doc_start_;
};

void add_document(std::vector<Document>& out, Node root, base::Span start, bool objects,
                  base::Sink& sink, int depth = 0) {
  if (root.type == Type::Null) return;  // an empty document
  if (!objects) {
    Document d;
    d.root = std::move(root);
    d.span = start;
    out.push_back(std::move(d));
    return;
  }
  base::Span where =
      root.span.valid() ? base::Span{root.span.file, root.span.begin, root.span.begin} : start;
  if (root.type != Type::Map) {
    sink.report(base::make(base::Code::E5002, where,
                           "this YAML document is not a mapping, so not a Kubernetes object",
                           "give Kubernetes objects (apiVersion, kind, metadata...), one per "
                           "document, separated by `---`"));
    return;
  }
  if (root.str("kind").empty()) {
    sink.report(base::make(base::Code::E5002, where, "this YAML document has no `kind`",
                           "every Kubernetes object names its kind (Deployment, Service...) and "
                           "its apiVersion"));
    return;
  }
  if (root.str("kind") == "List" && depth == 0) {
    if (const Node* items = root.get("items"); items && items->is_seq()) {
      for (const Node& item : items->items) add_document(out, item, item.span, objects, sink, 1);
      return;
    }
  }
  Document d;
  d.api_version = std::string(root.str("apiVersion"));
  d.kind = std::string(root.str("kind"));
  if (const Node* meta = root.get("metadata")) {
    d.ns = std::string(meta->str("namespace"));
    d.name = std::string(meta->str("name"));
  }
  d.span = start;
  d.root = std::move(root);
  out.push_back(std::move(d));
}

}  // namespace

std::vector<Document> parse(const base::SourceManager& sm, base::FileId file, base::Sink& sink,
                            bool objects) {
  if (objects)
    if (auto docs = read_block(sm, file)) return std::move(*docs);
  return parse_events(sm, file, sink, objects);
}

std::vector<Document> parse_events(const base::SourceManager& sm, base::FileId file,
                                   base::Sink& sink, bool objects) {
  const base::SourceFile& f = sm.file(file);
  std::vector<Document> out;
  ViewBuf buf(f.text());
  std::istream in(&buf);
  Builder b(f, file, sink);
  std::size_t taken = 0;
  auto take = [&] {
    for (; taken < b.docs.size(); ++taken)
      add_document(out, std::move(b.docs[taken]), b.starts[taken], objects, sink);
  };
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(b)) take();
  } catch (const Stop& s) {
    sink.report(base::make(s.code, s.span, s.message, s.help));
  } catch (const YAML::DeepRecursion& e) {
    sink.report(base::make(base::Code::E5003, b.at(e.mark),
                           fmt::format("the YAML nests deeper than {} levels", kMaxDepth),
                           "Kubernetes objects nest a few levels deep: this is not a manifest"));
  } catch (const YAML::Exception& e) {
    sink.report(base::make(base::Code::E5001, b.at(e.mark),
                           fmt::format("malformed YAML: {}", e.msg),
                           "fix the YAML at this place (`kubectl apply --dry-run=client -f FILE` "
                           "reports the same)"));
  } catch (const std::exception& e) {
    sink.report(base::make(base::Code::E5001, {file, 0, 0},
                           fmt::format("malformed YAML: {}", e.what()), "fix the YAML"));
  }
  take();
  return out;
}

std::string_view source_lines(const base::SourceManager& sm, base::Span span) {
  if (!span.valid()) return {};
  const base::SourceFile& f = sm.file(span.file);
  auto a = f.line_col(span.begin).line, z = f.line_col(span.end).line;
  std::string_view first = f.line_text(a), last = f.line_text(z);
  const char* b = first.data();
  const char* e = last.data() + last.size();
  return {b, static_cast<std::size_t>(e - b)};
}

Type plain_scalar_type(std::string_view text) {
  return plain_type(text);
}

}  // namespace stackc::manifests
