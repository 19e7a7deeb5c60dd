#include <iostream>

#include "driver/driver.hpp"

#ifdef STACKC_MIMALLOC
#include <mimalloc.h>
#endif

int main(int argc, char** argv) {
#ifdef STACKC_MIMALLOC
  // A build of a large stack touches hundreds of MiB: asking for transparent huge pages (2 MiB,
  // where the kernel allows them) spares the kernel one page fault per 4 KiB. On the 10,000-service
  // fleet this takes a third of the kernel time off a build (see bench/).
  mi_option_enable(mi_option_large_os_pages);
#endif
  return stackc::driver::run(argc, argv, std::cout, std::cerr, true);
}
