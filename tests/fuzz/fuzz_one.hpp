// One fuzz input through the whole front end: parse, imports (stdlib only), check, model, and the
// formatter on inputs that parse. It must never crash, hang or leak, whatever the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stackc::fuzz {

void run_one(const std::uint8_t* data, std::size_t size);

}  // namespace stackc::fuzz
