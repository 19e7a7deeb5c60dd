// Fuzz entries beyond the front end: one input through check, graph and every emitter in memory
// (fuzz_build.cpp), and one through the output writer over a fake file tree (fuzz_writer.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stackc::fuzz {

// Parse, check, graph and capacity, then (on a model without errors) the lowering and every
// target, twice: the two outputs must be byte-identical, and every path plain and relative.
void run_build_one(const std::uint8_t* data, std::size_t size);

// The bytes describe an output folder (files, folders, links into and out of it, a manifest, a
// planted journal) and a build's files; the writer builds into it, and then nothing outside the
// folder has changed, no staging folder is left, and a build that succeeded left exactly its
// files.
void run_writer_one(const std::uint8_t* data, std::size_t size);

// The bytes as Kubernetes YAML through `stackc import` (fuzz_import.cpp), as one environment and
// as two: the output always parses as .stack, and the same input gives the same text.
void run_import_one(const std::uint8_t* data, std::size_t size);

}  // namespace stackc::fuzz
