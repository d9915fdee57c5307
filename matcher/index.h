/* The in-memory side of the matcher: a vocabulary that gives skill URIs and
 * certificate codes dense ids, and indexes of placements and seekers that
 * own their items' arrays and find items by id. Pure C; not thread-safe by
 * itself (the server guards an index with a read-write lock). */
#ifndef BPA_MATCHER_INDEX_H
#define BPA_MATCHER_INDEX_H

#include "matcher.h"

struct bpa_vocab;

struct bpa_vocab *bpa_vocab_new(void);
void bpa_vocab_free(struct bpa_vocab *vocab);
/* The id of `text` (from 1), adding it when `add`; 0 when absent or out of
 * memory. */
uint32_t bpa_vocab_id(struct bpa_vocab *vocab, const char *text, bool add);
/* The text of `id`, or NULL. Borrowed from the vocabulary. */
const char *bpa_vocab_text(const struct bpa_vocab *vocab, uint32_t id);

/* Items in one array, for the scan; a hash from id to position. */
struct bpa_placement_index {
    struct bpa_placement *items;
    size_t count, capacity;
    struct bpa_id_map *positions;
    size_t bytes; /* memory held, for the benchmark and metrics */
};

struct bpa_seeker_index {
    struct bpa_seeker *items;
    size_t count, capacity;
    struct bpa_id_map *positions;
    size_t bytes;
};

/* Inserts or replaces the item with the same id, copying its arrays (which
 * must be sorted). 0, or -1 when out of memory. */
int bpa_placement_index_put(struct bpa_placement_index *index, const struct bpa_placement *item);
int bpa_seeker_index_put(struct bpa_seeker_index *index, const struct bpa_seeker *item);
/* Removes the item with `id`, if any. */
void bpa_placement_index_remove(struct bpa_placement_index *index, int64_t id);
void bpa_seeker_index_remove(struct bpa_seeker_index *index, int64_t id);
const struct bpa_placement *bpa_placement_index_find(const struct bpa_placement_index *index,
                                                     int64_t id);
const struct bpa_seeker *bpa_seeker_index_find(const struct bpa_seeker_index *index, int64_t id);
void bpa_placement_index_clear(struct bpa_placement_index *index);
void bpa_seeker_index_clear(struct bpa_seeker_index *index);

#endif
