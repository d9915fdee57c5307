/* Unmet demand (matcher/unmet.h) against every pair tried one by one with
 * the matcher's own filters and score, on generated worlds with seekers
 * at the very edge of their travel limit, hours and dates, seekers sharing
 * places and weeks, closed placements, required certificates and skills
 * nobody holds. */
#include "generated_pairs.h"
#include "matcher.h"
#include "suites.h"
#include "unmet.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_SEEKERS = 300, MAX_PLACEMENTS = 200, NOBODYS_SKILL = 40, CERTIFICATE = 3 };

static struct bpa_match_rules rules;
static struct generated seeker_side[MAX_SEEKERS], placement_side[MAX_PLACEMENTS];
static struct bpa_seeker seekers[MAX_SEEKERS];
static struct bpa_placement placements[MAX_PLACEMENTS];
static struct bpa_required_skill nobodys[] = {{NOBODYS_SKILL, 1, true}};
static const uint32_t certificate[] = {CERTIFICATE};

static void setup(void)
{
    bpa_match_rules_default(&rules);
}

static void make_world(size_t seeker_count, size_t placement_count)
{
    for (size_t i = 0; i < placement_count; i++) {
        generate(&placement_side[i]);
        placements[i] = placement_side[i].placement;
        placements[i].id = (int64_t)i + 1;
        if (i % 11 == 5) { /* an essential skill no seeker holds */
            placements[i].required = nobodys;
            placements[i].required_count = 1;
        }
        if (i % 7 == 3) {
            placements[i].certificates = certificate;
            placements[i].certificate_count = 1;
        }
    }
    for (size_t j = 0; j < seeker_count; j++) {
        generate(&seeker_side[j]);
        seekers[j] = seeker_side[j].seeker;
        seekers[j].id = (int64_t)j + 1;
        if (j % 2)
            seekers[j].certificates = certificate, seekers[j].certificate_count = 1;
        if (j % 3 == 1) /* neighbours: seekers share places */
            seekers[j].lat = seekers[j - 1].lat, seekers[j].lon = seekers[j - 1].lon;
        if (j % 3 == 2) { /* or live a few hundred metres apart */
            seekers[j].lat = seekers[j - 1].lat + RAD(uniform(-0.004, 0.004));
            seekers[j].lon = seekers[j - 1].lon + RAD(uniform(-0.006, 0.006));
        }
        if (j % 5) /* and weeks of availability */
            seekers[j].availability = seekers[j / 5 * 5].availability;
        if (placement_count && j % 6 == 3) { /* exactly a placement's hours and dates */
            const struct bpa_placement *p = &placements[next_random() % placement_count];
            seekers[j].max_hours_per_week = p->hours_per_week;
            seekers[j].available_from = p->start + rules.grace_days;
            seekers[j].available_until = p->end;
        }
        if (placement_count && j % 4 == 1) { /* exactly at the limit, just within or beyond */
            static const double factors[] = {1.0, 1.0000001, 0.9999999};
            const struct bpa_placement *p = &placements[next_random() % placement_count];
            seekers[j].max_travel_km =
                bpa_match_distance_km(seekers[j].lat, seekers[j].lon, p->lat, p->lon) *
                factors[j / 4 % 3];
        }
        if (placement_count && j % 13 == 2) { /* no travel at all, from a placement's door */
            const struct bpa_placement *p = &placements[next_random() % placement_count];
            seekers[j].lat = p->lat, seekers[j].lon = p->lon, seekers[j].max_travel_km = 0;
        }
    }
}

