/* Dense ids for strings: open addressing, FNV-1a. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

struct bpa_vocab {
    char **texts;    /* by id - 1 */
    uint32_t *slots; /* hash table of ids, 0 empty */
    size_t count, texts_capacity, slot_count;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

struct bpa_vocab *bpa_vocab_new(void)
{
    return calloc(1, sizeof(struct bpa_vocab));
}

void bpa_vocab_free(struct bpa_vocab *vocab)
{
    if (!vocab)
        return;
    for (size_t i = 0; i < vocab->count; i++)
        free(vocab->texts[i]);
    free(vocab->texts);
    free(vocab->slots);
    free(vocab);
}

static bool grow(struct bpa_vocab *vocab)
{
    size_t slots = vocab->slot_count ? vocab->slot_count * 2 : 1024;
    uint32_t *table = calloc(slots, sizeof *table);
    if (!table)
        return false;
    for (size_t id = 1; id <= vocab->count; id++) {
        size_t at = hash(vocab->texts[id - 1]) & (slots - 1);
        while (table[at])
            at = (at + 1) & (slots - 1);
        table[at] = (uint32_t)id;
    }
    free(vocab->slots);
    vocab->slots = table;
    vocab->slot_count = slots;
    return true;
}

uint32_t bpa_vocab_id(struct bpa_vocab *vocab, const char *text, bool add)
{
    if (vocab->slot_count) {
        size_t at = hash(text) & (vocab->slot_count - 1);
        for (; vocab->slots[at]; at = (at + 1) & (vocab->slot_count - 1))
            if (strcmp(vocab->texts[vocab->slots[at] - 1], text) == 0)
                return vocab->slots[at];
    }
    if (!add)
        return 0;
    if ((vocab->count + 1) * 2 > vocab->slot_count && !grow(vocab))
        return 0;
    if (vocab->count == vocab->texts_capacity) {
        size_t capacity = vocab->texts_capacity ? vocab->texts_capacity * 2 : 1024;
        char **texts = realloc(vocab->texts, capacity * sizeof *texts);
        if (!texts)
            return 0;
        vocab->texts = texts;
        vocab->texts_capacity = capacity;
    }
    char *copy = strdup(text);
    if (!copy)
        return 0;
    vocab->texts[vocab->count++] = copy;
    uint32_t id = (uint32_t)vocab->count;
    size_t at = hash(text) & (vocab->slot_count - 1);
    while (vocab->slots[at])
        at = (at + 1) & (vocab->slot_count - 1);
    vocab->slots[at] = id;
    return id;
}

const char *bpa_vocab_text(const struct bpa_vocab *vocab, uint32_t id)
{
    return id >= 1 && id <= vocab->count ? vocab->texts[id - 1] : NULL;
}
