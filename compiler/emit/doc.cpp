#include "emit/doc.hpp"

#include "emit/yaml.hpp"

#include "base/memory.hpp"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace stackc::emit {
namespace {

constexpr std::size_t kBlock = 256 * 1024;

thread_local Arena* t_current = nullptr;

Arena& current() {
  if (t_current == nullptr) {
    thread_local Arena fallback;  // the thread's own, freed when the thread ends
    t_current = &fallback;
  }
  return *t_current;
}

const char* copy_chars(std::string_view s) {
  if (s.empty()) return "";
  auto* p = static_cast<char*>(current().allocate(s.size()));
  std::memcpy(p, s.data(), s.size());
  return p;
}

const Doc& null_doc() {
  static const Doc n;
  return n;
}

}  // namespace

Arena::~Arena() {
  for (char* b : blocks_) std::free(b);
}

void* Arena::allocate(std::size_t bytes) {
  bytes = (bytes + 7) & ~std::size_t{7};
  if (static_cast<std::size_t>(end_ - cur_) < bytes) {
    std::size_t size = bytes > kBlock / 4 ? bytes : kBlock;
    char* b = static_cast<char*>(std::malloc(size));
    if (b == nullptr) throw std::bad_alloc();
    blocks_.push_back(b);
    reserved_ += size;
    if (size != kBlock) return b;  // a large request: its own block, the current one stays
    base::populate(b, size);       // written through: its pages at once, not a fault each
    cur_ = b;
    end_ = b + size;
  }
  void* p = cur_;
  cur_ += bytes;
  return p;
}

std::string_view Arena::intern(std::string_view key) {
  auto& r = recent_[(reinterpret_cast<std::uintptr_t>(key.data()) >> 3) % 1024];
  if (r.from == key.data() && r.key == key) return r.key;  // the same bytes, checked
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    auto* p = static_cast<char*>(allocate(key.size() + 1));
    p[0] = yaml_needs_quotes(key) ? 0 : 1;  // what plain_key reads
    std::memcpy(p + 1, key.data(), key.size());
    it = keys_.emplace(p + 1, key.size()).first;
  }
  r = {key.data(), *it};
  return *it;
}

namespace {

int block_class(std::size_t bytes) {
  return bytes <= 1 ? 0 : std::bit_width(bytes - 1);  // log2, rounded up
}

}  // namespace

void* Arena::allocate_block(std::size_t bytes) {
  int c = block_class(bytes);
  if (c < kClasses && free_[c] != nullptr) {
    void* b = free_[c];
    std::memcpy(&free_[c], b, sizeof(void*));
    return b;
  }
  // The owner is kept in the 8 bytes before the block.
  auto* p = static_cast<char*>(allocate((std::size_t{1} << c) + 8));
  Arena* self = this;
  std::memcpy(p, &self, sizeof self);
  return p + 8;
}

void Arena::release_block(void* block, std::size_t bytes) noexcept {
  Arena* owner = nullptr;
  std::memcpy(&owner, static_cast<char*>(block) - 8, sizeof owner);
  if (owner != t_current) return;  // another thread's (or arena's): left to its arena
  int c = block_class(bytes);
  if (c >= kClasses) return;
  std::memcpy(block, &owner->free_[c], sizeof(void*));
  owner->free_[c] = block;
}

void Doc::release_parts() noexcept {
  // The block is at least capacity_for(size_) elements long (erase() leaves it larger): given
  // back as that, it is never over-used.
  if (type_ == value_t::array) {
    for (std::uint32_t i = 0; i < size_; ++i) elems_[i].~Doc();
    Arena::release_block(elems_, capacity_for(size_) * sizeof(Doc));
  } else {
    for (std::uint32_t i = 0; i < size_; ++i) members_[i].value.~Doc();
    Arena::release_block(members_, capacity_for(size_) * sizeof(Member));
  }
  type_ = value_t::null;
  size_ = 0;
  u_ = 0;
}

namespace {
thread_local DocArena* t_scope = nullptr;
}  // namespace

DocArena::DocArena() : previous_(t_current), previous_scope_(t_scope) {
  t_current = &arena_;
  t_scope = this;
}

DocArena::~DocArena() {
  t_current = previous_;
  t_scope = previous_scope_;
}

DocArena* DocArena::current() {
  return t_scope;
}

Arena& DocArena::spawn() {
  spawned_.push_back(std::make_unique<Arena>());
  return *spawned_.back();
}

