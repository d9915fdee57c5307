/* The replies made from stored documents, remembered by document id.
 *
 * Making the reply to a read parses the stored JSON and writes it out
 * again, which costs the daemon more than reading the row costs
 * PostgreSQL. A document read again unchanged (the same bytes) gets the
 * same reply, so the reply is remembered with the bytes it was made from.
 * The row is still read every time and compared in full: nothing here can
 * be stale, and nothing needs to be told of changes. */
#ifndef BPA_REPLY_MEMO_H
#define BPA_REPLY_MEMO_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define BPA_REPLY_MEMO_SLOTS 512 /* per kind of document; by id, the last one wins */

struct bpa_reply_memo_slot {
    long long id;
    char *stored; /* NULL: empty */
    char *reply;
    char etag[32];
    json_t *owner; /* the facts access.c decides on (id, employer_id, portal_id, status) */
};

struct bpa_reply_memo {
    pthread_mutex_t lock;
    struct bpa_reply_memo_slot slots[BPA_REPLY_MEMO_SLOTS];
};

#define BPA_REPLY_MEMO_INIT                                                                        \
    {                                                                                              \
        .lock = PTHREAD_MUTEX_INITIALIZER                                                          \
    }

/* What a remembered reply carries, owned by the caller. */
struct bpa_memo_reply {
    char *reply; /* JSON text */
    char etag[32];
    json_t *owner;
};

/* True, with copies in `out`, when document `id` was last seen as exactly
 * `stored`. */
bool bpa_reply_memo_find(struct bpa_reply_memo *memo, long long id, const char *stored,
                         struct bpa_memo_reply *out);

/* Remembers `reply` (copied, with `owner` shared) as made from `stored`. */
void bpa_reply_memo_keep(struct bpa_reply_memo *memo, long long id, const char *stored,
                         const struct bpa_memo_reply *reply);

#endif
