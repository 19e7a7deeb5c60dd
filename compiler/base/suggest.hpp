// "Did you mean" from an edit distance.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::base {

// Damerau-Levenshtein (optimal string alignment) distance, bounded: returns max+1 when larger.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t max);

// The closest candidate within a distance proportional to the word's length, if any.
// Ties go to the earliest candidate, so the answer is deterministic.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// "did you mean `x`?" or empty.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace stackc::base
