// What `stackc diff` prints: a text report (the differences, then the intended hardening by
// group, then the counts) or a JSON document whose schema specs/diff.md documents (version 1).
#pragma once

#include <string>
#include <vector>

#include "base/source.hpp"
#include "diff/compare.hpp"

namespace stackc::diff {

struct ReportHeader {
  std::string stack;                 // the .stack file
  std::string environment;           // the environment built
  std::vector<std::string> against;  // the paths given
  // The manifests' files: spans are printed as FILE:LINE:COLUMN from here (may be null).
  const base::SourceManager* sources = nullptr;
  // The file ids of the stack's own objects (not printed as locations).
  base::FileId stack_file = base::kNoFile;
};

std::string text(const Result& r, const ReportHeader& h);
std::string json(const Result& r, const ReportHeader& h);

}  // namespace stackc::diff
