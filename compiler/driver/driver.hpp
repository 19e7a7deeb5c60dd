// The `stackc` command line.
#pragma once

#include <iosfwd>

namespace stackc::driver {

// Exit codes: 0 clean, 1 errors in the input, 2 usage or I/O errors.
// `release_at_exit`: the process ends right after, so the syntax trees and the model are not
// freed one node at a time (the `stackc` binary passes true; tests keep the default).
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
        bool release_at_exit = false);

}  // namespace stackc::driver
