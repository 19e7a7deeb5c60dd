// Making fresh memory present before it is first written, on two threads.
#pragma once

#include <cstddef>

namespace stackc::base {

// Makes the pages inside [p, p + bytes) present and writable, the two halves at once on two
// threads; the contents are unchanged. A large vector's storage, reserved and then constructed
// element by element on one thread, otherwise takes its page faults (the kernel clearing each
// page) one at a time on that thread. Each page is also written once (its byte written back):
// under a hypervisor that shadows the guest's page tables, the first write to a page is a trap
// of its own even after the kernel made it present. The whole 2 MiB pages inside the range are
// advised as transparent huge pages (the range is written through, so they cost no memory). A
// hint only: nothing happens for less than a MiB or where the system cannot do it (Linux before
// 5.14, other systems).
void populate_in_halves(const void* p, std::size_t bytes);

// Makes the pages inside [p, p + bytes) present and writable on this thread, in one call: fresh
// memory about to be written through (a syntax tree's block) without a page fault for each page
// (each a trap, which costs most on virtual machines). The contents are unchanged; a hint only,
// as above.
void populate(const void* p, std::size_t bytes);

}  // namespace stackc::base
