/* Fuzzes the matcher (matcher/) with arbitrary profiles built from the
 * fuzz bytes: rules, a handful of seekers and placements (ids, places in
 * and around the Netherlands, schedules, dates, levels, skills, goals and
 * certificates from a small vocabulary so that they meet), put into the
 * indexes the daemon scans, some removed again, then scored pair by pair
 * and ranked both ways.
 *
 * Invariants: a score is 0..100 and the weighted sum of its components,
 * each 0..1; the filters fail exactly when the brief's rules say; the
 * indexes hold the last version of each id put and nothing removed; a
 * ranking is exactly the best `limit` of the eligible pairs by score, then
 * distance, then id: the prefilter never drops a pair scoring would keep.
 *
 * fuzz-links: matcher/score.c matcher/rank.c matcher/index.c matcher/vocab.c
 * fuzz-flags: -max_len=4096
 */
#include "fuzz.h"
#include "index.h"
#include "matcher.h"

#include <math.h>

#define MAX_ITEMS  12
#define MAX_LIST   10
#define VOCABULARY 12 /* ids 1..12: lists overlap often */

struct seeker_data {
    struct bpa_seeker s;
    struct bpa_seeker_skill skills[MAX_LIST];
    uint32_t goals[MAX_LIST], certificates[MAX_LIST];
};

struct placement_data {
    struct bpa_placement p;
    struct bpa_required_skill required[MAX_LIST];
    uint32_t taught[MAX_LIST], certificates[MAX_LIST];
};

/* A sorted list of distinct ids, as the index's readers make them. */
static uint16_t ids(struct fuzz_bytes *in, uint32_t *out)
{
    uint16_t bits = (uint16_t)(fuzz_u8(in) << 8 | fuzz_u8(in)), n = 0;
    for (uint32_t id = 1; id <= VOCABULARY && n < MAX_LIST; id++)
        if (bits & (1u << (id - 1)))
            out[n++] = id;
    return n;
}

static struct bpa_week week(struct fuzz_bytes *in)
{
    struct bpa_week w = {{0}};
    /* each byte a day's working block: start hour and length */
    for (int day = 0; day < 7; day++) {
        uint8_t b = fuzz_u8(in);
        for (int h = b % 24, end = h + b / 24 % 11; h < end && h < 24; h++)
            w.bits[(day * 24 + h) / 64] |= UINT64_C(1) << ((day * 24 + h) % 64);
    }
    return w;
}

static double radians(double degrees)
{
    return degrees * M_PI / 180.0;
}

static void read_seeker(struct fuzz_bytes *in, int64_t id, struct seeker_data *d)
{
    struct bpa_seeker *s = &d->s;
    memset(d, 0, sizeof *d);
    s->id = id;
    s->lat = radians(fuzz_range(in, 50.0, 54.5));
    s->lon = radians(fuzz_range(in, 2.5, 8.0));
    s->max_travel_km = fuzz_range(in, 1, 250);
    s->max_hours_per_week = fuzz_range(in, 1, 60);
    s->available_from = 20000 + (int32_t)(fuzz_u8(in) * 2);
    uint8_t until = fuzz_u8(in);
    s->available_until = until == 0 ? BPA_NO_END_DAY : s->available_from + until * 2;
    s->dutch_level = fuzz_u8(in) % 7;
    s->availability = week(in);
    uint32_t skills[MAX_LIST];
    s->skill_count = ids(in, skills);
    for (unsigned i = 0; i < s->skill_count; i++)
        d->skills[i] = (struct bpa_seeker_skill){skills[i], (uint8_t)(1 + fuzz_u8(in) % 5)};
    s->skills = d->skills;
    s->goal_count = ids(in, d->goals);
    s->goals = d->goals;
    s->certificate_count = ids(in, d->certificates);
    s->certificates = d->certificates;
}

