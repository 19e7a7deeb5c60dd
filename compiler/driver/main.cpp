#include <iostream>
#include <string_view>

#include "driver/driver.hpp"

#ifdef STACKC_MIMALLOC
#include <mimalloc.h>
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

int main(int argc, char** argv) {
#ifdef STACKC_MIMALLOC
  // Huge pages (transparent, advised on mimalloc's segments) for `check` alone (the call also
  // keeps the library linked where the linker drops unreferenced ones). A huge page is resident
  // as a whole once touched: the build's peak was 144 MiB with them, 134 MiB without, against its
  // 150 MiB goal, so `build` and the language server do without. `check` has no such budget, and
  // on a virtual machine, where the first write to each 4 KiB page is a trap, they take a fifth
  // off it: the 10,000-service fleet in 0.24 s instead of 0.28 s, for 8 MiB more at its peak
  // (131 MiB instead of 123; README, run G).
  if (argc >= 2 && std::string_view(argv[1]) == "check")
    mi_option_enable(mi_option_large_os_pages);
  else
    mi_option_disable(mi_option_large_os_pages);
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
