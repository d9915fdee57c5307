/* Which addresses a webhook may reach. */
#include "address.h"
#include "suites.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static bool is_public(const char *text)
{
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
        v4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
        v6->sin6_family = AF_INET6;
    else
        ck_abort_msg("not an address: %s", text);
    return bpa_address_is_public((const struct sockaddr *)&storage);
}

START_TEST(internal_addresses_are_closed)
{
    const char *closed[] = {"127.0.0.1",
                            "127.255.0.9",
                            "10.1.2.3",
                            "172.16.0.1",
                            "172.31.255.255",
                            "192.168.1.1",
                            "169.254.169.254",
                            "100.64.0.1",
                            "0.0.0.0",
                            "224.0.0.1",
                            "255.255.255.255",
                            "::1",
                            "::",
                            "fc00::1",
                            "fd12:3456::1",
                            "fe80::1",
                            "ff02::1",
                            "::ffff:127.0.0.1",
                            "::ffff:10.0.0.1"};
    for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
        ck_assert_msg(!is_public(closed[i]), "%s should be closed", closed[i]);
}
END_TEST

START_TEST(public_addresses_are_open)
{
    const char *open[] = {"145.97.39.155", "8.8.8.8",          "172.32.0.1",          "192.169.0.1",
                          "100.128.0.1",   "2001:610:1908::1", "::ffff:145.97.39.155"};
    for (size_t i = 0; i < sizeof open / sizeof open[0]; i++)
        ck_assert_msg(is_public(open[i]), "%s should be open", open[i]);
}
END_TEST

Suite *address_suite(void)
{
    Suite *s = suite_create("address");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, internal_addresses_are_closed);
    tcase_add_test(tc, public_addresses_are_open);
    suite_add_tcase(s, tc);
    return s;
}
