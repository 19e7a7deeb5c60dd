// `build --stdout`'s stream: files put from several threads, set aside per thread, printed in
// name order without their headers, to a stream or to a descriptor.
#include "driver/stdout_stream.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "driver/write.hpp"

namespace {

using stackc::driver::StdoutStream;
using stackc::emit::File;
using stackc::emit::Output;

const std::string kSource = "s.stack";

// A file as the lowering makes it: the header, then its object as a view of `kept` (which
// outlives it).
File made(const std::string& path, std::string_view kept) {
  File f{path, stackc::emit::header(kSource), {}};
  f.parts.emplace_back("---\n");
  f.parts.emplace_back(kept);
  return f;
}

std::string body(const std::string& name) {
  return "kind: ConfigMap\nname: " + name + "\n";
}

// Puts `n` workload files from two threads (the odd ones from the second, in reverse) and the
// namespace's file at the end, as the build does; returns the expected stream.
std::string put_all(StdoutStream& s, Output& last, int n) {
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) texts.push_back(body("w" + std::to_string(i)));
  std::map<std::string, std::string> want;
  auto one = [&](int i) {
    char name[32];
    std::snprintf(name, sizeof name, "02-w%04d.yaml", i);
    File f = made("kubernetes/prod/" + std::string(name), texts[static_cast<std::size_t>(i)]);
    want["kubernetes/prod/" + std::string(name)] = "---\n" + texts[static_cast<std::size_t>(i)];
    return f;
  };
  std::vector<File> files;
  for (int i = 0; i < n; ++i) files.push_back(one(i));
  std::thread other([&] {
    for (int i = n - 1; i >= 0; --i)
      if (i % 2) s.put(files[static_cast<std::size_t>(i)]);
  });
  for (int i = 0; i < n; i += 2) s.put(files[static_cast<std::size_t>(i)]);
  other.join();
  // Another environment's file and another target's are not in the stream.
  s.put(made("kubernetes/dev/02-w0000.yaml", "dev\n"));
  s.put(made("kustomize/base/w0000.yaml", "base\n"));
  last.add("kubernetes/prod/00-namespace.yaml",
           stackc::emit::header(kSource) + "---\nkind: Namespace\n");
  want["kubernetes/prod/00-namespace.yaml"] = "---\nkind: Namespace\n";
  std::string all;
  for (const auto& [path, text] : want) all += text;
  return all;
}

// Set aside a MiB at a time (the small files of the tests stay in memory), at every file, and
// every 100 bytes (a file at a time, most not).
const std::size_t kBatches[] = {StdoutStream::kBatch, 1, 100};

TEST(StdoutStream, PrintsEveryThreadsFilesInNameOrderWithoutHeaders) {
  for (std::size_t batch : kBatches) {
    StdoutStream s("prod", kSource, batch);
    Output last;
    std::string want = put_all(s, last, 101);
    std::ostringstream out;
    ASSERT_TRUE(s.print(last, out));
    EXPECT_EQ(out.str(), want) << batch;
  }
}

TEST(StdoutStream, PrintsToADescriptorInTheKernel) {
  for (std::size_t batch : kBatches) {
    StdoutStream s("prod", kSource, batch);
    Output last;
    std::string want = put_all(s, last, 57);
    int fd = stackc::driver::temp_file();
    ASSERT_GE(fd, 0);
    std::ostringstream unused;
    ASSERT_TRUE(s.print(last, unused, fd));
    EXPECT_EQ(unused.str(), "");
    std::string got(want.size() + 16, '\0');
    ssize_t n = ::pread(fd, got.data(), got.size(), 0);
    ::close(fd);
    ASSERT_GE(n, 0);
    got.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(got, want) << batch;
  }
}

TEST(StdoutStream, AFailedDescriptorIsReported) {
  StdoutStream s("prod", kSource, 1);
  Output last;
  put_all(s, last, 3);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[1]);
  std::ostringstream unused;
  // fds[0] is the read end: writing to it fails.
  EXPECT_FALSE(s.print(last, unused, fds[0]));
  ::close(fds[0]);
}

}  // namespace
