#include "check/credentials.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <vector>

namespace stackc::check {
namespace {

bool upper_or_digit(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}
bool base64url(char c) {
  return alnum(c) || c == '-' || c == '_';
}
bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// How many characters from `at` satisfy `ok`.
template <class F>
std::size_t run_of(std::string_view s, std::size_t at, F ok) {
  std::size_t n = 0;
  while (at + n < s.size() && ok(s[at + n])) ++n;
  return n;
}

// Each occurrence of `prefix` in `s` that starts a word (not preceded by a letter or digit).
template <class F>
bool any_at_word_start(std::string_view s, std::string_view prefix, F f) {
  for (auto at = s.find(prefix); at != std::string_view::npos; at = s.find(prefix, at + 1))
    if ((at == 0 || !alnum(s[at - 1])) && f(at + prefix.size())) return true;
  return false;
}

// ---- shapes ---------------------------------------------------------------------------------

// `-----BEGIN ... PRIVATE KEY-----` (PKCS#1 RSA/DSA/EC, PKCS#8, ENCRYPTED, OPENSSH) and
// `-----BEGIN PGP PRIVATE KEY BLOCK-----`; the header alone is enough. Sets the header.
bool pem_private_key(std::string_view s, std::string& header) {
  for (auto at = s.find("-----BEGIN "); at != std::string_view::npos;
       at = s.find("-----BEGIN ", at + 1)) {
    auto end = s.find("-----", at + 11);
    if (end == std::string_view::npos) return false;
    auto label = s.substr(at + 11, end - at - 11);
    if (label.find('\n') != std::string_view::npos) continue;
    bool key = label.size() >= 11 && label.substr(label.size() - 11) == "PRIVATE KEY";
    bool pgp = label == "PGP PRIVATE KEY BLOCK";
    if (key || pgp) {
      header = std::string(s.substr(at, end + 5 - at));
      return true;
    }
  }
  return false;
}

struct Prefix {
  std::string_view text;
  std::string_view what;
  std::size_t min_body;  // characters after the prefix
  bool (*body)(char);    // what they are
};

bool github_pat_body(char c) {
  return alnum(c) || c == '_';
}
bool slack_body(char c) {
  return alnum(c) || c == '-';
}

constexpr std::array<Prefix, 15> kPrefixes = {{
    {"ghp_", "a GitHub personal access token (`ghp_`)", 30, alnum},
    {"gho_", "a GitHub OAuth token (`gho_`)", 30, alnum},
    {"ghu_", "a GitHub user-to-server token (`ghu_`)", 30, alnum},
    {"ghs_", "a GitHub installation token (`ghs_`)", 30, alnum},
    {"ghr_", "a GitHub refresh token (`ghr_`)", 30, alnum},
    {"github_pat_", "a GitHub fine-grained personal access token (`github_pat_`)", 22,
     github_pat_body},
    {"xoxa-", "a Slack token (`xoxa-`)", 10, slack_body},
    {"xoxb-", "a Slack bot token (`xoxb-`)", 10, slack_body},
    {"xoxp-", "a Slack user token (`xoxp-`)", 10, slack_body},
    {"xoxr-", "a Slack refresh token (`xoxr-`)", 10, slack_body},
    {"xoxs-", "a Slack session token (`xoxs-`)", 10, slack_body},
    {"sk_live_", "a Stripe live secret key (`sk_live_`)", 16, alnum},
    {"rk_live_", "a Stripe live restricted key (`rk_live_`)", 16, alnum},
    {"glpat-", "a GitLab personal access token (`glpat-`)", 20, base64url},
    {"npm_", "an npm access token (`npm_`)", 36, alnum},
}};

// AKIA/ASIA and exactly 16 upper-case letters or digits, as a word of its own.
bool aws_key(std::string_view s, std::string_view prefix) {
  return any_at_word_start(s, prefix,
                           [&](std::size_t at) { return run_of(s, at, upper_or_digit) == 16; });
}

// `AIza` and 35 characters of [A-Za-z0-9_-].
bool google_key(std::string_view s) {
  return any_at_word_start(s, "AIza",
                           [&](std::size_t at) { return run_of(s, at, base64url) >= 35; });
}

// header.payload.signature, base64url, the first two JSON objects (`eyJ` is `{"`).
bool jwt(std::string_view s) {
  return any_at_word_start(s, "eyJ", [&](std::size_t at) {
    std::size_t h = run_of(s, at, base64url);
    if (h < 7 || at + h >= s.size() || s[at + h] != '.') return false;
    std::size_t p = at + h + 1;
    if (s.substr(p, 3) != "eyJ") return false;
    std::size_t n = run_of(s, p + 3, base64url);
    std::size_t dot = p + 3 + n;
    return n >= 7 && dot < s.size() && s[dot] == '.';
  });
}

// A Kubernetes `$(VAR)` reference or a shell `$VAR` / `${VAR}`: the value comes from elsewhere.
bool variable_reference(std::string_view v) {
  if (v.size() < 2 || v[0] != '$') return false;
  char c = v[1];
  return c == '(' || c == '{' || c == '_' || std::isalpha(static_cast<unsigned char>(c));
}

// `scheme://user:password@host` with a literal password.
bool url_password(std::string_view s) {
  for (auto scheme = s.find("://"); scheme != std::string_view::npos;
       scheme = s.find("://", scheme + 3)) {
    auto rest = s.substr(scheme + 3);
    auto stop = std::min({rest.find('/'), rest.find(' '), rest.find('?'), rest.find('#')});
    auto auth = rest.substr(0, stop);
    auto at = auth.rfind('@');
    if (at == std::string_view::npos) continue;
    auto colon = auth.substr(0, at).find(':');
    if (colon == std::string_view::npos) continue;
    auto password = auth.substr(colon + 1, at - colon - 1);
    if (!password.empty() && !variable_reference(password)) return true;
  }
  return false;
}

CredentialFinding format(std::string what) {
  return {CredentialFinding::By::Format, std::move(what)};
}

CredentialFinding shape(std::string_view s) {
  // Every shape but a URL's is 15 characters or more (`xoxb-` and ten): most values (names,
  // paths, levels) are shorter and are spared the fifteen searches below.
  if (s.size() < 15) {
    if (url_password(s)) return format("a password in a URL (`scheme://user:password@host`)");
    return {};
  }
  std::string header;
  if (pem_private_key(s, header)) return format(fmt::format("a PEM private key (`{}`)", header));
  for (const auto& p : kPrefixes)
    if (any_at_word_start(s, p.text,
                          [&](std::size_t at) { return run_of(s, at, p.body) >= p.min_body; }))
      return format(std::string(p.what));
  if (aws_key(s, "AKIA")) return format("an AWS access key id (`AKIA`)");
  if (aws_key(s, "ASIA")) return format("an AWS temporary access key id (`ASIA`)");
  if (google_key(s)) return format("a Google API key (`AIza`)");
  if (jwt(s)) return format("a JSON Web Token (`eyJ...`)");
  if (url_password(s)) return format("a password in a URL (`scheme://user:password@host`)");
  return {};
}

// ---- names ----------------------------------------------------------------------------------

// Words of a key, upper-cased: "ConnectionStrings__Postgres" -> CONNECTION STRINGS POSTGRES,
// "-Dspring.datasource.password" -> DSPRING DATASOURCE PASSWORD.
std::vector<std::string> words_of(std::string_view key) {
  std::vector<std::string> words;
  std::string cur;
  for (std::size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool upper = c >= 'A' && c <= 'Z';
    bool sep = !alnum(c);
    if (sep || (upper && i > 0 && key[i - 1] >= 'a' && key[i - 1] <= 'z')) {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
      if (sep) continue;
    }
    cur += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

bool ends_with(std::string_view s, std::string_view t) {
  return s.size() >= t.size() && s.substr(s.size() - t.size()) == t;
}

// A word that names a credential by itself: any literal under it is one.
std::string strong_word(const std::string& w) {
  static constexpr std::string_view exact[] = {
      "PASS",       "PASSWD",      "PASSWORD", "PASSWORDS",  "PWD",       "PASSPHRASE",
      "SECRET",     "SECRETS",     "TOKEN",    "TOKENS",     "JWT",       "APIKEY",
      "CREDENTIAL", "CREDENTIALS", "CREDS",    "PRIVATEKEY", "SECRETKEY", "ACCESSKEY"};
  for (auto e : exact)
    if (w == e) return w;
  // Glued to another word: PGPASSWORD, MYSQLPWD is not (too short to tell), GHTOKEN.
  for (std::string_view in : {"PASSWORD", "PASSWD", "PASSPHRASE"})
    if (w.find(in) != std::string::npos) return std::string(in);
  for (std::string_view end : {"TOKEN", "SECRET"})
    if (ends_with(w, end)) return std::string(end);
  return {};
}

// The first word of a pair that makes `KEY` a credential: API_KEY, PRIVATE_KEY, ...
bool key_qualifier(const std::string& w) {
  static constexpr std::string_view q[] = {"API",     "PRIVATE",    "SECRET", "ACCESS",
                                           "SIGNING", "ENCRYPTION", "MASTER", "AUTH",
                                           "LICENSE", "SESSION",    "CLIENT", "APP"};
  return std::find(std::begin(q), std::end(q), w) != std::end(q);
}

// A word that may name a credential: a value under it is one when it looks random.
bool weak_word(const std::string& w) {
  return w == "KEY" || w == "AUTH" || w == "SALT" || w == "HMAC" || w == "SIGNATURE";
}

// The last word of a key that names a setting about a credential, not the credential:
// PASSWORD_MIN_LENGTH, TOKEN_TTL, SECRET_NAME, API_KEY_HEADER, DB_PASSWORD_FILE.
bool setting_word(const std::string& w) {
  static constexpr std::string_view s[] = {
      "FILE",       "FILES",    "PATH",     "DIR",     "URL",        "URI",     "ENDPOINT",
      "HOST",       "PORT",     "NAME",     "HEADER",  "TTL",        "LENGTH",  "LEN",
      "MIN",        "MAX",      "COUNT",    "SIZE",    "ENABLED",    "ENABLE",  "DISABLED",
      "DISABLE",    "REQUIRED", "EXPIRY",   "EXPIRES", "EXPIRATION", "TIMEOUT", "LIFETIME",
      "AGE",        "INTERVAL", "ROTATION", "POLICY",  "ALGORITHM",  "ALG",     "TYPE",
      "MODE",       "FORMAT",   "METHOD",   "ISSUER",  "AUDIENCE",   "USER",    "USERNAME",
      "ID",         "ARN",      "REF",      "VERSION", "PREFIX",     "FIELD",   "ROUNDS",
      "ITERATIONS", "COST",     "BITS",     "RETRIES", "ATTEMPTS",   "STORE",   "BACKEND",
      "PROVIDER",   "LOCATION", "SOURCE",   "ENCODER", "HASHER",     "SCHEME",  "STRATEGY",
      "KIND",       "LEVEL",    "ENV",      "VAR",     "MOUNT"};
  return std::find(std::begin(s), std::end(s), w) != std::end(s);
}

enum class Strength { None, Weak, Strong };

Strength strength(std::string_view key, std::string& word) {
  auto words = words_of(key);
  if (words.empty() || setting_word(words.back())) return Strength::None;
  for (const auto& w : words)
    if (w == "PUBLIC" || w == "PUB" || w == "PUBKEY") return Strength::None;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (auto s = strong_word(words[i]); !s.empty()) {
      word = s;
      return Strength::Strong;
    }
    if (words[i] == "KEY" && i > 0 && key_qualifier(words[i - 1])) {
      word = words[i - 1] + "_KEY";
      return Strength::Strong;
    }
  }
  for (const auto& w : words)
    if (weak_word(w)) {
      word = w;
      return Strength::Weak;
    }
  return Strength::None;
}

// Shannon entropy in bits per character.
double entropy(std::string_view s) {
  std::array<int, 256> n{};
  for (unsigned char c : s) ++n[c];
  double h = 0;
  for (int k : n)
    if (k) {
      double p = static_cast<double>(k) / static_cast<double>(s.size());
      h -= p * std::log2(p);
    }
  return h;
}

// Random-looking: long, one word, letters and digits mixed, and varied.
bool looks_random(std::string_view v) {
  if (v.size() < 16 || std::any_of(v.begin(), v.end(), space)) return false;
  bool letter = std::any_of(v.begin(), v.end(),
                            [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
  bool digit = std::any_of(v.begin(), v.end(),
                           [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  return letter && digit && entropy(v) >= 3.0;
}

bool lower_equals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == y;
         });
}

// Values that are never a credential whatever their key.
bool never_a_credential(std::string_view v) {
  if (v.empty() || variable_reference(v)) return true;
  if (v.front() == '/' || v.rfind("./", 0) == 0 || v.rfind("~/", 0) == 0 ||
      v.rfind("file:", 0) == 0)
    return true;  // a file path: where the credential is
  for (std::string_view b : {"true", "false", "yes", "no", "on", "off"})
    if (lower_equals(v, b)) return true;
  // A URL: with a password it is found by its shape; without one it says where, not what.
  if (v.find("://") != std::string_view::npos) return true;
  return false;
}

CredentialFinding by_name(std::string_view key, std::string_view value) {
  std::string word;
  Strength s = strength(key, word);
  if (s == Strength::None || never_a_credential(value)) return {};
  if (s == Strength::Strong)
    return {CredentialFinding::By::Name, fmt::format("the word `{}` in its name", word)};
  if (looks_random(value))
    return {CredentialFinding::By::Name,
            fmt::format("the word `{}` in its name and a random-looking value", word)};
  return {};
}

// `NAME=VALUE` words of a command line, `--db-password=hunter2` or `PGPASSWORD=x psql`.
CredentialFinding assignment(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && space(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !space(s[i])) ++i;
    auto tok = s.substr(start, i - start);
    auto eq = tok.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    auto name = tok.substr(0, eq);
    auto value = tok.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    bool name_ok = std::all_of(name.begin(), name.end(),
                               [](char c) { return alnum(c) || c == '_' || c == '-' || c == '.'; });
    if (!name_ok) continue;
    if (auto f = by_name(name, value))
      return format(fmt::format("a credential on a command line (`{}=...`)", name));
  }
  return {};
}

}  // namespace

CredentialFinding find_credential(std::string_view text) {
  if (auto f = shape(text)) return f;
  return assignment(text);
}

CredentialFinding find_credential_entry(std::string_view key, std::string_view value) {
  if (auto f = find_credential(value)) return f;
  return by_name(key, value);
}

std::string credential_word(std::string_view key) {
  std::string word;
  return strength(key, word) == Strength::None ? std::string() : word;
}

}  // namespace stackc::check
