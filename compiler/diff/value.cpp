#include "diff/value.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace stackc::diff {
namespace {

bool key_less(const Entry& e, std::string_view k) {
  return e.key < k;
}

// `0x1F`, `0o17`, `1_000` -> decimal; empty when out of range.
std::string int_text(std::string_view s) {
  std::string t;
  for (char c : s)
    if (c != '_') t += c;
  bool neg = !t.empty() && t[0] == '-';
  std::size_t at = (!t.empty() && (t[0] == '-' || t[0] == '+')) ? 1 : 0;
  int base = 10;
  if (t.size() > at + 2 && t[at] == '0') {
    char p = t[at + 1];
    if (p == 'x' || p == 'X') base = 16;
    if (p == 'o') base = 8;
    if (p == 'b') base = 2;
    if (base != 10) at += 2;
  }
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(t.c_str() + at, &end, base);
  if (errno != 0 || end == t.c_str() + at || *end != '\0') return {};
  if (v == 0) return "0";
  return (neg ? "-" : "") + std::to_string(v);
}

void flow_into(const Value& v, std::string& out, std::size_t limit) {
  if (limit && out.size() > limit) return;
  switch (v.type) {
    case Type::Null:
      out += "null";
      return;
    case Type::Seq:
      out += '[';
      for (std::size_t i = 0; i < v.seq.size(); ++i) {
        if (i) out += ", ";
        flow_into(v.seq[i], out, limit);
      }
      out += ']';
      return;
    case Type::Map:
      out += v.keyed ? "[" : "{";
      for (std::size_t i = 0; i < v.map.size(); ++i) {
        if (i) out += ", ";
        if (!v.keyed) out += v.map[i].key + ": ";
        flow_into(v.map[i].value, out, limit);
      }
      out += v.keyed ? "]" : "}";
      return;
    default: {
      const std::string& t = v.written();
      bool plain = !t.empty() && t.find('\n') == std::string::npos &&
                   t.find(", ") == std::string::npos && t.front() != ' ' && t.back() != ' ';
      out += plain ? t : fmt::format("\"{}\"", t);
    }
  }
}

}  // namespace

const Value* Value::find(std::string_view key) const {
  if (type != Type::Map) return nullptr;
  auto it = std::lower_bound(map.begin(), map.end(), key, key_less);
  return it != map.end() && it->key == key ? &it->value : nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

const Value* Value::get(std::string_view key) const {
  if (type != Type::Map) return nullptr;
  for (const auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

Value* Value::get(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->get(key));
}

std::string_view Value::str(std::string_view key) const {
  const Value* v = get(key);
  return v && v->is_scalar() && v->type != Type::Null ? std::string_view(v->text)
                                                      : std::string_view();
}

Value& Value::set(std::string_view key, Value v) {
  if (Value* old = get(key)) return *old = std::move(v);
  type = Type::Map;
  map.push_back({std::string(key), std::move(v)});
  return map.back().value;
}

bool Value::erase(std::string_view key) {
  auto it = std::find_if(map.begin(), map.end(), [&](const Entry& e) { return e.key == key; });
  if (it == map.end()) return false;
  map.erase(it);
  return true;
}

void Value::sort_keys() {
  std::stable_sort(map.begin(), map.end(),
                   [](const Entry& a, const Entry& b) { return a.key < b.key; });
}

Value scalar(std::string text, Type type) {
  Value v;
  v.type = type;
  v.text = std::move(text);
  return v;
}

Value from_node(const manifests::Node& n) {
  Value v;
  v.type = n.type;
  v.span = n.span;
  switch (n.type) {
    case Type::Seq:
      v.seq.reserve(n.items.size());
      for (const auto& i : n.items) v.seq.push_back(from_node(i));
      break;
    case Type::Map:
      v.map.reserve(n.size());
      for (std::size_t i = 0; i < n.size(); ++i) {
        const auto& k = n.key(i);
        v.map.push_back({k.is_scalar() ? k.text : flow(from_node(k)), from_node(n.value(i))});
      }
      break;
    case Type::Bool: {
      char c = n.text.empty() ? 'n' : n.text[0];
      v.text = (c == 't' || c == 'T' || c == 'y' || c == 'Y' ||
                ((c == 'o' || c == 'O') && n.text.size() == 2))
                   ? "true"
                   : "false";
      if (v.text != n.text) v.shown = n.text;
      break;
    }
    case Type::Int: {
      v.text = int_text(n.text);
      if (v.text.empty()) v.text = n.text;
      if (v.text != n.text) v.shown = n.text;
      break;
    }
    default:
      v.text = n.text;
  }
  return v;
}

bool equal(const Value& a, const Value& b) {
  bool sa = a.is_scalar(), sb = b.is_scalar();
  if (sa || sb)
    return sa && sb && (a.type == Type::Null) == (b.type == Type::Null) && a.text == b.text;
  if (a.type != b.type || a.keyed != b.keyed) return false;
  if (a.is_seq()) {
    if (a.seq.size() != b.seq.size()) return false;
    for (std::size_t i = 0; i < a.seq.size(); ++i)
      if (!equal(a.seq[i], b.seq[i])) return false;
    return true;
  }
  if (a.map.size() != b.map.size()) return false;
  for (std::size_t i = 0; i < a.map.size(); ++i)
    if (a.map[i].key != b.map[i].key || !equal(a.map[i].value, b.map[i].value)) return false;
  return true;
}

std::string flow(const Value& v, std::size_t limit) {
  std::string out;
  flow_into(v, out, limit);
  if (limit && out.size() > limit) {
    out.resize(limit);
    out += "...";
  }
  return out;
}

std::string canonical(const Value& v) {
  switch (v.type) {
    case Type::Null:
      return "~";
    case Type::Seq: {
      std::string out = "[";
      for (const auto& i : v.seq) out += canonical(i) + ",";
      return out + "]";
    }
    case Type::Map: {
      std::string out = "{";
      for (const auto& e : v.map)
        out += fmt::format("{}:{}:{},", e.key.size(), e.key, canonical(e.value));
      return out + "}";
    }
    default:
      return fmt::format("{}'{}", v.text.size(), v.text);
  }
}

std::size_t leaves(const Value& v) {
  if (v.is_scalar()) return 1;
  std::size_t n = 0;
  for (const auto& i : v.seq) n += leaves(i);
  for (const auto& e : v.map) n += leaves(e.value);
  return n;
}

}  // namespace stackc::diff
