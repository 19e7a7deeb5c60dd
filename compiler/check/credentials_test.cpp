// The credential detector (E2009) against a corpus of credentials it must find and of values it
// must leave alone. Every token below is made up.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "check/credentials.hpp"

namespace stackc::check {
namespace {

struct Case {
  std::string key;
  std::string value;
  std::string what;  // a part of the finding's description
};

// Credentials: found, and named by what gave them away.
const std::vector<Case> kTrue = {
    // PEM private keys, the header alone or a whole block.
    {"KEY1", "-----BEGIN RSA PRIVATE KEY-----",
     "PEM private key (`-----BEGIN RSA PRIVATE KEY-----`)"},
    {"TLS",
     "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
     "PEM private key"},
    {"EC",
     "-----BEGIN EC PRIVATE "
     "KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49",
     "EC PRIVATE KEY"},
    {"DEPLOY", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
     "OPENSSH PRIVATE KEY"},
    {"SIGNING", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "PGP PRIVATE KEY BLOCK"},
    {"X", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "ENCRYPTED PRIVATE KEY"},
    // Token prefixes, under any key.
    {"GH", "ghp_EXAMPLE0123456789abcdefghijklmnopqrst", "`ghp_`"},
    {"GH", "gho_EXAMPLE0123456789abcdefghijklmnopqrst", "`gho_`"},
    {"GH", "ghu_EXAMPLE0123456789abcdefghijklmnopqrst", "`ghu_`"},
    {"GH", "ghs_16C7e42F292c6912E7710c838347Ae178B4a", "`ghs_`"},
    {"GH", "ghr_EXAMPLE0123456789abcdefghijklmnopqrst", "`ghr_`"},
    {"GH", "github_pat_11EXAMPLE0123456789_abcdefghijklmnopqrstuvwxyz", "`github_pat_`"},
    {"AWS", "AKIAIOSFODNN7EXAMPLE", "`AKIA`"},
    {"AWS", "ASIAIOSFODNN7EXAMPLE", "`ASIA`"},
    {"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "AWS access key id"},
    {"NOTIFY", "xoxb-1234567890-abcdefghijkl", "`xoxb-`"},
    {"NOTIFY", "xoxp-1234567890-1234567890-abcdef", "`xoxp-`"},
    {"NOTIFY", "xoxa-2-1234567890-abcdef", "`xoxa-`"},
    {"PAY", "sk_live_EXAMPLE0123456789abcdef", "`sk_live_`"},
    {"PAY", "rk_live_EXAMPLE0123456789abcdef", "`rk_live_`"},
    {"MAPS", "AIzaSyEXAMPLE-0123456789abcdefghijklmnop", "`AIza`"},
    {"CI", "glpat-EXAMPLE0123456789abcd", "`glpat-`"},
    {"NPMRC", "npm_EXAMPLE0123456789abcdefghijklmnopqrstu", "`npm_`"},
    {"AUTHORIZATION",
     "Bearer "
     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "JSON Web Token"},
    {"DATABASE_URL", "postgres://app:hunter2@db:5432/app", "password in a URL"},
    {"BROKER", "amqp://guest:guest@rabbit/", "password in a URL"},
    // Words of the key name, any non-empty literal, numbers included.
    {"DB_PASS", "hunter2", "`PASS`"},
    {"PGPASSWORD", "hunter2", "`PASSWORD`"},
    {"PASSPHRASE", "correct horse battery staple", "`PASSPHRASE`"},
    {"JWT", "abc.def.ghi", "`JWT`"},
    {"DB_PASSWORD", "123456", "`PASSWORD`"},
    {"REDIS_PASSWD", "42", "`PASSWD`"},
    {"MYSQL_PWD", "root", "`PWD`"},
    {"dbPassword", "s3cr3t", "`PASSWORD`"},
    {"ConnectionStrings__Password", "x", "`PASSWORD`"},
    {"CLIENT_SECRET", "abc", "`SECRET`"},
    {"SECRET_KEY_BASE", "abcdef", "`SECRET`"},
    {"GITHUB_TOKEN", "token-for-ci", "`TOKEN`"},
    {"GHTOKEN", "x1", "`TOKEN`"},
    {"API_KEY", "abc", "`API_KEY`"},
    {"apiKey", "abc", "`API_KEY`"},
    {"PRIVATE_KEY", "MIIEvQIBADANBg", "`PRIVATE_KEY`"},
    {"APIKEY", "abc", "`APIKEY`"},
    {"GOOGLE_CREDENTIALS", "{\"type\": \"service_account\"}", "`CREDENTIALS`"},
    {"ADMIN_PASSWORD", "changeme", "`PASSWORD`"},
    {"SMTP_PASSWORD_HASH", "$2y$10$abcdefghijklmnopqrstuv", "`PASSWORD`"},
    // `KEY` (or AUTH, SALT, HMAC) alone: a random-looking value.
    {"STRIPE_KEY", "k9X2mQ7vL4pR8sT1wZ6y", "`KEY`"},
    {"ENCRYPT_SALT", "a8f5f167f44f4964e6c998dee827110c", "`SALT`"},
    // On a command line.
    {"ARGS", "--db-password=hunter2", "`--db-password=...`"},
    {"JAVA_OPTS", "-Xmx512m -Dspring.datasource.password=hunter2", "spring.datasource.password"},
    {"TEST", "PGPASSWORD=hunter2 psql -h db", "`PGPASSWORD=...`"},
};

// Not credentials: references, paths, settings about credentials, public keys, ordinary text.
const std::vector<Case> kFalse = {
    {"DB_PASSWORD", "", ""},
    {"DB_PASSWORD", "$(POSTGRES_PASSWORD)", ""},
    {"DB_PASSWORD", "$DB_PASSWORD", ""},
    {"DB_PASSWORD", "${DB_PASSWORD}", ""},
    {"DB_PASSWORD_FILE", "/run/secrets/db", ""},
    {"PASSWORD", "/run/secrets/password", ""},
    {"PWD", "/app", ""},
    {"TOKEN_PATH", "./token", ""},
    {"PASSWORD_MIN_LENGTH", "12", ""},
    {"PASSWORD_MAX", "64", ""},
    {"TOKEN_TTL", "3600", ""},
    {"JWT_EXPIRY", "15m", ""},
    {"JWT_ISSUER", "https://auth.example.com", ""},
    {"JWT_ALGORITHM", "RS256", ""},
    {"SECRET_NAME", "postgres", ""},
    {"API_KEY_HEADER", "X-Api-Key", ""},
    {"TOKEN_URL", "https://auth.example.com/oauth/token", ""},
    {"OAUTH_TOKEN", "https://auth.example.com/oauth/token", ""},
    {"PASSWORD_RESET_ENABLED", "true", ""},
    {"USE_TOKEN", "false", ""},
    {"AWS_ACCESS_KEY_ID", "from-instance-profile", ""},
    {"PUBLIC_KEY", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", ""},
    {"JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----", ""},
    {"TLS_CERT", "-----BEGIN CERTIFICATE-----", ""},
    {"POSTGRES_HOST_AUTH_METHOD", "scram-sha-256", ""},
    {"GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer", ""},
    {"CACHE_KEY", "users", ""},
    {"SORT_KEY", "created_at", ""},
    {"PARTITION_KEY", "tenant-id", ""},
    {"DB_USER", "app", ""},
    {"DATABASE_URL", "postgres://app@db:5432/app", ""},
    {"DATA_SOURCE_URI", "localhost:5432/app?sslmode=disable", ""},
    {"REDIS_ADDR", "redis://localhost:6379", ""},
    {"BYPASS_CACHE", "1", ""},
    {"COMPASS_HEADING", "north", ""},
    {"SECRETARY", "Jane", ""},
    {"LOG_LEVEL", "debug", ""},
    {"IMAGE", "ghcr.io/example/api:1.2.3", ""},
    {"SHA", "a8f5f167f44f4964e6c998dee827110c", ""},  // random, but not named like a credential
    {"ARGS", "--password-file=/run/secrets/db", ""},
    {"ARGS", "--token=$GITHUB_TOKEN", ""},
    {"TEST", "PASSWORD_MIN_LENGTH=12 make test", ""},
    {"GREETING", "the github_pat_ prefix", ""},  // a prefix without a body
    {"NOTE", "ghp_short", ""},
    {"ID", "AKIA1234", ""},  // too short for an access key id
    {"ID", "XAKIAIOSFODNN7EXAMPLE", ""},
    {"PATH_PREFIX", "eyJ", ""},
    {"DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db:5432/app", ""},
};

TEST(Credentials, FindsEveryCredentialOfTheCorpus) {
  ASSERT_GE(kTrue.size(), 30u);
  for (const auto& c : kTrue) {
    auto f = find_credential_entry(c.key, c.value);
    EXPECT_TRUE(f) << c.key << " = " << c.value;
    EXPECT_NE(f.what.find(c.what), std::string::npos)
        << c.key << " = " << c.value << ": " << f.what << " does not mention " << c.what;
  }
}

TEST(Credentials, LeavesEveryNonCredentialOfTheCorpusAlone) {
  ASSERT_GE(kFalse.size(), 30u);
  for (const auto& c : kFalse) {
    auto f = find_credential_entry(c.key, c.value);
    EXPECT_FALSE(f) << c.key << " = " << c.value << ": " << f.what;
  }
}

TEST(Credentials, ShapesAreFoundWhateverTheKeyAndNamesOnlyForEntries) {
  EXPECT_TRUE(find_credential("token ghs_16C7e42F292c6912E7710c838347Ae178B4a in a sentence"));
  EXPECT_EQ(find_credential("ASIAIOSFODNN7EXAMPLE").by, CredentialFinding::By::Format);
  // The key's name makes a credential of an entry, never of a text on its own.
  EXPECT_FALSE(find_credential("hunter2"));
  EXPECT_EQ(find_credential_entry("DB_PASS", "hunter2").by, CredentialFinding::By::Name);
}

TEST(Credentials, TheDescriptionNeverRepeatsTheSecret) {
  for (const auto& c : kTrue) {
    auto f = find_credential_entry(c.key, c.value);
    if (c.value.size() >= 6 && c.value.rfind("-----BEGIN", 0) != 0) {
      EXPECT_EQ(f.what.find(c.value), std::string::npos) << f.what;
    }
  }
}

TEST(Credentials, TheCredentialWordOfAKey) {
  EXPECT_EQ(credential_word("DB_PASS"), "PASS");
  EXPECT_EQ(credential_word("PGPASSWORD"), "PASSWORD");
  EXPECT_EQ(credential_word("apiKey"), "API_KEY");
  EXPECT_EQ(credential_word("STRIPE_KEY"), "KEY");
  EXPECT_EQ(credential_word("PASSWORD_MIN_LENGTH"), "");
  EXPECT_EQ(credential_word("JWT_PUBLIC_KEY"), "");
  EXPECT_EQ(credential_word("DB_HOST"), "");
}

}  // namespace
}  // namespace stackc::check
