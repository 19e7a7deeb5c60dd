// The emitters' document model: a JSON-like tree (null, bool, numbers, strings, arrays and
// mappings that keep their keys in insertion order), compact and cheap to build.
//
// A node is 16 bytes. Strings, keys (one copy per distinct key) and the element arrays of
// collections live in an arena of the building thread: building a document is a few pointer
// bumps per node instead of two or three heap allocations (nlohmann::ordered_json, which this
// replaces in the emitters, allocates every container, every string and every long key). Element
// arrays outgrown or dropped go back to their own arena and are reused there; strings and keys
// stay until the arena goes. The arena is freed as a whole: the one of a DocArena scope when the
// scope ends, the thread's default one when the thread does. A Doc must not outlive the arena its
// parts were made in; copies share the (immutable) bytes of strings and keys with their source,
// and a Doc::ref its target, so neither may outlive what it shares.
//
// The interface is the part of nlohmann::json's the emitters use (operator[] that creates
// mappings and entries, push_back, find, erase, items(), ==), so code reads the same; strings are
// read as std::string_view (str()). dump() and diff() go through nlohmann::ordered_json: they are
// used for small documents only (values.schema.json, Kustomize patches).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace stackc::emit {

// A bump allocator: blocks of 256 KiB (larger requests get a block of their own).
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena();
  void* allocate(std::size_t bytes);
  // The element blocks of collections: a power of two of bytes, taken from the blocks
  // given back first. Each knows its arena, so a block is only ever reused by the arena it came
  // from (a document built on one thread and dropped on another is not recycled there).
  void* allocate_block(std::size_t bytes);
  static void release_block(void* block, std::size_t bytes) noexcept;
  // The key's bytes, stored once per arena: a stack's documents repeat a few hundred keys. The
  // byte before them says whether the key needs quotes in YAML (see plain_key).
  std::string_view intern(std::string_view key);
  // Whether a key of a Doc's mapping (interned, or empty) is written plain in YAML: decided once
  // per key when it is interned, not each time the key is printed.
  static bool plain_key(std::string_view key) noexcept {
    return !key.empty() && key.data()[-1] != 0;
  }
  std::size_t bytes_reserved() const { return reserved_; }

 private:
  static constexpr int kClasses = 40;
  void* free_[kClasses] = {};  // by log2(bytes): blocks given back, linked through their start
  std::unordered_set<std::string_view> keys_;
  // The last key interned from each address (most keys are literals, at fixed addresses): found
  // again by one comparison instead of a hash.
  struct Recent {
    const char* from = nullptr;
    std::string_view key;
  };
  Recent recent_[1024];
  std::vector<char*> blocks_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  std::size_t reserved_ = 0;
};

// While alive, the Docs built on this thread take their memory from this scope's arena.
class DocArena {
 public:
  DocArena();
  ~DocArena();
  DocArena(const DocArena&) = delete;
  DocArena& operator=(const DocArena&) = delete;
  const Arena& arena() const { return arena_; }
  // The scope active on this thread, if any.
  static DocArena* current();
  // A further arena, owned by this scope, for another thread to build documents that live as long
  // as this scope's (see UseArena).
  Arena& spawn();

 private:
  Arena arena_;
  Arena* previous_;
  DocArena* previous_scope_;
  std::vector<std::unique_ptr<Arena>> spawned_;
};

// While alive, the Docs built on this thread take their memory from `arena` (one thread at a
// time: an arena is not shared between threads).
class UseArena {
 public:
  explicit UseArena(Arena& arena);
  ~UseArena();
  UseArena(const UseArena&) = delete;
  UseArena& operator=(const UseArena&) = delete;

 private:
  Arena* previous_;
};

class Doc {
 public:
  enum class value_t : std::uint8_t {
    null,
    object,
    array,
    string,
    boolean,
    number_integer,
    number_unsigned,
    number_float,
  };
  struct Member;