static void read_placement(struct fuzz_bytes *in, int64_t id, struct placement_data *d)
{
    struct bpa_placement *p = &d->p;
    memset(d, 0, sizeof *d);
    p->id = id;
    p->lat = radians(fuzz_range(in, 50.0, 54.5));
    p->lon = radians(fuzz_range(in, 2.5, 8.0));
    p->hours_per_week = fuzz_range(in, 1, 60);
    p->start = 20000 + (int32_t)(fuzz_u8(in) * 2);
    p->end = p->start + 1 + fuzz_u8(in) * 2;
    uint8_t b = fuzz_u8(in);
    p->min_dutch_level = b % 7;
    p->open = b & 0x80;
    p->occupation = fuzz_u8(in) % 4;
    p->schedule = week(in);
    uint32_t required[MAX_LIST];
    p->required_count = ids(in, required);
    for (unsigned i = 0; i < p->required_count; i++) {
        uint8_t r = fuzz_u8(in);
        d->required[i] = (struct bpa_required_skill){required[i], (uint8_t)(1 + r % 5), r & 0x80};
    }
    p->required = d->required;
    p->taught_count = ids(in, d->taught);
    p->taught = d->taught;
    p->certificate_count = ids(in, d->certificates);
    p->certificates = d->certificates;
}

static bool has(const uint32_t *list, unsigned n, uint32_t id)
{
    for (unsigned i = 0; i < n; i++)
        if (list[i] == id)
            return true;
    return false;
}

/* One pair against the brief's rules, written out again. */
static void check_pair(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                       const struct bpa_placement *p)
{
    struct bpa_match_result r;
    bpa_match_evaluate(rules, s, p, &r);
    FUZZ_CHECK(r.score >= 0 && r.score <= 100);
    FUZZ_CHECK((r.failed & ~((1u << BPA_FILTER_COUNT) - 1)) == 0);
    const double parts[] = {r.skills, r.schedule, r.distance, r.learning};
    for (int i = 0; i < 4; i++)
        FUZZ_CHECK(parts[i] >= 0 && parts[i] <= 1);
    FUZZ_CHECK(r.distance_km >= 0 && r.distance_km < 20040);
    FUZZ_CHECK(fabs(r.distance_km - bpa_match_distance_km(p->lat, p->lon, s->lat, s->lon)) < 1e-6);

    unsigned missing_certificate = 0, missing_essential = 0;
    for (unsigned i = 0; i < p->certificate_count; i++)
        missing_certificate += !has(s->certificates, s->certificate_count, p->certificates[i]);
    double weighed = 0, weights = 0;
    for (unsigned i = 0; i < p->required_count; i++) {
        uint8_t level = 0;
        for (unsigned j = 0; j < s->skill_count; j++)
            if (s->skills[j].skill == p->required[i].skill)
                level = s->skills[j].level;
        FUZZ_CHECK(r.seeker_levels[i] == level);
        missing_essential += p->required[i].essential && level == 0;
        double w = p->required[i].essential ? 2 : 1,
               share = (double)level / p->required[i].min_level;
        weighed += w * (share < 1 ? share : 1);
        weights += w;
    }
    FUZZ_CHECK(fabs(r.skills - (weights ? weighed / weights : 1)) < 1e-9);
    FUZZ_CHECK(r.placement_hours == bpa_week_hours(&p->schedule));
    FUZZ_CHECK(r.overlap_hours <= r.placement_hours);
    FUZZ_CHECK(r.taught_among_goals <= p->taught_count);

    unsigned expected = 0;
    if (!p->open)
        expected |= BPA_FILTER_PLACEMENT_NOT_OPEN;
    if (r.distance_km > s->max_travel_km)
        expected |= BPA_FILTER_TOO_FAR;
    if ((int64_t)s->available_from > (int64_t)p->start + rules->grace_days ||
        s->available_until < p->end)
        expected |= BPA_FILTER_DATES;
    if (s->dutch_level < p->min_dutch_level)
        expected |= BPA_FILTER_LANGUAGE;
    if (missing_certificate)
        expected |= BPA_FILTER_CERTIFICATE;
    if (missing_essential)
        expected |= BPA_FILTER_ESSENTIAL_SKILL;
    if (r.schedule < rules->schedule_threshold || s->max_hours_per_week < p->hours_per_week)
        expected |= BPA_FILTER_SCHEDULE;
    FUZZ_CHECK(r.failed == expected);

    double total = rules->weight_skills + rules->weight_schedule + rules->weight_distance +
                   rules->weight_learning;
    double sum = rules->weight_skills * r.skills + rules->weight_schedule * r.schedule +
                 rules->weight_distance * r.distance + rules->weight_learning * r.learning;
    FUZZ_CHECK(fabs(r.score - 100 * sum / total) <= 0.5 + 1e-9);
}

