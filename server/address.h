/* Which network addresses a webhook may reach: the public internet only,
 * unless the operator allows more. A portal's URL is the portal's to choose;
 * without this a webhook could probe the academy's own network. */
#ifndef BPA_ADDRESS_H
#define BPA_ADDRESS_H

#include <stdbool.h>
#include <sys/socket.h>

/* False for loopback, private (RFC 1918, fc00::/7), carrier-grade NAT,
 * link-local, multicast, unspecified and reserved addresses, including
 * IPv4 ones written as IPv6 (::ffff:a.b.c.d). */
bool bpa_address_is_public(const struct sockaddr *address);

#endif
