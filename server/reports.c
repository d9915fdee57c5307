/* The matcher's side of the reports: scans of the daemon's index. */
#include "reports.h"
#include "unmet.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {code: pairs} of the pairs each filter refused (a pair may fail several:
 * each counts) and of the eligible ones scoring below the minimum. */
static json_t *reasons_json(const uint64_t refused[BPA_FILTER_COUNT], uint64_t below_min_score)
{
    json_t *reasons = json_object();
    for (unsigned i = 0; i < BPA_FILTER_COUNT; i++)
        if (refused[i])
            json_object_set_new(reasons, bpa_match_filter_code(i),
                                json_integer((json_int_t)refused[i]));
    if (below_min_score)
        json_object_set_new(reasons, BPA_REPORT_BELOW_MIN_SCORE,
                            json_integer((json_int_t)below_min_score));
    return reasons;
}

/* Eligible with at least `min_score`: the matcher's cheap prefilter first,
 * as most pairs fail it, then the filters alone, and the score only when
 * a minimum asks for it. */
static bool fits(const struct bpa_match_rules *rules, const struct bpa_seeker *s,
                 const struct bpa_placement *p, int min_score)
{
    if (!bpa_match_may_fit(rules, s, p) || bpa_match_filters(rules, s, p, NULL))
        return false;
    if (min_score <= 0)
        return true;
    struct bpa_match_result r;
    bpa_match_evaluate(rules, s, p, &r);
    return r.score >= min_score;
}

/* The refusals of one unmet placement, as the report shows them. */
static json_t *unmet_item(const struct bpa_match_index *index, const struct bpa_placement *p,
                          const struct bpa_unmet *u)
{
    json_t *skills = json_object();
    for (unsigned k = 0; k < p->required_count && k < BPA_MATCH_MAX_SKILLS; k++) {
        const char *uri = bpa_vocab_text(index->vocab, p->required[k].skill);
        if (u->missing[k] && uri)
            json_object_set_new(skills, uri, json_integer((json_int_t)u->missing[k]));
    }
    return json_pack("{s:I, s:o, s:o}", "placement_id", (json_int_t)p->id, "reasons",
                     reasons_json(u->refused, u->below_min_score), "missing_skills", skills);
}

/* A coordinator's report is rare and waited for: it may use every core
 * for the moment it takes. */
static unsigned report_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > BPA_UNMET_MAX_THREADS ? BPA_UNMET_MAX_THREADS : (unsigned)cores;
}

json_t *bpa_report_unmet(struct bpa_match_index *index, const struct bpa_match_rules *rules,
                         int min_score, size_t *placements, size_t *seekers)
{
    struct bpa_unmet *unmet = NULL;
    pthread_rwlock_rdlock(&index->lock);
    const struct bpa_placement_index *pi = &index->placements;
    *placements = pi->count;
    *seekers = index->seekers.count;
    long count = bpa_unmet_placements(rules, index->seekers.items, index->seekers.count, pi->items,
                                      pi->count, min_score, report_threads(), &unmet);
    json_t *items = count < 0 ? NULL : json_array();
    for (long i = 0; i < count; i++)
        json_array_append_new(items, unmet_item(index, &pi->items[unmet[i].placement], &unmet[i]));
    pthread_rwlock_unlock(&index->lock);
    free(unmet);
    return items;
}

/* Why seeker `s` fits no placement: every pair's filters (an unplaced
 * seeker has no eligible pair). */
static json_t *unplaced_item(const struct bpa_match_index *index,
                             const struct bpa_match_rules *rules, const struct bpa_seeker *s)
{
    uint64_t refused[BPA_FILTER_COUNT] = {0};
    for (size_t i = 0; i < index->placements.count; i++) {
        unsigned failed = bpa_match_filters(rules, s, &index->placements.items[i], NULL);
        for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
            refused[f] += (failed >> f) & 1;
    }
    int main_reason = -1;
    for (unsigned i = 0; i < BPA_FILTER_COUNT; i++)
        if (refused[i] && (main_reason < 0 || refused[i] > refused[main_reason]))
            main_reason = (int)i;
    return json_pack("{s:I, s:s?, s:o}", "seeker_id", (json_int_t)s->id, "main_reason",
                     main_reason < 0 ? NULL : bpa_match_filter_code((unsigned)main_reason),
                     "reasons", reasons_json(refused, 0));
}

