// The credential detector behind E2009: a literal written in a .stack file that is a credential.
// A .stack file is committed, and its literals are copied into ConfigMaps, chart values and
// workflows, so a credential written in one leaks to everyone who can read any of them.
//
// Two kinds of evidence (specs/diagnostics/E2009.md lists every rule):
// - the value's own shape, whatever its key: PEM private keys, the well-known token prefixes
//   (GitHub, AWS, Slack, Stripe, Google, GitLab, npm), JSON Web Tokens, a password in a URL, and
//   `NAME=VALUE` on a command line where NAME is named like a credential;
// - the key's name: a literal under a key with a credential word (PASSWORD, TOKEN, SECRET, JWT,
//   API_KEY, ...), numbers included; under a key that only says `KEY` (or AUTH, SALT, HMAC), a
//   value that looks random.
// Never a credential: an empty value, a file path (`/run/secrets/db`), a Kubernetes reference
// `$(VAR)` or a shell variable `$VAR`, `true`/`false`, a URL without a password, and any value
// of a key whose last word names a setting about the credential (PASSWORD_MIN_LENGTH,
// TOKEN_TTL, SECRET_NAME, API_KEY_HEADER, ...) or that says it is public (PUBLIC_KEY).
#pragma once

#include <string>
#include <string_view>

namespace stackc::check {

struct CredentialFinding {
  enum class By { None, Format, Name } by = By::None;
  // What was recognised, to be put in a sentence: "a GitHub token (`ghs_`)", "a PEM private key
  // (`-----BEGIN RSA PRIVATE KEY-----`)", or for By::Name "the word `PASS` in its name". It never
  // repeats the secret part of the value.
  std::string what;
  explicit operator bool() const { return by != By::None; }
};

// A credential by its shape anywhere in `text` (the decoded literal text of a string).
CredentialFinding find_credential(std::string_view text);

// The literal `value` (a string's text, or a number as written) of the entry `key`: its shape
// first, then the key's name.
CredentialFinding find_credential_entry(std::string_view key, std::string_view value);

// The credential word of a key's name ("PASSWORD" for `DB_PASSWORD`, "API KEY" for `apiKey`),
// or empty when the name does not name a credential or names a setting about one.
std::string credential_word(std::string_view key);

}  // namespace stackc::check