  Doc() noexcept : type_(value_t::null), size_(0), u_(0) {}
  Doc(std::nullptr_t) noexcept : Doc() {}
  Doc(bool b) noexcept : type_(value_t::boolean), size_(0), b_(b) {}
  template <class T,
            std::enable_if_t<
                std::is_integral_v<T> && !std::is_same_v<T, bool> && std::is_signed_v<T>, int> = 0>
  Doc(T v) noexcept : type_(value_t::number_integer), size_(0), i_(static_cast<std::int64_t>(v)) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                          std::is_unsigned_v<T>,
                                      int> = 0>
  Doc(T v) noexcept
      : type_(value_t::number_unsigned), size_(0), u_(static_cast<std::uint64_t>(v)) {}
  Doc(double v) noexcept : type_(value_t::number_float), size_(0), f_(v) {}
  Doc(std::string_view s);
  Doc(const char* s) : Doc(std::string_view(s)) {}
  Doc(const std::string& s) : Doc(std::string_view(s)) {}
  template <class T>
  Doc(const std::vector<T>& items) : Doc(array()) {
    for (const auto& x : items) push_back(Doc(x));
  }
  template <class T>
  Doc(const std::set<T>& items) : Doc(array()) {
    for (const auto& x : items) push_back(Doc(x));
  }
  template <class K, class V>
  Doc(const std::map<K, V>& items) : Doc(object()) {
    for (const auto& [k, v] : items) (*this)[std::string_view(k)] = Doc(v);
  }

  // Copies are deep (new collections in the current thread's arena, sharing the bytes of strings
  // and keys); moves take the parts over.
  Doc(const Doc& other);
  Doc(Doc&& other) noexcept : type_(other.type_), size_(other.size_), u_(other.u_) {
    other.type_ = value_t::null;
    other.size_ = 0;
    other.u_ = 0;
  }
  Doc& operator=(const Doc& other);
  Doc& operator=(Doc&& other) noexcept {
    if (this == &other) return *this;
    // Taken first: `other` may be a part of this document.
    value_t t = other.type_;
    std::uint32_t n = other.size_;
    std::uint64_t u = other.u_;
    other.type_ = value_t::null;
    other.size_ = 0;
    other.u_ = 0;
    release();
    type_ = t;
    size_ = n;
    u_ = u;
    return *this;
  }
  // The element blocks of collections go back to their arena for reuse; strings and keys stay
  // until the arena goes.
  ~Doc() { release(); }

  static Doc array() {
    Doc d;
    d.type_ = value_t::array;
    d.elems_ = nullptr;
    return d;
  }
  static Doc array(std::initializer_list<Doc> items);
  static Doc object() {
    Doc d;
    d.type_ = value_t::object;
    d.members_ = nullptr;
    return d;
  }
  // A read-only stand-in for `target`, which must outlive it: reads, comparisons and printing see
  // the target; changing it first copies the target in. The Helm values take the lowered
  // objects' containers, volumes and policies this way instead of copying them.
  static Doc ref(const Doc& target) {
    Doc d;
    d.type_ = kRef;
    d.ref_ = &target.self();
    return d;
  }

  // nlohmann::ordered_json conversions, for dump() and diff() and for tests.
  nlohmann::ordered_json to_json() const;
  static Doc from_json(const nlohmann::ordered_json& j);
  // JSON text, exactly as nlohmann::ordered_json::dump(indent) writes it.
  std::string dump(int indent = -1) const { return to_json().dump(indent); }
  // The RFC 6902 patch from `a` to `b` (nlohmann's diff).
  static Doc diff(const Doc& a, const Doc& b);

  value_t type() const { return self().type_; }
  bool is_null() const { return type() == value_t::null; }
  bool is_object() const { return type() == value_t::object; }
  bool is_array() const { return type() == value_t::array; }
  bool is_string() const { return type() == value_t::string; }
  bool is_boolean() const { return type() == value_t::boolean; }
  bool is_number() const {
    value_t t = type();
    return t == value_t::number_integer || t == value_t::number_unsigned ||
           t == value_t::number_float;
  }
  bool is_number_integer() const {
    value_t t = type();
    return t == value_t::number_integer || t == value_t::number_unsigned;
  }
  bool is_structured() const { return is_object() || is_array(); }

