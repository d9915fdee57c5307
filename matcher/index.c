/* Indexes of placements and seekers: an array for the scan, a hash from id
 * to position, and one allocation per item for its arrays. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

/* id -> position + 1 (0: empty); deletions rebuild the table lazily. */
struct bpa_id_map {
    int64_t *ids;
    size_t *positions;
    size_t slots, used;
};

static size_t slot_of(int64_t id, size_t slots)
{
    uint64_t x = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 17) & (slots - 1);
}

static struct bpa_id_map *map_new(size_t slots)
{
    struct bpa_id_map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ids = calloc(slots, sizeof *m->ids);
    m->positions = calloc(slots, sizeof *m->positions);
    m->slots = slots;
    if (!m->ids || !m->positions) {
        free(m->ids);
        free(m->positions);
        free(m);
        return NULL;
    }
    return m;
}

static void map_free(struct bpa_id_map *m)
{
    if (m) {
        free(m->ids);
        free(m->positions);
        free(m);
    }
}

/* The slot holding `id`, or the empty slot where it would go. */
static size_t map_probe(const struct bpa_id_map *m, int64_t id)
{
    size_t at = slot_of(id, m->slots);
    while (m->positions[at] && m->ids[at] != id)
        at = (at + 1) & (m->slots - 1);
    return at;
}

/* Rebuilt from the items whenever it fills or an item moves. */
static struct bpa_id_map *map_build(const int64_t *ids, size_t stride, size_t count)
{
    size_t slots = 1024;
    while (slots < count * 2 + 2)
        slots *= 2;
    struct bpa_id_map *m = map_new(slots);
    for (size_t i = 0; m && i < count; i++) {
        int64_t id = *(const int64_t *)(const void *)((const char *)ids + i * stride);
        size_t at = map_probe(m, id);
        m->ids[at] = id;
        m->positions[at] = i + 1;
        m->used++;
    }
    return m;
}

static size_t find_position(const struct bpa_id_map *m, int64_t id)
{
    if (!m)
        return 0;
    size_t at = map_probe(m, id);
    return m->positions[at];
}

static bool map_set(struct bpa_id_map **m, const int64_t *ids, size_t stride, size_t count,
                    int64_t id, size_t position)
{
    if (!*m || ((*m)->used + 1) * 2 > (*m)->slots) {
        map_free(*m);
        *m = map_build(ids, stride, count);
        return *m != NULL;
    }
    size_t at = map_probe(*m, id);
    if (!(*m)->positions[at])
        (*m)->used++;
    (*m)->ids[at] = id;
    (*m)->positions[at] = position + 1;
    return true;
}

/* Copies `count` elements of `size` into `*cursor`, returning the copy.
 * An item without lists has no block: the NULL cursor must not move, even
 * by zero (arithmetic on a null pointer is undefined). */
static void *take(char **cursor, const void *from, size_t count, size_t size)
{
    void *to = *cursor;
    if (count) {
        memcpy(to, from, count * size);
        *cursor += count * size;
    }
    return to;
}

static size_t placement_arrays(const struct bpa_placement *p)
{
    return p->required_count * sizeof *p->required +
           (p->taught_count + p->certificate_count) * sizeof(uint32_t);
}

static size_t seeker_arrays(const struct bpa_seeker *s)
{
    return s->skill_count * sizeof *s->skills +
           (s->goal_count + s->certificate_count) * sizeof(uint32_t);
}

/* The required skills come first in the block, so the block is
 * p->required (or, with none, the taught or certificate arrays). */
static void *placement_block(const struct bpa_placement *p)
{
    return p->required_count ? (void *)p->required
           : p->taught_count ? (void *)p->taught
                             : (void *)p->certificates;
}

static void *seeker_block(const struct bpa_seeker *s)
{
    return s->skill_count  ? (void *)s->skills
           : s->goal_count ? (void *)s->goals
                           : (void *)s->certificates;
}