json_t *bpa_report_unplaced(struct bpa_match_index *index, const struct bpa_match_rules *rules,
                            size_t *placements, size_t *seekers, json_t **all)
{
    json_t *items = json_array();
    if (all)
        *all = json_array();
    pthread_rwlock_rdlock(&index->lock);
    *placements = index->placements.count;
    *seekers = index->seekers.count;
    for (size_t j = 0; j < index->seekers.count; j++) {
        const struct bpa_seeker *s = &index->seekers.items[j];
        if (all)
            json_array_append_new(*all, json_integer((json_int_t)s->id));
        bool met = false;
        for (size_t i = 0; i < index->placements.count && !met; i++)
            met = fits(rules, s, &index->placements.items[i], 0);
        if (!met)
            json_array_append_new(items, unplaced_item(index, rules, s));
    }
    pthread_rwlock_unlock(&index->lock);
    return items;
}

struct gap {
    uint32_t skill;
    uint64_t pairs_missing, placements, seekers_having;
    const char *uri; /* the index's vocabulary's, valid under the lock */
};

static int most_missing_first(const void *a, const void *b)
{
    const struct gap *x = a, *y = b;
    if (x->pairs_missing != y->pairs_missing)
        return x->pairs_missing > y->pairs_missing ? -1 : 1;
    if (x->placements != y->placements)
        return x->placements > y->placements ? -1 : 1;
    return strcmp(x->uri, y->uri);
}

/* Counted per skill rather than per pair: a pair lacks an essential skill
 * exactly when its seeker does not have it, so the pairs lacking skill k
 * are (placements requiring k) x (seekers without k), in linear time. */
json_t *bpa_report_skills_gap(struct bpa_match_index *index, size_t limit, size_t *placements,
                              size_t *seekers)
{
    json_t *items = json_array();
    pthread_rwlock_rdlock(&index->lock);
    const struct bpa_placement_index *pi = &index->placements;
    const struct bpa_seeker_index *si = &index->seekers;
    *placements = pi->count;
    *seekers = si->count;
    uint32_t top = 0;
    for (size_t i = 0; i < pi->count; i++)
        for (unsigned k = 0; k < pi->items[i].required_count; k++)
            if (pi->items[i].required[k].essential && pi->items[i].required[k].skill > top)
                top = pi->items[i].required[k].skill;
    uint64_t *requiring = calloc((size_t)top + 1, sizeof *requiring);
    uint64_t *having = calloc((size_t)top + 1, sizeof *having);
    struct gap *gaps = calloc((size_t)top + 1, sizeof *gaps);
    size_t n = 0;
    if (requiring && having && gaps) {
        for (size_t i = 0; i < pi->count; i++)
            for (unsigned k = 0; k < pi->items[i].required_count; k++)
                if (pi->items[i].required[k].essential)
                    requiring[pi->items[i].required[k].skill]++;
        for (size_t j = 0; j < si->count; j++)
            for (unsigned k = 0; k < si->items[j].skill_count; k++)
                if (si->items[j].skills[k].skill <= top)
                    having[si->items[j].skills[k].skill]++;
        for (uint32_t skill = 1; skill <= top; skill++) {
            const char *uri = bpa_vocab_text(index->vocab, skill);
            if (requiring[skill] && uri)
                gaps[n++] = (struct gap){skill, requiring[skill] * (si->count - having[skill]),
                                         requiring[skill], having[skill], uri};
        }
        qsort(gaps, n, sizeof *gaps, most_missing_first);
    }
    for (size_t i = 0; i < n && i < limit; i++)
        json_array_append_new(items,
                              json_pack("{s:s, s:I, s:I, s:I}", "uri", gaps[i].uri, "pairs_missing",
                                        (json_int_t)gaps[i].pairs_missing, "placements_requiring",
                                        (json_int_t)gaps[i].placements, "seekers_having",
                                        (json_int_t)gaps[i].seekers_having));
    pthread_rwlock_unlock(&index->lock);
    bool complete = requiring && having && gaps;
    free(requiring);
    free(having);
    free(gaps);
    if (!complete) {
        json_decref(items);
        return NULL;
    }
    return items;
}