  // Collections: their entries; null: 0; scalars: 1 (as nlohmann counts).
  std::size_t size() const {
    const Doc& d = self();
    return d.is_structured() ? d.size_ : d.is_null() ? 0 : 1;
  }
  bool empty() const { return size() == 0; }

  std::string_view str() const {
    const Doc& d = self();
    return d.type_ == value_t::string ? std::string_view(d.s_, d.size_) : "";
  }
  template <class T>
  T get() const;

  // Mappings. A null becomes an empty mapping on first use; a missing key is added (null).
  Doc& operator[](std::string_view key);
  Doc& operator[](const char* key) { return (*this)[std::string_view(key)]; }
  Doc& operator[](const std::string& key) { return (*this)[std::string_view(key)]; }
  // Read-only: the value, or a null when the key is missing (or this is not a mapping).
  const Doc& operator[](std::string_view key) const;
  const Doc& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  const Doc& operator[](const std::string& key) const { return (*this)[std::string_view(key)]; }
  // Throws std::out_of_range when missing.
  const Doc& at(std::string_view key) const;
  Doc& at(std::string_view key);
  bool contains(std::string_view key) const { return find_member(key) != nullptr; }
  std::size_t count(std::string_view key) const { return contains(key) ? 1 : 0; }
  // Adds `key` at the end without looking for it first: for keys the caller knows are new (a
  // mapping of thousands of names is built in linear time).
  Doc& append(std::string_view key, Doc value);
  // Removes the key; returns how many entries went (0 or 1).
  std::size_t erase(std::string_view key);

  // Sequences. A null becomes an empty sequence on first use.
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  Doc& operator[](I i) {
    materialize();
    return elems_[static_cast<std::size_t>(i)];
  }
  template <class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
  const Doc& operator[](I i) const {
    return self().elems_[static_cast<std::size_t>(i)];
  }
  void push_back(Doc d);
  template <class... A>
  Doc& emplace_back(A&&... args) {
    push_back(Doc(std::forward<A>(args)...));
    return back();
  }
  Doc& back();
  const Doc& back() const;
  Doc& front();
  const Doc& front() const;

  // Iteration over the values of a sequence or a mapping (key() on a mapping's iterator).
  template <bool Const>
  class basic_iterator {
   public:
    using D = std::conditional_t<Const, const Doc, Doc>;
    using iterator_category = std::forward_iterator_tag;
    using value_type = Doc;
    using difference_type = std::ptrdiff_t;
    using pointer = D*;
    using reference = D&;
    basic_iterator() = default;
    basic_iterator(D* owner, std::size_t i) : owner_(owner), i_(i) {}
    D& operator*() const {
      return owner_->is_array() ? owner_->elems_[i_] : owner_->members_[i_].value;
    }
    D* operator->() const { return &**this; }
    basic_iterator& operator++() {
      ++i_;
      return *this;
    }
    basic_iterator operator++(int) {
      auto t = *this;
      ++i_;
      return t;
    }
    bool operator==(const basic_iterator& o) const { return owner_ == o.owner_ && i_ == o.i_; }
    bool operator!=(const basic_iterator& o) const { return !(*this == o); }
    std::string_view key() const { return owner_->members_[i_].key; }
    D& value() const { return **this; }

   private:
    D* owner_ = nullptr;
    std::size_t i_ = 0;
  };
  using iterator = basic_iterator<false>;
  using const_iterator = basic_iterator<true>;
  iterator begin() {
    materialize();
    return {this, 0};
  }
  iterator end() {
    materialize();
    return {this, is_structured() ? size_ : 0};
  }
  const_iterator begin() const { return {&self(), 0}; }
  const_iterator end() const {
    const Doc& d = self();
    return {&d, d.is_structured() ? d.size_ : 0};
  }
  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;