UseArena::UseArena(Arena& arena) : previous_(t_current) {
  t_current = &arena;
}

UseArena::~UseArena() {
  t_current = previous_;
}

Doc::Doc(std::string_view s) : type_(value_t::string) {
  if (s.size() > UINT32_MAX) throw std::length_error("Doc: a string over 4 GiB");
  size_ = static_cast<std::uint32_t>(s.size());
  s_ = copy_chars(s);
}

// Collections grow by doubling from 1 (most mappings of a Kubernetes object have one to three
// entries: starting at 4 left 40% of the lowered objects' blocks empty). The capacity follows
// from the size, so a node needs no field for it (a block is always at least capacity_for(size)
// long; it is full when the size equals that).
std::size_t Doc::capacity_for(std::size_t n) {
  return n <= 1 ? 1 : std::bit_ceil(n);
}

Doc::Doc(const Doc& other) : type_(other.type_), size_(other.size_), u_(other.u_) {
  // An empty collection: no block of its own. (A ref stays a ref: it is copied as it is.)
  if ((type_ == value_t::array || type_ == value_t::object) && size_ == 0) u_ = 0;
  switch (type_) {
    case value_t::array:
      if (size_ != 0) {
        auto* e = static_cast<Doc*>(current().allocate_block(capacity_for(size_) * sizeof(Doc)));
        for (std::uint32_t i = 0; i < size_; ++i) new (e + i) Doc(other.elems_[i]);
        elems_ = e;
      }
      break;
    case value_t::object:
      if (size_ != 0) {
        auto* m =
            static_cast<Member*>(current().allocate_block(capacity_for(size_) * sizeof(Member)));
        for (std::uint32_t i = 0; i < size_; ++i)
          new (m + i) Member{other.members_[i].key, Doc(other.members_[i].value)};
        members_ = m;
      }
      break;
    default:
      break;
  }
}

Doc& Doc::operator=(const Doc& other) {
  if (this != &other) *this = Doc(other);  // copied first: `other` may be part of this
  return *this;
}

Doc Doc::array(std::initializer_list<Doc> items) {
  Doc d = array();
  for (const auto& x : items) d.push_back(x);
  return d;
}

// The block of a collection with room for one more entry: the same block, or (when it is full)
// one twice its size with the entries moved over, the old block going back to its arena.
template <class T>
T* Doc::room_for_one(T* block) {
  if (size_ == 0 ? block != nullptr : size_ != capacity_for(size_)) return block;
  std::size_t cap = size_ == 0 ? 1 : capacity_for(size_) * 2;
  auto* fresh = static_cast<T*>(current().allocate_block(cap * sizeof(T)));
  if (size_ != 0) {
    std::memcpy(static_cast<void*>(fresh), block, size_ * sizeof(T));
    Arena::release_block(block, capacity_for(size_) * sizeof(T));
  }
  return fresh;
}

void Doc::push_back(Doc d) {
  materialize();
  if (is_null()) *this = array();
  if (!is_array()) throw std::domain_error("Doc::push_back on a value that is not a sequence");
  elems_ = room_for_one(elems_);
  new (elems_ + size_) Doc(std::move(d));
  ++size_;
}

const Doc::Member* Doc::find_member(std::string_view key) const {
  const Doc& d = self();
  if (d.type_ != value_t::object) return nullptr;
  for (std::uint32_t i = 0; i < d.size_; ++i) {
    const auto& k = d.members_[i].key;
    if (k.size() == key.size() && std::memcmp(k.data(), key.data(), key.size()) == 0)
      return d.members_ + i;
  }
  return nullptr;
}

Doc& Doc::operator[](std::string_view key) {
  materialize();
  if (is_null()) *this = object();
  if (const Member* m = find_member(key)) return const_cast<Member*>(m)->value;
  return append(key, Doc());
}

Doc& Doc::append(std::string_view key, Doc value) {
  materialize();
  if (is_null()) *this = object();
  if (!is_object()) throw std::domain_error("Doc: a key on a value that is not a mapping");
  members_ = room_for_one(members_);
  new (members_ + size_)
      Member{key.empty() ? std::string_view() : current().intern(key), std::move(value)};
  return members_[size_++].value;
}

const Doc& Doc::operator[](std::string_view key) const {
  const Member* m = find_member(key);
  return m ? m->value : null_doc();
}

