#include "driver/stdout_stream.hpp"

#include <algorithm>

#include "driver/write.hpp"

namespace stackc::driver {

StdoutStream::StdoutStream(std::string env, const std::string& source)
    : prefix_("kubernetes/" + std::move(env) + "/"), head_(emit::header(source)) {}

void StdoutStream::put(const emit::File& f) {
  if (f.path.rfind(prefix_, 0) != 0) return;
  std::string text = f.content();
  if (text.rfind(head_, 0) == 0) text.erase(0, head_.size());
  std::lock_guard<std::mutex> lock(mu_);
  if (!spool_) spool_ = temp_spool();
  emit::Spooled where;
  if (spool_ && spool_->append(text, where))
    files_.push_back({f.path, where, {}});
  else
    files_.push_back({f.path, {}, std::move(text)});
}

bool StdoutStream::print(const emit::Output& output, std::ostream& out) {
  for (const auto& f : output.files) put(f);
  std::sort(files_.begin(), files_.end(),
            [](const Entry& a, const Entry& b) { return a.path < b.path; });
  std::vector<char> buf;
  for (const auto& e : files_) {
    out << e.text;
    const emit::Part part(e.spooled);
    for (std::size_t at = 0; at < e.spooled.size;) {
      buf.resize(std::min<std::size_t>(e.spooled.size - at, 1 << 20));
      if (!part.read(at, buf.size(), buf.data())) return false;
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      at += buf.size();
    }
  }
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace stackc::driver