  // The entries of a mapping, for `for (const auto& [key, value] : d.items())`.
  template <class M>
  struct Span {
    M* b;
    M* e;
    M* begin() const { return b; }
    M* end() const { return e; }
  };
  Span<const Member> items() const;
  Span<Member> items();

  friend bool operator==(const Doc& a, const Doc& b);
  friend bool operator!=(const Doc& a, const Doc& b) { return !(a == b); }
  friend bool operator==(const Doc& a, std::string_view s) { return a.is_string() && a.str() == s; }
  friend bool operator!=(const Doc& a, std::string_view s) { return !(a == s); }
  friend bool operator==(const Doc& a, const char* s) { return a == std::string_view(s); }
  friend bool operator!=(const Doc& a, const char* s) { return !(a == std::string_view(s)); }
  friend bool operator==(const Doc& a, const std::string& s) { return a == std::string_view(s); }
  friend bool operator!=(const Doc& a, const std::string& s) { return !(a == std::string_view(s)); }

 private:
  const Member* find_member(std::string_view key) const;
  static constexpr value_t kRef = static_cast<value_t>(0xff);  // see ref()
  const Doc& self() const { return type_ == kRef ? *ref_ : *this; }
  // A ref becomes a copy of its target before it is changed.
  void materialize() {
    if (type_ == kRef) *this = Doc(*ref_);
  }
  void release() noexcept {
    if ((type_ == value_t::array || type_ == value_t::object) && u_ != 0) release_parts();
  }
  void release_parts() noexcept;
  static std::size_t capacity_for(std::size_t n);
  template <class T>
  T* room_for_one(T* block);

  value_t type_;
  std::uint32_t size_;  // string length, or number of entries
  union {
    bool b_;
    std::int64_t i_;
    std::uint64_t u_;
    double f_;
    const char* s_;
    Doc* elems_;
    Member* members_;
    const Doc* ref_;
  };
};

// JSON text, for test messages.
inline std::ostream& operator<<(std::ostream& os, const Doc& d) {
  return os << d.dump();
}

struct Doc::Member {
  std::string_view key;
  Doc value;
};

inline Doc& Doc::back() {
  materialize();
  return is_array() ? elems_[size_ - 1] : members_[size_ - 1].value;
}
inline const Doc& Doc::back() const {
  const Doc& d = self();
  return d.is_array() ? d.elems_[d.size_ - 1] : d.members_[d.size_ - 1].value;
}
inline Doc& Doc::front() {
  materialize();
  return is_array() ? elems_[0] : members_[0].value;
}
inline const Doc& Doc::front() const {
  const Doc& d = self();
  return d.is_array() ? d.elems_[0] : d.members_[0].value;
}

inline Doc::Span<const Doc::Member> Doc::items() const {
  const Doc& d = self();
  const Member* m = d.is_object() ? d.members_ : nullptr;
  return {m, m + (d.is_object() ? d.size_ : 0)};
}
inline Doc::Span<Doc::Member> Doc::items() {
  materialize();
  Member* m = is_object() ? members_ : nullptr;
  return {m, m + (is_object() ? size_ : 0)};
}

template <>
std::string Doc::get<std::string>() const;
template <>
bool Doc::get<bool>() const;
// A number as T (a bool counts as 0 or 1 for integer types); anything else is T{}.
template <class T>
T Doc::get() const {
  static_assert(std::is_arithmetic_v<T>, "Doc::get: a string, bool or number type");
  const Doc& d = self();
  switch (d.type_) {
    case value_t::number_integer:
      return static_cast<T>(d.i_);
    case value_t::number_unsigned:
      return static_cast<T>(d.u_);
    case value_t::number_float:
      return static_cast<T>(d.f_);
    case value_t::boolean:
      return std::is_integral_v<T> ? static_cast<T>(d.b_) : T{};
    default:
      return T{};
  }
}

}  // namespace stackc::emit
