/* Passwords and tokens. */
#include "auth.h"
#include "common_passwords.h"
#include "suites.h"

#include <string.h>

/* Small limits: the tests check behaviour, not strength. */
static const struct bpa_password_limits light = {crypto_pwhash_OPSLIMIT_MIN, 8u << 20};
static const struct bpa_password_limits heavier = {crypto_pwhash_OPSLIMIT_MIN + 1, 8u << 20};

START_TEST(password_round_trip_and_rehash)
{
    char hash[crypto_pwhash_STRBYTES];
    ck_assert_int_eq(bpa_password_hash("correct horse battery", &light, hash), 0);
    ck_assert_int_eq(strncmp(hash, "$argon2id$", 10), 0);
    ck_assert(bpa_password_verify(hash, "correct horse battery"));
    ck_assert(!bpa_password_verify(hash, "correct horse batterY"));
    ck_assert(!bpa_password_verify(hash, ""));
    ck_assert(!bpa_password_needs_rehash(hash, &light));
    ck_assert(bpa_password_needs_rehash(hash, &heavier));
    char again[crypto_pwhash_STRBYTES];
    ck_assert_int_eq(bpa_password_hash("correct horse battery", &light, again), 0);
    ck_assert_str_ne(hash, again); /* salted */
}
END_TEST

START_TEST(password_rules)
{
    ck_assert_ptr_null(bpa_password_problem("twelve chars"));
    ck_assert_ptr_null(bpa_password_problem("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"));
    ck_assert_ptr_nonnull(bpa_password_problem("eleven char"));
    ck_assert_ptr_nonnull(bpa_password_problem("             "));
    char long_one[1100];
    memset(long_one, 'x', sizeof long_one - 1);
    long_one[sizeof long_one - 1] = '\0';
    ck_assert_ptr_nonnull(bpa_password_problem(long_one));
}
END_TEST

START_TEST(common_passwords_are_refused)
{
    /* entries of server/data/common-passwords.txt, in any letter case */
    ck_assert(bpa_password_is_common("1qaz2wsx3edc"));
    ck_assert(bpa_password_is_common("LeaveMeAlone"));
    ck_assert_str_eq(bpa_password_problem("1qaz2wsx3edc"),
                     "must not be one of the most common passwords");
    ck_assert_str_eq(bpa_password_problem("QWERTY123456"),
                     "must not be one of the most common passwords");
    ck_assert_ptr_nonnull(bpa_password_problem("123456789987654321"));
    /* only the whole password counts */
    ck_assert(!bpa_password_is_common("1qaz2wsx3ed"));
    ck_assert(!bpa_password_is_common("1qaz2wsx3edc!"));
    ck_assert(!bpa_password_is_common("x1qaz2wsx3edc"));
    ck_assert(!bpa_password_is_common(""));
    /* the length rules come first: a short common one is refused for its length */
    ck_assert_str_eq(bpa_password_problem("password"), "must be at least 12 characters");

    /* the generated list: lower-case, sorted strictly, each entry found */
    ck_assert_uint_gt(bpa_common_password_count, 100);
    for (size_t i = 0; i < bpa_common_password_count; i++) {
        const char *entry = bpa_common_passwords[i];
        ck_assert_uint_le(strlen(entry), bpa_common_password_longest);
        for (const char *c = entry; *c; c++)
            ck_assert(!(*c >= 'A' && *c <= 'Z'));
        if (i > 0)
            ck_assert_int_lt(strcmp(bpa_common_passwords[i - 1], entry), 0);
        ck_assert_msg(bpa_password_is_common(entry), "%s not found", entry);
    }

    /* a random one of 16 letters and digits is none of them */
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char picked[17];
    for (size_t i = 0; i < 16; i++)
        picked[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    picked[16] = '\0';
    ck_assert(!bpa_password_is_common(picked));
    ck_assert_ptr_null(bpa_password_problem(picked));
}
END_TEST

START_TEST(tokens_are_random_shaped_and_hashed)
{
    char a[BPA_TOKEN_SIZE], b[BPA_TOKEN_SIZE];
    bpa_token_new(BPA_SESSION_PREFIX, a);
    bpa_token_new(BPA_SESSION_PREFIX, b);
    ck_assert_str_ne(a, b);
    ck_assert_uint_eq(strlen(a), strlen(BPA_SESSION_PREFIX) + 43);
    ck_assert(bpa_token_shaped(a, BPA_SESSION_PREFIX));
    ck_assert(!bpa_token_shaped(a, BPA_KEY_PREFIX));
    ck_assert(!bpa_token_shaped("bpa_s_short", BPA_SESSION_PREFIX));
    char hash_a[BPA_TOKEN_HASH_SIZE], hash_a2[BPA_TOKEN_HASH_SIZE], hash_b[BPA_TOKEN_HASH_SIZE];
    bpa_token_hash(a, hash_a);
    bpa_token_hash(a, hash_a2);
    bpa_token_hash(b, hash_b);
    ck_assert_str_eq(hash_a, hash_a2);
    ck_assert_str_ne(hash_a, hash_b);
    ck_assert_uint_eq(strlen(hash_a), 66);
    ck_assert_int_eq(strncmp(hash_a, "\\x", 2), 0);
    ck_assert_ptr_null(strstr(hash_a, a + strlen(BPA_SESSION_PREFIX)));
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *tc = tcase_create("secrets");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, password_round_trip_and_rehash);
    tcase_add_test(tc, password_rules);
    tcase_add_test(tc, common_passwords_are_refused);
    tcase_add_test(tc, tokens_are_random_shaped_and_hashed);
    suite_add_tcase(s, tc);
    return s;
}
