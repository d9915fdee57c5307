/* Who the client is behind a reverse proxy. Forwarded headers
 * (X-Forwarded-For, RFC 7239 Forwarded, X-Forwarded-Proto) are believed
 * only when the peer that sent them is one of the trusted proxies
 * (--trusted-proxies); otherwise the client is the peer itself. Pure: no
 * libmicrohttpd, no libpq, no allocation per request.
 *
 * Which header: X-Forwarded-For when a request carries it, else
 * Forwarded. A proxy must therefore write (append to) X-Forwarded-For, or
 * write Forwarded and remove any X-Forwarded-For a client sent; otherwise
 * a client could name itself in the header the proxy leaves alone. */
#ifndef BPA_CLIENT_ADDRESS_H
#define BPA_CLIENT_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* The length of the textual client address, its NUL included
 * (INET6_ADDRSTRLEN). */
#define BPA_CLIENT_ADDRESS_SIZE 46

struct bpa_trusted_proxies;

/* Parses a comma-separated list of IPv4 and IPv6 addresses and CIDR
 * blocks ("10.0.0.0/8, 192.0.2.7, fd00::/8"). NULL, empty or blank: an
 * empty set, which trusts nobody. Host bits under the prefix are ignored
 * (10.1.2.3/8 is 10.0.0.0/8); an IPv4-mapped IPv6 block of /96 or longer
 * is taken as the IPv4 block it maps. Returns the set (the caller frees
 * it), or NULL with a one-line reason in `error` (also when out of
 * memory). */
struct bpa_trusted_proxies *bpa_trusted_proxies_parse(const char *list, char *error,
                                                      size_t error_size);
void bpa_trusted_proxies_free(struct bpa_trusted_proxies *proxies);
/* Whether the set trusts anyone: if not, no forwarded header need be read. */
bool bpa_trusted_proxies_any(const struct bpa_trusted_proxies *proxies);

/* The client's address as normalised text (inet_ntop; "unknown" when the
 * peer is missing or not IP) into `out`, and in *https whether the client
 * used TLS to reach the first proxy.
 *
 * The client is `peer` (an IPv4-mapped IPv6 peer counts as IPv4) unless
 * `peer` is trusted. Then the forwarded addresses are walked from the
 * right (the hop nearest to us) past every trusted one, and the first
 * untrusted one is the client; when all are trusted, the leftmost. An
 * entry that is not an address ("unknown", an obfuscated name, garbage)
 * stops the walk: the client is then the last good hop to its right (the
 * peer when there is none), never what a client may have written.
 *
 * *https is true only when the peer is trusted and the proxies say https:
 * the proto= of the Forwarded element that named the client, or the
 * X-Forwarded-Proto value at the client's position when that header has
 * one value per X-Forwarded-For entry, or its only value.
 *
 * `proxies` may be NULL (nobody trusted); the header arguments are NULL
 * when absent. */
void bpa_client_address(const struct bpa_trusted_proxies *proxies, const struct sockaddr *peer,
                        const char *x_forwarded_for, const char *forwarded,
                        const char *x_forwarded_proto, char out[BPA_CLIENT_ADDRESS_SIZE],
                        bool *https);

#endif
