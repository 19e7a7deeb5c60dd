#include "base/memory.hpp"

#include <cstdint>
#include <thread>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace stackc::base {

void populate(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr std::uintptr_t page = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t lo = (begin + page - 1) & ~(page - 1), hi = (begin + bytes) & ~(page - 1);
  if (hi > lo) (void)madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

void populate_in_halves(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (bytes < (std::size_t{1} << 20)) return;
  constexpr std::uintptr_t page = 4096;  // a multiple of every page size: the ends are rounded in
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t lo = (begin + page - 1) & ~(page - 1), hi = (begin + bytes) & ~(page - 1);
  const std::uintptr_t mid = (lo + (hi - lo) / 2) & ~(page - 1);
  auto populate = [](std::uintptr_t from, std::uintptr_t to) {
    if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
  };
  std::thread second([&] { populate(mid, hi); });
  populate(lo, mid);
  second.join();
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace stackc::base
