/* Trusted proxies and the client behind them (client_address.h).
 *
 * Forwarded lists are split on commas and walked from the right without
 * copying. A comma inside a quoted Forwarded value would split it, but no
 * address needs one: both halves are then not addresses and stop the walk,
 * which is what garbage must do. Only the part of a list to the right of
 * the first untrusted hop is ever believed, and that part was written by
 * our own proxies, so nothing a client writes to the left can move it. */
#include "client_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* An address; IPv4 in the first 4 bytes. */
struct ip {
    int family; /* AF_INET or AF_INET6 */
    unsigned char bytes[16];
};

struct block {
    struct ip base; /* host bits cleared */
    unsigned prefix;
};

struct bpa_trusted_proxies {
    size_t count;
    struct block blocks[];
};

static const unsigned char v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

static bool is_v4_mapped(const struct ip *ip)
{
    return ip->family == AF_INET6 && memcmp(ip->bytes, v4_mapped_prefix, 12) == 0;
}

/* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the
 * same client, and the trusted list names them as IPv4. */
static void fold_v4_mapped(struct ip *ip)
{
    if (!is_v4_mapped(ip))
        return;
    memmove(ip->bytes, ip->bytes + 12, 4);
    memset(ip->bytes + 4, 0, 12);
    ip->family = AF_INET;
}

/* Exactly an IPv4 or IPv6 address, nothing around it; not folded. */
static bool parse_ip(const char *text, size_t len, struct ip *out)
{
    char copy[BPA_CLIENT_ADDRESS_SIZE];
    if (len == 0 || len >= sizeof copy || memchr(text, '\0', len))
        return false;
    memcpy(copy, text, len);
    copy[len] = '\0';
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, copy, out->bytes) == 1)
        out->family = AF_INET;
    else if (inet_pton(AF_INET6, copy, out->bytes) == 1)
        out->family = AF_INET6;
    return out->family != 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char *text, size_t len, const char **start, size_t *trimmed)
{
    while (len && is_space(*text)) {
        text++;
        len--;
    }
    while (len && is_space(text[len - 1]))
        len--;
    *start = text;
    *trimmed = len;
}

static bool in_block(const struct ip *ip, const struct block *block)
{
    if (ip->family != block->base.family)
        return false;
    unsigned whole = block->prefix / 8, rest = block->prefix % 8;
    if (memcmp(ip->bytes, block->base.bytes, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xffu << (8 - rest));
    return (ip->bytes[whole] & mask) == block->base.bytes[whole];
}

static bool trusted(const struct bpa_trusted_proxies *proxies, const struct ip *ip)
{
    for (size_t i = 0; proxies && i < proxies->count; i++)
        if (in_block(ip, &proxies->blocks[i]))
            return true;
    return false;
}

/* ---- the list of trusted proxies ---- */

/* The message quotes the entry, at most 80 bytes of it and control
 * characters as '?', so that it stays one line. */
static int entry_error(char *error, size_t error_size, const char *entry, size_t len,
                       const char *problem)
{
    char quoted[81];
    size_t n = len < sizeof quoted - 1 ? len : sizeof quoted - 1;
    for (size_t i = 0; i < n; i++)
        quoted[i] = (unsigned char)entry[i] < 0x20 || entry[i] == 0x7f ? '?' : entry[i];
    quoted[n] = '\0';
    snprintf(error, error_size, "trusted proxies: '%s' %s", quoted, problem);
    return -1;
}

static int parse_block(const char *entry, size_t len, struct block *out, char *error,
                       size_t error_size)
{
    if (len == 0) {
        snprintf(error, error_size, "trusted proxies: an empty entry (a comma too many?)");
        return -1;
    }
    const char *slash = memchr(entry, '/', len);
    size_t address_len = slash ? (size_t)(slash - entry) : len;
    if (!parse_ip(entry, address_len, &out->base))
        return entry_error(error, error_size, entry, len,
                           "is not an IPv4 or IPv6 address or CIDR block (like 10.0.0.0/8 or "
                           "fd00::/8)");
    unsigned bits = out->base.family == AF_INET ? 32 : 128;
    out->prefix = bits;
    if (slash) {
        const char *digits = slash + 1;
        size_t count = len - address_len - 1;
        if (count == 0 || count > 3)
            return entry_error(error, error_size, entry, len, "has no valid prefix length");
        unsigned prefix = 0;
        for (size_t i = 0; i < count; i++) {
            if (digits[i] < '0' || digits[i] > '9')
                return entry_error(error, error_size, entry, len, "has no valid prefix length");
            prefix = prefix * 10 + (unsigned)(digits[i] - '0');
        }
        if (prefix > bits)
            return entry_error(error, error_size, entry, len,
                               bits == 32 ? "has a prefix length beyond 32"
                                          : "has a prefix length beyond 128");
        out->prefix = prefix;
    }
    if (is_v4_mapped(&out->base) && out->prefix >= 96) {
        fold_v4_mapped(&out->base);
        out->prefix -= 96;
    }
    /* Clear the host bits, so that matching compares whole bytes. */
    unsigned whole = out->prefix / 8, rest = out->prefix % 8;
    if (rest) {
        out->base.bytes[whole] &= (unsigned char)(0xffu << (8 - rest));
        whole++;
    }
    memset(out->base.bytes + whole, 0, sizeof out->base.bytes - whole);
    return 0;
}

struct bpa_trusted_proxies *bpa_trusted_proxies_parse(const char *list, char *error,
                                                      size_t error_size)
{
    if (!list)
        list = "";
    size_t entries = 1;
    for (const char *p = list; *p; p++)
        entries += *p == ',';
    struct bpa_trusted_proxies *set = calloc(1, sizeof *set + entries * sizeof set->blocks[0]);
    if (!set) {
        snprintf(error, error_size, "trusted proxies: out of memory");
        return NULL;
    }
    const char *start;
    size_t len;
    trim(list, strlen(list), &start, &len);
    if (len == 0)
        return set;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        trim(p, comma ? (size_t)(comma - p) : strlen(p), &start, &len);
        if (parse_block(start, len, &set->blocks[set->count], error, error_size) != 0) {
            free(set);
            return NULL;
        }
        set->count++;
        if (!comma)
            break;
        p = comma + 1;
    }
    return set;
}