const Doc& Doc::at(std::string_view key) const {
  const Member* m = find_member(key);
  if (!m) throw std::out_of_range("Doc: no key `" + std::string(key) + "`");
  return m->value;
}

Doc& Doc::at(std::string_view key) {
  materialize();
  return const_cast<Doc&>(static_cast<const Doc&>(*this).at(key));
}

std::size_t Doc::erase(std::string_view key) {
  materialize();
  const Member* m = find_member(key);
  if (!m) return 0;
  std::size_t i = static_cast<std::size_t>(m - members_);
  members_[i].value.~Doc();
  // Entries keep their order. The block stays: it is at least as large as the smaller size needs.
  std::memmove(static_cast<void*>(members_ + i), members_ + i + 1,
               (size_ - i - 1) * sizeof(Member));
  --size_;
  return 1;
}

Doc::iterator Doc::find(std::string_view key) {
  materialize();
  const Member* m = find_member(key);
  return m ? iterator(this, static_cast<std::size_t>(m - members_)) : end();
}

Doc::const_iterator Doc::find(std::string_view key) const {
  const Doc& d = self();
  const Member* m = find_member(key);
  return m ? const_iterator(&d, static_cast<std::size_t>(m - d.members_)) : end();
}

bool operator==(const Doc& a_, const Doc& b_) {
  using T = Doc::value_t;
  const Doc& a = a_.self();
  const Doc& b = b_.self();
  if (a.is_number() && b.is_number()) {
    if (a.type_ == T::number_float || b.type_ == T::number_float)
      return a.get<double>() == b.get<double>();
    if (a.type_ == b.type_) return a.u_ == b.u_;
    const Doc& s = a.type_ == T::number_integer ? a : b;
    const Doc& u = a.type_ == T::number_integer ? b : a;
    return s.i_ >= 0 && static_cast<std::uint64_t>(s.i_) == u.u_;
  }
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case T::null:
      return true;
    case T::boolean:
      return a.b_ == b.b_;
    case T::string:
      return a.str() == b.str();
    case T::array:
      if (a.size_ != b.size_) return false;
      for (std::uint32_t i = 0; i < a.size_; ++i)
        if (!(a.elems_[i] == b.elems_[i])) return false;
      return true;
    case T::object:
      if (a.size_ != b.size_) return false;
      for (std::uint32_t i = 0; i < a.size_; ++i)  // as ordered_json: the order counts
        if (a.members_[i].key != b.members_[i].key || !(a.members_[i].value == b.members_[i].value))
          return false;
      return true;
    default:
      return false;
  }
}

template <>
std::string Doc::get<std::string>() const {
  return std::string(str());
}
template <>
bool Doc::get<bool>() const {
  return is_boolean() && self().b_;
}
nlohmann::ordered_json Doc::to_json() const {
  if (type_ == kRef) return ref_->to_json();
  switch (type_) {
    case value_t::null:
      return nullptr;
    case value_t::boolean:
      return b_;
    case value_t::number_integer:
      return i_;
    case value_t::number_unsigned:
      return u_;
    case value_t::number_float:
      return f_;
    case value_t::string:
      return std::string(str());
    case value_t::array: {
      auto j = nlohmann::ordered_json::array();
      for (const auto& x : *this) j.push_back(x.to_json());
      return j;
    }
    case value_t::object: {
      auto j = nlohmann::ordered_json::object();
      for (const auto& [k, v] : items()) j[std::string(k)] = v.to_json();
      return j;
    }
  }
  return nullptr;
}

Doc Doc::from_json(const nlohmann::ordered_json& j) {
  using J = nlohmann::ordered_json::value_t;
  switch (j.type()) {
    case J::boolean:
      return Doc(j.get<bool>());
    case J::number_integer:
      return Doc(j.get<std::int64_t>());
    case J::number_unsigned:
      return Doc(j.get<std::uint64_t>());
    case J::number_float:
      return Doc(j.get<double>());
    case J::string:
      return Doc(j.get_ref<const std::string&>());
    case J::array: {
      Doc d = array();
      for (const auto& x : j) d.push_back(from_json(x));
      return d;
    }
    case J::object: {
      Doc d = object();
      for (const auto& [k, v] : j.items()) d[k] = from_json(v);
      return d;
    }
    default:
      return Doc();
  }
}

Doc Doc::diff(const Doc& a, const Doc& b) {
  return from_json(nlohmann::ordered_json::diff(a.to_json(), b.to_json()));
}

}  // namespace stackc::emit
