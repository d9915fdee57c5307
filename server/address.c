/* Public or not: see address.h. */
#include "address.h"

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

static bool ipv4_is_public(uint32_t a) /* host byte order */
{
    static const struct {
        uint32_t network, mask;
    } closed[] = {
        {0x00000000, 0xFF000000}, /* 0/8: "this" network */
        {0x0A000000, 0xFF000000}, /* 10/8 */
        {0x64400000, 0xFFC00000}, /* 100.64/10: carrier-grade NAT */
        {0x7F000000, 0xFF000000}, /* 127/8: loopback */
        {0xA9FE0000, 0xFFFF0000}, /* 169.254/16: link-local, cloud metadata */
        {0xAC100000, 0xFFF00000}, /* 172.16/12 */
        {0xC0000000, 0xFFFFFF00}, /* 192.0.0/24: protocol assignments */
        {0xC0A80000, 0xFFFF0000}, /* 192.168/16 */
        {0xC6120000, 0xFFFE0000}, /* 198.18/15: benchmarking */
        {0xE0000000, 0xE0000000}, /* 224/3: multicast, reserved, broadcast */
    };
    for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
        if ((a & closed[i].mask) == closed[i].network)
            return false;
    return true;
}

bool bpa_address_is_public(const struct sockaddr *address)
{
    if (address->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)address;
        return ipv4_is_public(ntohl(v4->sin_addr.s_addr));
    }
    if (address->sa_family != AF_INET6)
        return false;
    const uint8_t *b = ((const struct sockaddr_in6 *)(const void *)address)->sin6_addr.s6_addr;
    static const uint8_t mapped_v4[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    static const uint8_t zeros[15] = {0};
    if (memcmp(b, mapped_v4, sizeof mapped_v4) == 0)
        return ipv4_is_public((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                              b[15]);
    if (memcmp(b, zeros, sizeof zeros) == 0) /* :: and ::1 */
        return false;
    if ((b[0] & 0xFE) == 0xFC) /* fc00::/7: unique local */
        return false;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) /* fe80::/10: link-local */
        return false;
    if (b[0] == 0xFF) /* multicast */
        return false;
    return true;
}
