// Reading source files safely: the functions of load/read.hpp, by the names the driver uses.
#pragma once

#include "load/read.hpp"

namespace stackc::driver {

using load::byte_size;
using load::kMaxInputBytes;
using load::read_file;
using load::read_source;
using load::ReadResult;

}  // namespace stackc::driver
