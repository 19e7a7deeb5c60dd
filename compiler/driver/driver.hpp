// The `stackc` command line.
#pragma once

#include <iosfwd>

namespace stackc::driver {

// Exit codes: 0 clean, 1 errors in the input, 2 usage or I/O errors.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace stackc::driver
