#include <iostream>
#include <string_view>

#include "driver/driver.hpp"

#ifdef STACKC_MIMALLOC
#include <mimalloc.h>

#include <cstddef>
#include <cstdint>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

#ifdef STACKC_MIMALLOC
namespace {

// Gives mimalloc one range of address space, advised as transparent huge pages as a whole, to
// take its segments from. Only what is touched becomes resident (2 MiB at a time); the range is
// address space, not memory. mimalloc's own huge-page option advises each segment it maps, but
// the syntax tree's blocks and most small objects still landed on 4 KiB pages: 63 of the 131 MiB
// that `check` of the 10,000-service fleet touched were huge pages, 96-102 of 124-129 MiB of
// anonymous memory from this range (the rest: what mimalloc took before main, thread stacks).
// Where the system refuses (another OS, no transparent huge pages, no address space), mimalloc
// maps its memory itself as before.
void huge_page_heap() {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t kSize = std::size_t{1} << 30;    // past it, mimalloc maps more itself
  constexpr std::size_t kAlign = std::size_t{64} << 20;  // whole segments (32 MiB) and pages
  void* raw = mmap(nullptr, kSize + kAlign, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return;
  auto* start = reinterpret_cast<void*>((reinterpret_cast<std::uintptr_t>(raw) + kAlign - 1) &
                                        ~std::uintptr_t{kAlign - 1});
  if (madvise(start, kSize, MADV_HUGEPAGE) != 0 ||
      !mi_manage_os_memory(start, kSize, /*is_committed=*/true, /*is_large=*/false,
                           /*is_zero=*/true, /*numa_node=*/-1)) {
    munmap(raw, kSize + kAlign);
  }
#endif
}

}  // namespace
#endif

int main(int argc, char** argv) {
#ifdef STACKC_MIMALLOC
  // Huge pages (transparent) for `check` alone (the call also keeps the library linked where the
  // linker drops unreferenced ones). A huge page is resident as a whole once touched: the build's
  // peak was 144 MiB with them, 134 MiB without, against its 150 MiB goal, so `build` and the
  // language server do without. `check` has no such budget, and on a virtual machine, where the
  // first write to each 4 KiB page is a trap, they take a third off it: the 10,000-service fleet
  // in 0.24 s instead of 0.28 s with mimalloc's option (run G), 0.18 s instead of 0.24 s with all
  // of its heap in them (and the capacity plan's shapes), at a peak of 133 MiB instead of 131
  // (README, run H). `build --stdout` took 0.33 s instead of 0.47 with them, but 141-176 MiB.
  if (argc >= 2 && std::string_view(argv[1]) == "check") {
    mi_option_enable(mi_option_large_os_pages);
    huge_page_heap();
  } else {
    mi_option_disable(mi_option_large_os_pages);
  }
  // Every command keeps the memory it frees for its next allocations instead of giving pages
  // back to the system to fault them in again (on the 10,000-service fleet: 1,500 page faults
  // fewer, `build --stdout` 2-3 % faster at the same peak). The language server too: each check
  // after an edit frees what the check before it made, which the next one reuses (a one-character
  // edit of a 10,000-service stack: 0.31-0.32 s instead of 0.45-0.51 s, bench/lsp_latency.mjs).
  // Its memory stays flat at the peak it reached anyway, with the old check and the new alive
  // together (about 300 MiB there instead of 230-245); it is not given back when idle.
  mi_option_disable(mi_option_allow_decommit);
#endif
  // The process ends right after: its memory is not freed one object at a time (a large build
  // frees hundreds of MiB in small pieces), except under the address sanitizer, whose leak check
  // then sees every allocation released.
  return stackc::driver::run(argc, argv, std::cout, std::cerr, !kAddressSanitizer);
}
