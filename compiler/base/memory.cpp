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
  // Present in the kernel's tables is not yet present for a paravirtualised guest: its
  // hypervisor still traps the first write to each page. One write a page takes those traps
  // here, on two threads, too (the contents are unchanged: the byte read is written back).
  auto populate = [](std::uintptr_t from, std::uintptr_t to) {
    if (to <= from) return;
    (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
    for (std::uintptr_t at = from; at < to; at += page) {
      auto* byte = reinterpret_cast<volatile unsigned char*>(at);
      *byte = *byte;
    }
  };
  const std::uintptr_t huge = std::uintptr_t{2} << 20;
  const std::uintptr_t hlo = (begin + huge - 1) & ~(huge - 1), hhi = (begin + bytes) & ~(huge - 1);
  if (hhi > hlo) (void)madvise(reinterpret_cast<void*>(hlo), hhi - hlo, MADV_HUGEPAGE);
  std::thread second([&] { populate(mid, hi); });
  populate(lo, mid);
  second.join();
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace stackc::base