bool bpa_trusted_proxies_any(const struct bpa_trusted_proxies *proxies)
{
    return proxies && proxies->count > 0;
}

void bpa_trusted_proxies_free(struct bpa_trusted_proxies *proxies)
{
    free(proxies);
}

/* ---- forwarded lists ---- */

/* Steps through a comma-separated header value from the right. Empty
 * elements are skipped, as the HTTP list syntax allows them. */
struct walk {
    const char *text;
    size_t end; /* the part still to walk is text[0, end) */
    bool done;
};

static struct walk walk_start(const char *text)
{
    return (struct walk){text, text ? strlen(text) : 0, text == NULL};
}

static bool walk_previous(struct walk *w, const char **element, size_t *len)
{
    while (!w->done) {
        size_t stop = w->end, begin = stop;
        while (begin > 0 && w->text[begin - 1] != ',')
            begin--;
        if (begin == 0)
            w->done = true;
        else
            w->end = begin - 1;
        trim(w->text + begin, stop - begin, element, len);
        if (*len)
            return true;
    }
    return false;
}

static size_t count_elements(const char *text)
{
    struct walk w = walk_start(text);
    const char *element;
    size_t len, count = 0;
    while (walk_previous(&w, &element, &len))
        count++;
    return count;
}

/* A port after an address: digits, or an RFC 7239 obfuscated port. */
static bool is_port(const char *text, size_t len)
{
    if (len == 0 || len > 32)
        return false;
    bool obfuscated = text[0] == '_';
    if (obfuscated ? len < 2 : len > 5)
        return false;
    unsigned long number = 0; /* of a numeric port */
    for (size_t i = obfuscated; i < len; i++) {
        char c = text[i];
        bool digit = c >= '0' && c <= '9';
        bool other =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '-';
        if (!(digit || (obfuscated && other)))
            return false;
        if (!obfuscated)
            number = number * 10 + (unsigned long)(c - '0');
    }
    return obfuscated || number <= 65535;
}

/* One hop: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1", "[2001:db8::1]"
 * or "[2001:db8::1]:4711". Anything else ("unknown", "_hidden", a name)
 * is not an address we can attribute anything to. */
static bool parse_hop(const char *text, size_t len, struct ip *out)
{
    bool ok;
    if (len && text[0] == '[') {
        const char *close = memchr(text, ']', len);
        if (!close)
            return false;
        size_t inner = (size_t)(close - text) - 1, after = len - inner - 2;
        ok = parse_ip(text + 1, inner, out) && out->family == AF_INET6 &&
             (after == 0 || (close[1] == ':' && is_port(close + 2, after - 1)));
    } else {
        const char *colon = memchr(text, ':', len);
        bool one_colon = colon && !memchr(colon + 1, ':', len - (size_t)(colon - text) - 1);
        if (one_colon) /* IPv4 with a port */
            ok = parse_ip(text, (size_t)(colon - text), out) && out->family == AF_INET &&
                 is_port(colon + 1, len - (size_t)(colon - text) - 1);
        else
            ok = parse_ip(text, len, out);
    }
    if (ok)
        fold_v4_mapped(out);
    return ok;
}

static bool names_https(const char *text, size_t len)
{
    return len == 5 && strncasecmp(text, "https", 5) == 0;
}

/* A Forwarded value without its quotes; no escapes, which no address or
 * scheme needs. */
