#include "model/images.hpp"

#include "emit/kubernetes/kubernetes.hpp"

namespace stackc::emit::kubernetes {

std::string image_ref(const model::Model& m, const std::string& image) {
  if (!model::own_image(image)) return model::external_image(image);
  std::string ref = m.stack.registry.empty() ? image : m.stack.registry + "/" + image;
  return m.stack.version.empty() ? ref : ref + ":" + m.stack.version;
}

namespace {

// A Kubernetes label value: at most 63 characters of `[A-Za-z0-9._-]`, beginning and ending
// with a letter or digit.
bool label_value(const std::string& v) {
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (v.empty() || v.size() > 63 || !alnum(v.front()) || !alnum(v.back())) return false;
  for (char c : v)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return false;
  return true;
}

}  // namespace

std::string image_version(const model::Model& m, const std::string& image) {
  std::string v = model::own_image(image) ? m.stack.version : model::image_tag(image);
  return label_value(v) ? v : std::string();
}

}  // namespace stackc::emit::kubernetes
