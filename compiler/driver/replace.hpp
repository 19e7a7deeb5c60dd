// Rewriting a source file in place (`stackc fmt`), atomically and keeping what it is.
#pragma once

#include <filesystem>
#include <string>

namespace stackc::driver {

// Replaces the contents of `p` with `text`. A symbolic link is followed and its target
// rewritten (the link stays a link); the new file keeps the target's mode, owner and group. The
// text goes to a temporary file in the target's folder that is renamed over the target, so a
// reader sees the old file or the new one, never a part. When the owner cannot be kept (only
// root may give a file away), the target is rewritten in place instead. On failure returns false
// with `error` set (with the operating system's reason) and leaves the file as it was.
bool replace_file(const std::filesystem::path& p, const std::string& text, std::string& error);

}  // namespace stackc::driver
