/* The client behind trusted proxies: parsing --trusted-proxies, and which
 * forwarded hop is believed. */
#include "client_address.h"
#include "suites.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct sockaddr_storage peer_storage;

/* A peer socket address from text ("192.0.2.1", "2001:db8::1"). */
static const struct sockaddr *peer(const char *text)
{
    memset(&peer_storage, 0, sizeof peer_storage);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&peer_storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&peer_storage;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
        v4->sin_family = AF_INET;
    else if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
        v6->sin6_family = AF_INET6;
    else
        ck_abort_msg("not an address: %s", text);
    return (const struct sockaddr *)&peer_storage;
}

static struct bpa_trusted_proxies *parse(const char *list)
{
    char error[256] = "";
    struct bpa_trusted_proxies *set = bpa_trusted_proxies_parse(list, error, sizeof error);
    ck_assert_msg(set != NULL, "'%s' refused: %s", list ? list : "(null)", error);
    return set;
}

/* Whether `list` trusts the peer `address`: then a forwarded hop is taken. */
static bool trusts(const char *list, const char *address)
{
    struct bpa_trusted_proxies *set = parse(list);
    char out[BPA_CLIENT_ADDRESS_SIZE];
    bool https;
    bpa_client_address(set, peer(address), "198.51.100.7", NULL, NULL, out, &https);
    bpa_trusted_proxies_free(set);
    return strcmp(out, "198.51.100.7") == 0;
}

static char client[BPA_CLIENT_ADDRESS_SIZE];
static bool https;

static const char *behind(const char *list, const char *peer_address, const char *xff,
                          const char *forwarded, const char *proto)
{
    struct bpa_trusted_proxies *set = parse(list);
    bpa_client_address(set, peer(peer_address), xff, forwarded, proto, client, &https);
    bpa_trusted_proxies_free(set);
    return client;
}

START_TEST(lists_are_parsed)
{
    ck_assert(!trusts(NULL, "127.0.0.1"));
    ck_assert(!trusts("", "127.0.0.1"));
    ck_assert(!trusts("  ", "127.0.0.1"));
    ck_assert(trusts("127.0.0.1", "127.0.0.1"));
    ck_assert(trusts("127.0.0.1/32", "127.0.0.1"));
    ck_assert(!trusts("127.0.0.1/32", "127.0.0.2"));
    ck_assert(trusts("10.0.0.0/8", "10.255.3.4"));
    ck_assert(!trusts("10.0.0.0/8", "11.0.0.1"));
    ck_assert(trusts("10.1.2.3/8", "10.9.9.9")); /* host bits ignored */
    ck_assert(trusts("172.16.0.0/12", "172.31.255.255"));
    ck_assert(!trusts("172.16.0.0/12", "172.32.0.0"));
    ck_assert(trusts("192.0.2.0/25", "192.0.2.127"));
    ck_assert(!trusts("192.0.2.0/25", "192.0.2.128"));
    ck_assert(trusts("0.0.0.0/0", "203.0.113.9"));
    ck_assert(!trusts("0.0.0.0/0", "2001:db8::1"));
    ck_assert(trusts(" 192.0.2.1 ,\t10.0.0.0/8,fd00::/8 ", "fd12::1"));
    ck_assert(trusts(" 192.0.2.1 ,\t10.0.0.0/8,fd00::/8 ", "192.0.2.1"));
    ck_assert(!trusts(" 192.0.2.1 ,\t10.0.0.0/8,fd00::/8 ", "fe00::1"));
    ck_assert(trusts("2001:db8::/32", "2001:db8:ffff::1"));
    ck_assert(!trusts("2001:db8::/32", "2001:db9::1"));
    ck_assert(trusts("2001:db8::1", "2001:db8::1"));
    ck_assert(trusts("2001:db8::/127", "2001:db8::1"));
    ck_assert(!trusts("2001:db8::/127", "2001:db8::2"));
    ck_assert(trusts("::1", "::1"));
    /* IPv4-mapped peers are IPv4; mapped blocks are the IPv4 block they map */
    ck_assert(trusts("127.0.0.1", "::ffff:127.0.0.1"));
    ck_assert(trusts("::ffff:10.0.0.0/104", "10.3.3.3"));
    ck_assert(trusts("::ffff:10.0.0.0/104", "::ffff:10.3.3.3"));
    ck_assert(!trusts("::ffff:10.0.0.0/104", "11.3.3.3"));
}
END_TEST