/* The answer by brute force: every pair through bpa_match_filters. */
static size_t tried_one_by_one(size_t seeker_count, size_t placement_count, int min_score,
                               struct bpa_unmet *expected)
{
    size_t count = 0;
    for (size_t i = 0; i < placement_count; i++) {
        const struct bpa_placement *p = &placements[i];
        bool met = false;
        for (size_t j = 0; j < seeker_count && !met; j++) {
            if (bpa_match_filters(&rules, &seekers[j], p, NULL))
                continue;
            struct bpa_match_result r;
            bpa_match_evaluate(&rules, &seekers[j], p, &r);
            met = min_score <= 0 || r.score >= min_score;
        }
        if (met)
            continue;
        struct bpa_unmet *u = &expected[count++];
        memset(u, 0, sizeof *u);
        u->placement = i;
        for (size_t j = 0; j < seeker_count; j++) {
            uint64_t missing;
            unsigned failed = bpa_match_filters(&rules, &seekers[j], p, &missing);
            for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
                u->refused[f] += (failed >> f) & 1;
            u->below_min_score += failed == 0;
            for (unsigned k = 0; k < BPA_MATCH_MAX_SKILLS; k++)
                u->missing[k] += (missing >> k) & 1;
        }
    }
    return count;
}

static void assert_same(const struct bpa_unmet *got, const struct bpa_unmet *expected)
{
    ck_assert_uint_eq(got->placement, expected->placement);
    for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
        ck_assert_msg(got->refused[f] == expected->refused[f],
                      "placement %zu, %s: %llu refused, expected %llu", expected->placement,
                      bpa_match_filter_code(f), (unsigned long long)got->refused[f],
                      (unsigned long long)expected->refused[f]);
    ck_assert_uint_eq(got->below_min_score, expected->below_min_score);
    for (unsigned k = 0; k < BPA_MATCH_MAX_SKILLS; k++)
        ck_assert_uint_eq(got->missing[k], expected->missing[k]);
}

START_TEST(unmet_equals_every_pair_tried_one_by_one)
{
    static struct bpa_unmet expected[MAX_PLACEMENTS];
    static const int minimums[] = {0, 40, 60, 80};
    size_t met = 0, unmet = 0, below_minimum = 0;
    for (int round = 0; round < 40; round++) {
        size_t seeker_count = 1 + next_random() % MAX_SEEKERS;
        size_t placement_count = 1 + next_random() % MAX_PLACEMENTS;
        int min_score = minimums[round % 4];
        make_world(seeker_count, placement_count);
        size_t expected_count =
            tried_one_by_one(seeker_count, placement_count, min_score, expected);
        for (unsigned threads = 1; threads <= 3; threads++) { /* the same with any number */
            struct bpa_unmet *got = NULL;
            long count = bpa_unmet_placements(&rules, seekers, seeker_count, placements,
                                              placement_count, min_score, threads, &got);
            ck_assert_int_eq(count, (long)expected_count);
            for (size_t i = 0; i < expected_count; i++)
                assert_same(&got[i], &expected[i]);
            free(got);
        }
        for (size_t i = 0; i < expected_count; i++)
            below_minimum += expected[i].below_min_score > 0;
        met += placement_count - expected_count;
        unmet += expected_count;
    }
    /* the worlds exercised both answers, and unmet placements with
     * eligible seekers below the minimum */
    ck_assert_uint_gt(met, 100);
    ck_assert_uint_gt(unmet, 100);
    ck_assert_uint_gt(below_minimum, 10);
}
END_TEST

START_TEST(without_seekers_every_placement_is_unmet)
{
    make_world(0, 5);
    struct bpa_unmet *got = NULL;
    ck_assert_int_eq(bpa_unmet_placements(&rules, seekers, 0, placements, 5, 0, 2, &got), 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_uint_eq(got[i].placement, i);
        for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
            ck_assert_uint_eq(got[i].refused[f], 0);
    }
    free(got);
    got = NULL;
    ck_assert_int_eq(bpa_unmet_placements(&rules, seekers, 0, placements, 0, 0, 2, &got), 0);
    free(got);
}
END_TEST

Suite *unmet_suite(void)
{
    Suite *s = suite_create("unmet");
    TCase *tc = tcase_create("unmet");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, unmet_equals_every_pair_tried_one_by_one);
    tcase_add_test(tc, without_seekers_every_placement_is_unmet);
    suite_add_tcase(s, tc);
    return s;
}
