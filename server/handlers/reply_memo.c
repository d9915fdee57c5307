/* A direct-mapped table under one mutex: a lookup is a compare of the
 * stored bytes and a copy of the reply. */
#include "reply_memo.h"

#include <stdlib.h>
#include <string.h>

static struct bpa_reply_memo_slot *slot_of(struct bpa_reply_memo *memo, long long id)
{
    return &memo->slots[(unsigned long long)id % BPA_REPLY_MEMO_SLOTS];
}

bool bpa_reply_memo_find(struct bpa_reply_memo *memo, long long id, const char *stored,
                         struct bpa_memo_reply *out)
{
    bool found = false;
    pthread_mutex_lock(&memo->lock);
    struct bpa_reply_memo_slot *slot = slot_of(memo, id);
    if (slot->stored && slot->id == id && strcmp(slot->stored, stored) == 0 &&
        (out->reply = strdup(slot->reply))) {
        memcpy(out->etag, slot->etag, sizeof out->etag);
        out->owner = json_incref(slot->owner);
        found = true;
    }
    pthread_mutex_unlock(&memo->lock);
    return found;
}

void bpa_reply_memo_keep(struct bpa_reply_memo *memo, long long id, const char *stored,
                         const struct bpa_memo_reply *reply)
{
    char *stored_copy = strdup(stored), *reply_copy = strdup(reply->reply);
    if (!stored_copy || !reply_copy) {
        free(stored_copy);
        free(reply_copy);
        return;
    }
    pthread_mutex_lock(&memo->lock);
    struct bpa_reply_memo_slot *slot = slot_of(memo, id);
    char *old_stored = slot->stored, *old_reply = slot->reply;
    json_t *old_owner = slot->owner;
    slot->id = id;
    slot->stored = stored_copy;
    slot->reply = reply_copy;
    memcpy(slot->etag, reply->etag, sizeof slot->etag);
    slot->owner = json_incref(reply->owner);
    pthread_mutex_unlock(&memo->lock);
    free(old_stored);
    free(old_reply);
    json_decref(old_owner);
}