static void refused(const char *list, const char *expected)
{
    char error[256] = "";
    struct bpa_trusted_proxies *set = bpa_trusted_proxies_parse(list, error, sizeof error);
    ck_assert_msg(set == NULL, "'%s' was accepted", list);
    ck_assert_msg(strstr(error, expected) != NULL, "'%s': '%s' lacks '%s'", list, error, expected);
    ck_assert_ptr_null(strchr(error, '\n'));
}

START_TEST(bad_lists_are_refused_with_a_reason)
{
    refused("10.0.0.0/33", "'10.0.0.0/33' has a prefix length beyond 32");
    refused("fd00::/129", "beyond 128");
    refused("10.0.0.0/", "no valid prefix length");
    refused("10.0.0.0/8x", "no valid prefix length");
    refused("10.0.0.0/-1", "no valid prefix length");
    refused("10.0.0.0/0008", "no valid prefix length");
    refused("10.0.0.0/8,", "an empty entry");
    refused("10.0.0.0/8,,192.0.2.1", "an empty entry");
    refused("10.0.0", "'10.0.0' is not an IPv4 or IPv6 address or CIDR block");
    refused("localhost", "'localhost' is not");
    refused("192.0.2.1 10.0.0.1", "is not");
    refused("[::1]", "is not");
    refused("fe80::1%eth0", "is not");
    refused("192.0.2.1;10.0.0.0/8", "is not");
    refused("10.0.0.256", "is not");
    refused("10.0.0.0/8,\n192.0.2.1", "'?192.0.2.1' is not"); /* one line, whatever the input */
}
END_TEST

START_TEST(untrusted_peers_are_the_client)
{
    ck_assert_str_eq(behind(NULL, "203.0.113.5", "198.51.100.7", "for=198.51.100.8", "https"),
                     "203.0.113.5");
    ck_assert(!https);
    ck_assert_str_eq(behind("10.0.0.0/8", "203.0.113.5", "198.51.100.7", NULL, "https"),
                     "203.0.113.5");
    ck_assert(!https);
    ck_assert_str_eq(behind(NULL, "::ffff:203.0.113.5", NULL, NULL, NULL), "203.0.113.5");
    ck_assert_str_eq(behind(NULL, "2001:DB8:0:0::1", NULL, NULL, NULL), "2001:db8::1");
}
END_TEST

