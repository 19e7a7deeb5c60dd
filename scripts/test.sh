#!/usr/bin/env bash
# The second command: every test. Release build + unit, golden, CLI and corpus-replay tests;
# formatting of the sources; the same tests under AddressSanitizer + UndefinedBehaviorSanitizer;
# the libFuzzer target built with clang and its corpus replayed; the threaded stages under
# ThreadSanitizer (their unit tests, and a build, a check and a rebuild of a 1,000-service fleet).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export NO_COLOR=1

echo "== release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
ctest --test-dir build -j2 --output-on-failure

echo "== source formatting (clang-format)"
clang-format --dry-run --Werror $(git ls-files 'compiler/*.cpp' 'compiler/*.hpp' 'stdlib/*.cpp' 'stdlib/*.hpp' 'tests/*.cpp' 'tests/*.hpp')

echo "== diagnostic pages: every example's output is what stackc prints"
python3 tests/check_pages.py build/compiler/stackc

echo "== .stack formatting (stackc fmt --check)"
build/compiler/stackc fmt --check examples/*/*.stack stdlib/std/*.stack

echo "== the committed out/ with the real tools (strict schemas, Helm's engines, kubectl kustomize)"
tests/conformance/setup.sh
tests/conformance/run.sh

echo "== editor support with real editors: the TextMate grammar and the VS Code extension (.vsix), Vim 9, Neovim, Emacs"
tests/editors/setup.sh
tests/editors/run.sh

echo "== the language server with real clients (vscode-languageserver-protocol, Neovim, Emacs eglot)"
tests/lsp/setup.sh
tests/lsp/run.sh

echo "== fidelity of examples/sock-shop and examples/bookinfo to their upstream manifests (when ../shared/realworld is here)"
tests/fidelity/run.sh

echo "== round trip: import, build and diff of every example (and of ../shared/realworld when here)"
tests/roundtrip/run.sh

echo "== the same checks from a copy with no ../shared beside it (the project stands alone)"
alone=$(mktemp -d)
mkdir "$alone/project"
git ls-files -z | tar --null -T - -cf - | tar -C "$alone/project" -xf -
ln -s "$PWD/tests/conformance/node_modules" "$alone/project/tests/conformance/node_modules"
ln -s "$PWD/tests/conformance/.bin" "$alone/project/tests/conformance/.bin"
[ ! -e "$alone/shared" ] && STACKC="$PWD/build/compiler/stackc" "$alone/project/tests/conformance/run.sh"
ln -s "$PWD/tests/editors/node_modules" "$alone/project/tests/editors/node_modules"
cp -a "$PWD/editors/vscode/node_modules" "$alone/project/editors/vscode/"   # vsce lists the real tree
STACKC="$PWD/build/compiler/stackc" "$alone/project/tests/editors/run.sh"
ln -s "$PWD/tests/lsp/node_modules" "$alone/project/tests/lsp/node_modules"
STACKC="$PWD/build/compiler/stackc" "$alone/project/tests/lsp/run.sh"
rm -rf "$alone"

echo "== libFuzzer targets (clang, ASan+UBSan: front end, build in memory, writer, Dockerfiles, language server, import), corpora replayed"
CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTACKC_FUZZ=ON -DSTACKC_TESTS=OFF >/dev/null
cmake --build build-fuzz -j2 --target stackc_fuzz stackc_fuzz_build stackc_fuzz_writer stackc_fuzz_dockerfile stackc_fuzz_lsp stackc_fuzz_import
build-fuzz/tests/fuzz/stackc_fuzz -runs=0 tests/fuzz/corpus examples/personage examples/webapp examples/minimal examples/sock-shop examples/bookinfo stdlib/std
build-fuzz/tests/fuzz/stackc_fuzz_build -runs=0 tests/fuzz/corpus-build
build-fuzz/tests/fuzz/stackc_fuzz_writer -runs=0 tests/fuzz/corpus-writer
build-fuzz/tests/fuzz/stackc_fuzz_dockerfile -runs=0 tests/fuzz/corpus-dockerfile tests/golden/cases/docker
build-fuzz/tests/fuzz/stackc_fuzz_lsp -runs=0 tests/fuzz/corpus-lsp
build-fuzz/tests/fuzz/stackc_fuzz_import -runs=0 tests/fuzz/corpus-import

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build and tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSTACKC_SANITIZE=ON >/dev/null
cmake --build build-asan -j2
ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan -j2 --output-on-failure

echo "== ThreadSanitizer: the threaded stages (parse and check in halves, lowering, targets, writing)"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTACKC_TSAN=ON >/dev/null
cmake --build build-tsan -j2 --target stackc_unit_tests stackc
export TSAN_OPTIONS=halt_on_error=1
build-tsan/tests/stackc_unit_tests --gtest_filter='Parse.*:Check.*:Doc*:Lowering.*'
python3 bench/gen_fleet.py 1000 > build-tsan/fleet.stack
rm -rf build-tsan/out
build-tsan/compiler/stackc build build-tsan/fleet.stack -o build-tsan/out >/dev/null
build-tsan/compiler/stackc build --check build-tsan/fleet.stack -o build-tsan/out >/dev/null
echo "# edited" >> build-tsan/out/kubernetes/prod/02-svc-0001.yaml
build-tsan/compiler/stackc build build-tsan/fleet.stack -o build-tsan/out >/dev/null
build-tsan/compiler/stackc build --check build-tsan/fleet.stack -o build-tsan/out >/dev/null