int bpa_placement_index_put(struct bpa_placement_index *index, const struct bpa_placement *item)
{
    size_t bytes = placement_arrays(item);
    char *block = bytes ? malloc(bytes) : NULL, *cursor = block;
    if (bytes && !block)
        return -1;
    struct bpa_placement copy = *item;
    copy.required = take(&cursor, item->required, item->required_count, sizeof *item->required);
    copy.taught = take(&cursor, item->taught, item->taught_count, sizeof(uint32_t));
    copy.certificates =
        take(&cursor, item->certificates, item->certificate_count, sizeof(uint32_t));
    if (!bytes)
        copy.required = NULL, copy.taught = NULL, copy.certificates = NULL;

    size_t at = find_position(index->positions, item->id);
    if (at) {
        struct bpa_placement *old = &index->items[at - 1];
        index->bytes -= placement_arrays(old);
        free(placement_block(old));
        *old = copy;
        index->bytes += bytes;
        return 0;
    }
    if (index->count == index->capacity) {
        size_t capacity = index->capacity ? index->capacity * 2 : 1024;
        struct bpa_placement *items = realloc(index->items, capacity * sizeof *items);
        if (!items) {
            free(block);
            return -1;
        }
        index->bytes += (capacity - index->capacity) * sizeof *items;
        index->items = items;
        index->capacity = capacity;
    }
    index->items[index->count++] = copy;
    index->bytes += bytes;
    if (!map_set(&index->positions, &index->items[0].id, sizeof *index->items, index->count,
                 item->id, index->count - 1)) {
        index->count--;
        free(block);
        return -1;
    }
    return 0;
}

int bpa_seeker_index_put(struct bpa_seeker_index *index, const struct bpa_seeker *item)
{
    size_t bytes = seeker_arrays(item);
    char *block = bytes ? malloc(bytes) : NULL, *cursor = block;
    if (bytes && !block)
        return -1;
    struct bpa_seeker copy = *item;
    copy.skills = take(&cursor, item->skills, item->skill_count, sizeof *item->skills);
    copy.goals = take(&cursor, item->goals, item->goal_count, sizeof(uint32_t));
    copy.certificates =
        take(&cursor, item->certificates, item->certificate_count, sizeof(uint32_t));
    if (!bytes)
        copy.skills = NULL, copy.goals = NULL, copy.certificates = NULL;

    size_t at = find_position(index->positions, item->id);
    if (at) {
        struct bpa_seeker *old = &index->items[at - 1];
        index->bytes -= seeker_arrays(old);
        free(seeker_block(old));
        *old = copy;
        index->bytes += bytes;
        return 0;
    }
    if (index->count == index->capacity) {
        size_t capacity = index->capacity ? index->capacity * 2 : 1024;
        struct bpa_seeker *items = realloc(index->items, capacity * sizeof *items);
        if (!items) {
            free(block);
            return -1;
        }
        index->bytes += (capacity - index->capacity) * sizeof *items;
        index->items = items;
        index->capacity = capacity;
    }
    index->items[index->count++] = copy;
    index->bytes += bytes;
    if (!map_set(&index->positions, &index->items[0].id, sizeof *index->items, index->count,
                 item->id, index->count - 1)) {
        index->count--;
        free(block);
        return -1;
    }
    return 0;
}

void bpa_placement_index_remove(struct bpa_placement_index *index, int64_t id)
{
    size_t at = find_position(index->positions, id);
    if (!at)
        return;
    struct bpa_placement *gone = &index->items[at - 1];
    index->bytes -= placement_arrays(gone);
    free(placement_block(gone));
    *gone = index->items[--index->count]; /* the last takes its place */
    map_free(index->positions);
    index->positions = map_build(&index->items[0].id, sizeof *index->items, index->count);
}

void bpa_seeker_index_remove(struct bpa_seeker_index *index, int64_t id)
{
    size_t at = find_position(index->positions, id);
    if (!at)
        return;
    struct bpa_seeker *gone = &index->items[at - 1];
    index->bytes -= seeker_arrays(gone);
    free(seeker_block(gone));
    *gone = index->items[--index->count];
    map_free(index->positions);
    index->positions = map_build(&index->items[0].id, sizeof *index->items, index->count);
}

const struct bpa_placement *bpa_placement_index_find(const struct bpa_placement_index *index,
                                                     int64_t id)
{
    size_t at = find_position(index->positions, id);
    return at ? &index->items[at - 1] : NULL;
}

const struct bpa_seeker *bpa_seeker_index_find(const struct bpa_seeker_index *index, int64_t id)
{
    size_t at = find_position(index->positions, id);
    return at ? &index->items[at - 1] : NULL;
}

void bpa_placement_index_clear(struct bpa_placement_index *index)
{
    for (size_t i = 0; i < index->count; i++)
        free(placement_block(&index->items[i]));
    free(index->items);
    map_free(index->positions);
    memset(index, 0, sizeof *index);
}

void bpa_seeker_index_clear(struct bpa_seeker_index *index)
{
    for (size_t i = 0; i < index->count; i++)
        free(seeker_block(&index->items[i]));
    free(index->items);
    map_free(index->positions);
    memset(index, 0, sizeof *index);
}