START_TEST(x_forwarded_for_is_walked_from_the_right)
{
    const char *proxies = "127.0.0.1, 10.0.0.0/8";
    /* one proxy: the entry it added */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "198.51.100.7", NULL, NULL), "198.51.100.7");
    /* what the client wrote itself is to the left and never reached */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "1.2.3.4, 198.51.100.7", NULL, NULL),
                     "198.51.100.7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "10.0.0.1, 198.51.100.7", NULL, NULL),
                     "198.51.100.7");
    /* trusted hops are skipped */
    ck_assert_str_eq(
        behind(proxies, "127.0.0.1", "1.2.3.4, 198.51.100.7, 10.0.0.9, 10.0.0.8", NULL, NULL),
        "198.51.100.7");
    /* all trusted: the leftmost */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "10.0.0.3,10.0.0.2", NULL, NULL), "10.0.0.3");
    /* empty list elements are allowed */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", " , 198.51.100.7 ,, ", NULL, NULL),
                     "198.51.100.7");
    /* no usable header: the peer */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "", NULL, NULL), "127.0.0.1");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", " , ", NULL, NULL), "127.0.0.1");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL, NULL, NULL), "127.0.0.1");
    /* ports and brackets, IPv6 and mapped IPv4, all normalised */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "198.51.100.7:4711", NULL, NULL), "198.51.100.7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "[2001:DB8::0:7]:4711", NULL, NULL),
                     "2001:db8::7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "[2001:db8::7]", NULL, NULL), "2001:db8::7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "2001:db8::7", NULL, NULL), "2001:db8::7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "::ffff:198.51.100.7", NULL, NULL),
                     "198.51.100.7");
    /* a mapped hop inside a trusted IPv4 block is trusted */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", "198.51.100.7, ::ffff:10.0.0.1", NULL, NULL),
                     "198.51.100.7");
    /* a mapped IPv6 peer is the IPv4 proxy */
    ck_assert_str_eq(behind(proxies, "::ffff:127.0.0.1", "198.51.100.7", NULL, NULL),
                     "198.51.100.7");
    /* an IPv6 proxy */
    ck_assert_str_eq(behind("2001:db8:1::/48", "2001:db8:1::5", "198.51.100.7", NULL, NULL),
                     "198.51.100.7");
}
END_TEST

START_TEST(garbage_stops_the_walk_at_the_last_good_hop)
{
    const char *proxies = "127.0.0.1, 10.0.0.0/8";
    const char *garbage[] = {"unknown",      "_hidden",   "example.org",     "1.2.3",
                             "1.2.3.4.5",    "256.1.1.1", "[1.2.3.4]",       "[::1",
                             "::1]",         "1.2.3.4:",  "1.2.3.4:99999",   "1.2.3.4:x",
                             "[::1]:",       "[::1]x",    "1.2.3.4 5.6.7.8", "\"1.2.3.4\"",
                             "fe80::1%eth0", "01.2.3.4"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        char header[128];
        /* garbage nearest to us: the peer */
        ck_assert_msg(strcmp(behind(proxies, "127.0.0.1", garbage[i], NULL, NULL), "127.0.0.1") ==
                          0,
                      "'%s' gave %s", garbage[i], client);
        /* behind a trusted hop: that hop */
        snprintf(header, sizeof header, "198.51.100.7, %s, 10.0.0.4", garbage[i]);
        ck_assert_msg(strcmp(behind(proxies, "127.0.0.1", header, NULL, NULL), "10.0.0.4") == 0,
                      "'%s' gave %s", header, client);
        /* to the left of an untrusted hop: never looked at */
        snprintf(header, sizeof header, "%s, 198.51.100.7, 10.0.0.4", garbage[i]);
        ck_assert_msg(strcmp(behind(proxies, "127.0.0.1", header, NULL, NULL), "198.51.100.7") == 0,
                      "'%s' gave %s", header, client);
    }
}
END_TEST

START_TEST(forwarded_for_elements)
{
    const char *proxies = "127.0.0.1, 10.0.0.0/8";
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL, "for=198.51.100.7", NULL), "198.51.100.7");
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL,
                            "For=\"[2001:db8:cafe::17]:4711\";proto=https;by=10.0.0.2", NULL),
                     "2001:db8:cafe::17");
    ck_assert(https);
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL,
                            "for=1.2.3.4, for=198.51.100.7;proto=http, for=10.0.0.3;proto=https",
                            NULL),
                     "198.51.100.7");
    ck_assert(!https); /* the proto of the element that named the client */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL, "for=10.0.0.5 ; proto=https", NULL),
                     "10.0.0.5");
    ck_assert(https);
    ck_assert_str_eq(behind(proxies, "127.0.0.1", NULL, "for=\"198.51.100.7:_port\"", NULL),
                     "198.51.100.7");
    /* unknown, obfuscated, no for=, bad syntax: stop */
    const char *stops[] = {"for=unknown",
                           "for=_hidden",
                           "proto=https",
                           "by=10.0.0.1",
                           "for",
                           "for=\"198.51.100.7",
                           "for=\"198\\.51.100.7\"",
                           "for=198.51.100.7;for=198.51.100.8",
                           "for=198.51.100.7;proto=https;proto=http",
                           "for=\"[2001:db8::1]\"x",
                           "for=\"a,b\""};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        char header[160];
        snprintf(header, sizeof header, "for=198.51.100.7, %s, for=10.0.0.4", stops[i]);
        ck_assert_msg(strcmp(behind(proxies, "127.0.0.1", NULL, header, NULL), "10.0.0.4") == 0,
                      "'%s' gave %s", header, client);
    }
    /* X-Forwarded-For wins when both are sent */
    ck_assert_str_eq(
        behind(proxies, "127.0.0.1", "198.51.100.7", "for=198.51.100.8;proto=https", NULL),
        "198.51.100.7");
    ck_assert(!https);
    /* ... but not when it has no element */
    ck_assert_str_eq(behind(proxies, "127.0.0.1", " ", "for=198.51.100.8", NULL), "198.51.100.8");
}
END_TEST