static bool unquote(const char **value, size_t *len)
{
    const char *v = *value;
    size_t n = *len;
    if (n && v[0] == '"') {
        if (n < 2 || v[n - 1] != '"')
            return false;
        v++;
        n -= 2;
    }
    if (memchr(v, '"', n) || memchr(v, '\\', n))
        return false;
    *value = v;
    *len = n;
    return true;
}

enum proto { PROTO_UNSAID, PROTO_OTHER, PROTO_HTTPS };

/* One Forwarded element, "for=192.0.2.60;proto=https;by=203.0.113.43":
 * its for= hop and its proto=. False when it is malformed or names no
 * hop. Parameters other than for and proto are ignored. */
static bool parse_forwarded_element(const char *text, size_t len, struct ip *hop, enum proto *proto)
{
    bool have_for = false;
    *proto = PROTO_UNSAID;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && text[j] != ';')
            j++;
        const char *pair;
        size_t pair_len;
        trim(text + i, j - i, &pair, &pair_len);
        i = j + 1;
        if (pair_len == 0)
            continue;
        const char *eq = memchr(pair, '=', pair_len);
        if (!eq)
            return false;
        const char *name, *value;
        size_t name_len, value_len;
        trim(pair, (size_t)(eq - pair), &name, &name_len);
        trim(eq + 1, pair_len - (size_t)(eq - pair) - 1, &value, &value_len);
        if (!unquote(&value, &value_len))
            return false;
        if (name_len == 3 && strncasecmp(name, "for", 3) == 0) {
            if (have_for || !parse_hop(value, value_len, hop))
                return false;
            have_for = true;
        } else if (name_len == 5 && strncasecmp(name, "proto", 5) == 0) {
            if (*proto != PROTO_UNSAID)
                return false;
            *proto = names_https(value, value_len) ? PROTO_HTTPS : PROTO_OTHER;
        }
    }
    return have_for;
}

/* What X-Forwarded-Proto says about the hop at `index` (from the left) of
 * an X-Forwarded-For of `hops` entries; index -1: no hop was taken. */
static enum proto forwarded_proto(const char *header, long index, size_t hops)
{
    size_t values = count_elements(header);
    long wanted;
    if (index >= 0 && values == hops)
        wanted = index;
    else if (values == 1)
        wanted = 0;
    else
        return PROTO_UNSAID; /* lists that do not line up: believe neither */
    struct walk w = walk_start(header);
    const char *value;
    size_t len;
    for (long at = (long)values - 1; walk_previous(&w, &value, &len); at--)
        if (at == wanted)
            return names_https(value, len) ? PROTO_HTTPS : PROTO_OTHER;
    return PROTO_UNSAID;
}

static bool from_sockaddr(const struct sockaddr *peer, struct ip *out)
{
    memset(out, 0, sizeof *out);
    if (!peer)
        return false;
    if (peer->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)peer;
        memcpy(out->bytes, &in->sin_addr, 4);
        out->family = AF_INET;
    } else if (peer->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)peer;
        memcpy(out->bytes, &in6->sin6_addr, 16);
        out->family = AF_INET6;
        fold_v4_mapped(out);
    }
    return out->family != 0;
}

void bpa_client_address(const struct bpa_trusted_proxies *proxies, const struct sockaddr *peer,
                        const char *x_forwarded_for, const char *forwarded,
                        const char *x_forwarded_proto, char out[BPA_CLIENT_ADDRESS_SIZE],
                        bool *https)
{
    *https = false;
    struct ip client;
    if (!from_sockaddr(peer, &client)) {
        strcpy(out, "unknown");
        return;
    }
    if (trusted(proxies, &client)) {
        enum proto proto = PROTO_UNSAID;
        const char *element;
        size_t len;
        struct ip hop;
        size_t hops = count_elements(x_forwarded_for);
        if (hops) {
            long index = (long)hops, taken = -1;
            struct walk w = walk_start(x_forwarded_for);
            while (walk_previous(&w, &element, &len)) {
                index--;
                if (!parse_hop(element, len, &hop))
                    break;
                client = hop;
                taken = index;
                if (!trusted(proxies, &hop))
                    break;
            }
            proto = forwarded_proto(x_forwarded_proto, taken, hops);
        } else {
            struct walk w = walk_start(forwarded);
            enum proto said;
            while (walk_previous(&w, &element, &len)) {
                if (!parse_forwarded_element(element, len, &hop, &said))
                    break;
                client = hop;
                proto = said;
                if (!trusted(proxies, &hop))
                    break;
            }
            if (proto == PROTO_UNSAID)
                proto = forwarded_proto(x_forwarded_proto, -1, 0);
        }
        *https = proto == PROTO_HTTPS;
    }
    if (!inet_ntop(client.family, client.bytes, out, BPA_CLIENT_ADDRESS_SIZE))
        strcpy(out, "unknown");
}
