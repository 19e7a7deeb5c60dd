// The one rule for images (language.md §5.13). A bare name (`api`) is the stack's own image: it is
// built from `api/Dockerfile`, pushed to `stack.registry` and tagged with `stack.version`.
// Anything else is an external reference used as written: it has a registry host (a first path
// component with `.` or `:`, or `localhost`), a `/` path (`weaveworksdemos/carts`), a `:tag` or an
// `@digest`. Docker Hub short names are normalised: `redis:alpine` ->
// `docker.io/library/redis:alpine`, `weaveworksdemos/carts:0.4.8` ->
// `docker.io/weaveworksdemos/carts:0.4.8`.
#pragma once

#include <string>
#include <string_view>

namespace stackc::model {

// A bare name: no `/`, no `:`, no `@`, not empty.
bool own_image(std::string_view image);

// Whether the first component of `image` is a registry host (`ghcr.io`, `localhost:5000`).
bool has_registry_host(std::string_view image);

// An external reference with Docker Hub's short names written out; `image` as written otherwise.
std::string external_image(std::string_view image);

// The tag of a reference (`7.4-alpine` of `redis:7.4-alpine@sha256:...`); empty without one.
std::string image_tag(std::string_view image);

// Whether `image` has a digest (`@sha256:...`).
bool has_digest(std::string_view image);

// A Docker Hub official image that a bare name may be mistaken for (`redis`, `postgres`, ...).
bool docker_official(std::string_view name);

}  // namespace stackc::model