START_TEST(https_only_from_a_trusted_proxy)
{
    const char *proxies = "127.0.0.1, 10.0.0.0/8";
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, "https");
    ck_assert(https);
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, "HTTPS");
    ck_assert(https);
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, "http");
    ck_assert(!https);
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, "httpsx");
    ck_assert(!https);
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, NULL);
    ck_assert(!https);
    behind(proxies, "127.0.0.1", NULL, NULL, "https"); /* the proxy terminated TLS itself */
    ck_assert(https);
    behind(proxies, "203.0.113.1", "198.51.100.7", NULL, "https");
    ck_assert(!https);
    /* one value per hop: the client's */
    behind(proxies, "127.0.0.1", "198.51.100.7, 10.0.0.2", NULL, "https, http");
    ck_assert(https);
    /* a client appending its own value cannot say https for itself */
    behind(proxies, "127.0.0.1", "1.1.1.1, 198.51.100.7", NULL, "https, http");
    ck_assert(!https);
    /* lists that do not line up: no */
    behind(proxies, "127.0.0.1", "198.51.100.7", NULL, "https, https");
    ck_assert(!https);
    /* Forwarded without proto=: the single X-Forwarded-Proto */
    behind(proxies, "127.0.0.1", NULL, "for=198.51.100.7", "https");
    ck_assert(https);
}
END_TEST

START_TEST(no_peer_or_not_ip_is_unknown)
{
    char out[BPA_CLIENT_ADDRESS_SIZE];
    bool secure = true;
    bpa_client_address(NULL, NULL, "198.51.100.7", NULL, "https", out, &secure);
    ck_assert_str_eq(out, "unknown");
    ck_assert(!secure);
    struct sockaddr unix_peer = {.sa_family = AF_UNIX};
    bpa_client_address(NULL, &unix_peer, NULL, NULL, NULL, out, &secure);
    ck_assert_str_eq(out, "unknown");
    /* the longest textual address fits */
    struct bpa_trusted_proxies *set = parse("127.0.0.1");
    bpa_client_address(set, peer("127.0.0.1"), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", NULL,
                       NULL, out, &secure);
    ck_assert_str_eq(out, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
    bpa_trusted_proxies_free(set);
}
END_TEST

Suite *client_address_suite(void)
{
    Suite *s = suite_create("client_address");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, lists_are_parsed);
    tcase_add_test(tc, bad_lists_are_refused_with_a_reason);
    tcase_add_test(tc, untrusted_peers_are_the_client);
    tcase_add_test(tc, x_forwarded_for_is_walked_from_the_right);
    tcase_add_test(tc, garbage_stops_the_walk_at_the_last_good_hop);
    tcase_add_test(tc, forwarded_for_elements);
    tcase_add_test(tc, https_only_from_a_trusted_proxy);
    tcase_add_test(tc, no_peer_or_not_ip_is_unknown);
    suite_add_tcase(s, tc);
    return s;
}
