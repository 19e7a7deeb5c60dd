// An optional value kept on the heap: what `std::optional<T>` says (empty or one T, copied and
// compared by value), in the size of a pointer. For the parts of a workload that few workloads
// have (an ingress, an exporter, a `build`, a pre-stop hook): kept inline, each would cost every
// workload its full size, and a 10,000-service model would hold 7.5 MB of empty ones.
#pragma once

#include <memory>
#include <utility>

namespace stackc::model {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const T& v) : p_(std::make_unique<T>(v)) {}  // NOLINT: as std::optional converts
  Boxed(T&& v) : p_(std::make_unique<T>(std::move(v))) {}
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(const T& v) { return *this = Boxed(v); }
  Boxed& operator=(T&& v) { return *this = Boxed(std::move(v)); }

  template <typename... Args>
  T& emplace(Args&&... args) {
    p_ = std::make_unique<T>(std::forward<Args>(args)...);
    return *p_;
  }
  void reset() { p_.reset(); }

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return p_ != nullptr; }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }

  friend bool operator==(const Boxed& a, const Boxed& b) {
    return a.p_ && b.p_ ? *a.p_ == *b.p_ : a.p_ == b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace stackc::model