/* The ranking `got` against every pair scored one by one. */
static void check_ranking(const struct bpa_ranked *got, size_t count,
                          const struct bpa_ranked *eligible, size_t eligible_count, size_t limit)
{
    struct bpa_ranked best[MAX_ITEMS];
    memcpy(best, eligible, eligible_count * sizeof *best);
    /* selection sort: a second, plain way to the same order */
    for (size_t i = 0; i < eligible_count; i++)
        for (size_t j = i + 1; j < eligible_count; j++)
            if (bpa_ranked_before(&best[j], &best[i])) {
                struct bpa_ranked t = best[i];
                best[i] = best[j];
                best[j] = t;
            }
    FUZZ_CHECK(count == (eligible_count < limit ? eligible_count : limit));
    for (size_t i = 0; i < count; i++) {
        FUZZ_CHECK(got[i].id == best[i].id && got[i].score == best[i].score);
        FUZZ_CHECK(got[i].distance_km == best[i].distance_km);
    }
}

static bool eligible(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                     const struct bpa_placement *p, const struct bpa_rank_options *options,
                     bool occupation, struct bpa_ranked *out)
{
    struct bpa_match_result r;
    bpa_match_evaluate(rules, s, p, &r);
    if (r.failed || r.score < options->min_score ||
        (options->within_km > 0 && r.distance_km > options->within_km) ||
        (occupation && options->occupation && p->occupation != options->occupation))
        return false;
    out->score = r.score;
    out->distance_km = r.distance_km;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_bytes in = {data, size};
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    uint8_t mode = fuzz_u8(&in);
    if (mode & 1) {
        char weights[64];
        snprintf(weights, sizeof weights, "%u,%u,%u,%u", fuzz_u8(&in), fuzz_u8(&in), fuzz_u8(&in),
                 fuzz_u8(&in));
        char error[256];
        if (bpa_match_rules_set_weights(&rules, weights, error, sizeof error) != 0)
            FUZZ_CHECK(strcmp(weights, "0,0,0,0") == 0);
        rules.schedule_threshold = fuzz_u8(&in) / 255.0;
        rules.grace_days = fuzz_u8(&in) % 61;
        bpa_match_rules_version(&rules);
    }
    struct bpa_rank_options options = {
        .limit = 1 + fuzz_u8(&in) % MAX_ITEMS,
        .min_score = fuzz_u8(&in) % 101,
        .occupation = fuzz_u8(&in) % 4,
        .within_km = (mode & 2) ? fuzz_range(&in, 0.1, 300) : 0,
    };

    /* Items go into the indexes one by one, as the listener applies
     * changes: an id seen before replaces, a marked one is removed. */
    static struct seeker_data seekers[MAX_ITEMS];
    static struct placement_data placements[MAX_ITEMS];
    struct bpa_seeker_index seeker_index = {0};
    struct bpa_placement_index placement_index = {0};
    int64_t seeker_model[MAX_ITEMS], placement_model[MAX_ITEMS]; /* index into data, or -1 */
    for (int i = 0; i < MAX_ITEMS; i++)
        seeker_model[i] = placement_model[i] = -1;
    unsigned items = 1 + fuzz_u8(&in) % (2 * MAX_ITEMS);
    for (unsigned i = 0; i < items && i < MAX_ITEMS * 2; i++) {
        uint8_t op = fuzz_u8(&in);
        int64_t id = 1 + op % MAX_ITEMS; /* a small id range: replacements happen */
        if (op & 0x40) {
            if (op & 0x80) {
                bpa_seeker_index_remove(&seeker_index, id);
                seeker_model[id - 1] = -1;
            } else {
                bpa_placement_index_remove(&placement_index, id);
                placement_model[id - 1] = -1;
            }
        } else if (op & 0x80) {
            read_seeker(&in, id, &seekers[id - 1]);
            FUZZ_CHECK(bpa_seeker_index_put(&seeker_index, &seekers[id - 1].s) == 0);
            seeker_model[id - 1] = id - 1;
        } else {
            read_placement(&in, id, &placements[id - 1]);
            FUZZ_CHECK(bpa_placement_index_put(&placement_index, &placements[id - 1].p) == 0);
            placement_model[id - 1] = id - 1;
        }
    }
    /* the indexes hold exactly the model's items */
    size_t seeker_count = 0, placement_count = 0;
    for (int64_t id = 1; id <= MAX_ITEMS; id++) {
        const struct bpa_seeker *s = bpa_seeker_index_find(&seeker_index, id);
        const struct bpa_placement *p = bpa_placement_index_find(&placement_index, id);
        FUZZ_CHECK((s != NULL) == (seeker_model[id - 1] >= 0));
        FUZZ_CHECK((p != NULL) == (placement_model[id - 1] >= 0));
        if (s) {
            seeker_count++;
            const struct bpa_seeker *want = &seekers[id - 1].s;
            FUZZ_CHECK(s->id == id && s->skill_count == want->skill_count &&
                       s->goal_count == want->goal_count &&
                       s->certificate_count == want->certificate_count);
            FUZZ_CHECK(!s->skill_count ||
                       !memcmp(s->skills, want->skills, s->skill_count * sizeof *s->skills));
            FUZZ_CHECK(!s->goal_count ||
                       !memcmp(s->goals, want->goals, s->goal_count * sizeof *s->goals));
        }
        if (p) {
            placement_count++;
            const struct bpa_placement *want = &placements[id - 1].p;
            FUZZ_CHECK(p->id == id && p->required_count == want->required_count &&
                       p->taught_count == want->taught_count &&
                       p->certificate_count == want->certificate_count);
            FUZZ_CHECK(!p->certificate_count ||
                       !memcmp(p->certificates, want->certificates,
                               p->certificate_count * sizeof *p->certificates));
        }
    }
    FUZZ_CHECK(seeker_index.count == seeker_count && placement_index.count == placement_count);

    struct bpa_ranked got[MAX_ITEMS], expected[MAX_ITEMS];
    for (size_t i = 0; i < seeker_index.count; i++) {
        const struct bpa_seeker *s = &seeker_index.items[i];
        size_t n = 0;
        for (size_t j = 0; j < placement_index.count; j++) {
            const struct bpa_placement *p = &placement_index.items[j];
            check_pair(&rules, s, p);
            expected[n].id = p->id;
            n += eligible(&rules, s, p, &options, true, &expected[n]);
        }
        size_t count = bpa_rank_placements(&rules, s, placement_index.items, placement_index.count,
                                           &options, got);
        check_ranking(got, count, expected, n, options.limit);
    }
    for (size_t j = 0; j < placement_index.count; j++) {
        const struct bpa_placement *p = &placement_index.items[j];
        size_t n = 0;
        for (size_t i = 0; i < seeker_index.count; i++) {
            const struct bpa_seeker *s = &seeker_index.items[i];
            expected[n].id = s->id;
            n += eligible(&rules, s, p, &options, false, &expected[n]);
        }
        size_t count =
            bpa_rank_seekers(&rules, p, seeker_index.items, seeker_index.count, &options, got);
        check_ranking(got, count, expected, n, options.limit);
    }
    bpa_seeker_index_clear(&seeker_index);
    bpa_placement_index_clear(&placement_index);

    /* the vocabulary: an id per distinct text, the text back for an id */
    struct bpa_vocab *vocab = bpa_vocab_new();
    FUZZ_CHECK(vocab != NULL);
    uint32_t last = 0;
    while (in.size) {
        char *text = fuzz_text(&in, 1 + fuzz_u8(&in) % 16);
        uint32_t id = bpa_vocab_id(vocab, text, true);
        FUZZ_CHECK(id >= 1 && id <= last + 1);
        last = id > last ? id : last;
        FUZZ_CHECK(strcmp(bpa_vocab_text(vocab, id), text) == 0);
        FUZZ_CHECK(bpa_vocab_id(vocab, text, false) == id);
        free(text);
    }
    FUZZ_CHECK(bpa_vocab_text(vocab, last + 1) == NULL && bpa_vocab_text(vocab, 0) == NULL);
    bpa_vocab_free(vocab);
    return 0;
}
