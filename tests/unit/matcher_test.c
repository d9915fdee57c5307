/* The scoring rules of the brief, filter by filter and component by
 * component, the edge cases, and properties over many generated pairs. */
#include "index.h"
#include "matcher.h"
#include "generated_pairs.h"
#include "suites.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static struct bpa_match_rules rules;

static const struct bpa_required_skill required[] = {{10, 2, true}, {20, 4, false}};
static const struct bpa_seeker_skill skills[] = {{10, 3}, {20, 2}, {30, 5}};
static const uint32_t taught[] = {30, 40};
static const uint32_t goals[] = {40, 50};
static const uint32_t vca[] = {7};

/* Monday to Friday, from..to o'clock. */
static struct bpa_week weekdays(int from, int to)
{
    struct bpa_week w = {{0}};
    for (int d = 0; d < 5; d++)
        for (int h = from; h < to; h++)
            w.bits[(d * 24 + h) / 64] |= UINT64_C(1) << ((d * 24 + h) % 64);
    return w;
}

static struct bpa_placement placement(void)
{
    return (struct bpa_placement){.id = 1,
                                  .lat = RAD(52.077),
                                  .lon = RAD(4.338),
                                  .hours_per_week = 40,
                                  .start = 20000,
                                  .end = 20060,
                                  .min_dutch_level = 2,
                                  .open = true,
                                  .schedule = weekdays(8, 16),
                                  .required = required,
                                  .required_count = 2,
                                  .taught = taught,
                                  .taught_count = 2,
                                  .certificates = vca,
                                  .certificate_count = 1};
}

static struct bpa_seeker seeker(void)
{
    return (struct bpa_seeker){.id = 9,
                               .lat = RAD(52.066),
                               .lon = RAD(4.328),
                               .max_travel_km = 10,
                               .max_hours_per_week = 40,
                               .available_from = 19990,
                               .available_until = BPA_NO_END_DAY,
                               .dutch_level = 3,
                               .availability = weekdays(7, 17),
                               .skills = skills,
                               .skill_count = 3,
                               .goals = goals,
                               .goal_count = 2,
                               .certificates = vca,
                               .certificate_count = 1};
}

static struct bpa_match_result evaluate(const struct bpa_seeker *s, const struct bpa_placement *p)
{
    struct bpa_match_result r;
    bpa_match_evaluate(&rules, s, p, &r);
    return r;
}

static void setup(void)
{
    bpa_match_rules_default(&rules);
}

START_TEST(a_good_pair_is_scored_by_the_formula)
{
    struct bpa_seeker s = seeker();
    struct bpa_placement p = placement();
    struct bpa_match_result r = evaluate(&s, &p);
    ck_assert_uint_eq(r.failed, 0);
    /* skills: essential (w 2) at 3/2 -> 1; other (w 1) at 2/4 -> 0.5: 2.5 / 3 */
    ck_assert_double_eq_tol(r.skills, 2.5 / 3, 1e-12);
    ck_assert_double_eq_tol(r.schedule, 1, 1e-12);
    ck_assert_uint_eq(r.overlap_hours, 40);
    ck_assert_uint_eq(r.placement_hours, 40);
    ck_assert_double_eq_tol(r.distance_km, 1.42, 0.02);
    ck_assert_double_eq_tol(r.distance, 1 - r.distance_km / 10, 1e-12);
    ck_assert_double_eq_tol(r.learning, 0.5, 1e-12); /* 40 of {30, 40} */
    ck_assert_uint_eq(r.seeker_levels[0], 3);
    ck_assert_uint_eq(r.seeker_levels[1], 2);
    double expected = 100 * (40 * r.skills + 25 * 1 + 20 * r.distance + 15 * 0.5) / 100;
    ck_assert_int_eq(r.score, (int)lround(expected));
}
END_TEST

START_TEST(each_filter_names_its_reason)
{
    struct bpa_seeker s;
    struct bpa_placement p;
#define EXPECT(change, filter)                                                                     \
    do {                                                                                           \
        s = seeker();                                                                              \
        p = placement();                                                                           \
        change;                                                                                    \
        struct bpa_match_result r = evaluate(&s, &p);                                              \
        ck_assert_msg(r.failed == (unsigned)(filter), "%s: failed %u", #change, r.failed);         \
    } while (0)
    EXPECT(p.open = false, BPA_FILTER_PLACEMENT_NOT_OPEN);
    EXPECT(s.max_travel_km = 1, BPA_FILTER_TOO_FAR);
    EXPECT(s.available_from = 20015, BPA_FILTER_DATES);  /* 15 days late: grace is 14 */
    EXPECT(s.available_until = 20059, BPA_FILTER_DATES); /* leaves before the end */
    EXPECT(s.dutch_level = 1, BPA_FILTER_LANGUAGE);
    EXPECT(s.certificate_count = 0, BPA_FILTER_CERTIFICATE);
    EXPECT(s.skills = skills + 1; s.skill_count = 2, BPA_FILTER_ESSENTIAL_SKILL);
    EXPECT(s.availability = weekdays(8, 11), BPA_FILTER_SCHEDULE); /* 15 of 40 hours */
    EXPECT(s.max_hours_per_week = 32, BPA_FILTER_SCHEDULE);
    EXPECT(s.max_travel_km = 1;
           s.dutch_level = 0,
           BPA_FILTER_TOO_FAR | BPA_FILTER_LANGUAGE); /* every failure is listed */
    for (unsigned i = 0; i < BPA_FILTER_COUNT; i++)
        ck_assert_str_ne(bpa_match_filter_code(i), "unknown");
    ck_assert_str_eq(bpa_match_filter_code(1), "too_far");
#undef EXPECT
}
END_TEST

START_TEST(edge_cases)
{
    struct bpa_seeker s = seeker();
    struct bpa_placement p = placement();
    /* no required skills: the skills component is 1 */
    p.required_count = 0;
    ck_assert_double_eq(evaluate(&s, &p).skills, 1);
    /* no taught skills: learning is 0.5 */
    p = placement();
    p.taught_count = 0;
    ck_assert_double_eq(evaluate(&s, &p).learning, 0.5);
    /* empty availability: schedule 0, excluded */
    s.availability = (struct bpa_week){{0}};
    struct bpa_match_result r = evaluate(&s, &p);
    ck_assert_double_eq(r.schedule, 0);
    ck_assert(r.failed & BPA_FILTER_SCHEDULE);
    /* a placement of zero weekly hours (refused at input) scores 0 and is excluded */
    s = seeker();
    p = placement();
    p.schedule = (struct bpa_week){{0}};
    r = evaluate(&s, &p);
    ck_assert_double_eq(r.schedule, 0);
    ck_assert(r.failed & BPA_FILTER_SCHEDULE);
    ck_assert(r.score >= 0 && r.score <= 100);
    /* identical coordinates: distance 0, component 1 */
    p = placement();
    s.lat = p.lat;
    s.lon = p.lon;
    r = evaluate(&s, &p);
    ck_assert_double_eq(r.distance_km, 0);
    ck_assert_double_eq(r.distance, 1);
    /* exactly at the limit: kept, with a distance component of 0 */
    s = seeker();
    s.max_travel_km = bpa_match_distance_km(s.lat, s.lon, p.lat, p.lon);
    r = evaluate(&s, &p);
    ck_assert(!(r.failed & BPA_FILTER_TOO_FAR));
    ck_assert_double_eq(r.distance, 0);
    /* dates at the grace boundary: 14 days late passes, 15 does not */
    s = seeker();
    s.available_from = p.start + 14;
    ck_assert(!(evaluate(&s, &p).failed & BPA_FILTER_DATES));
    s.available_from = p.start + 15;
    ck_assert(evaluate(&s, &p).failed & BPA_FILTER_DATES);
    s = seeker();
    s.available_until = p.end; /* leaving on the last day is fine */
    ck_assert(!(evaluate(&s, &p).failed & BPA_FILTER_DATES));
    /* the schedule threshold: exactly half passes */
    s = seeker();
    s.availability = weekdays(8, 12);
    r = evaluate(&s, &p);
    ck_assert_double_eq(r.schedule, 0.5);
    ck_assert(!(r.failed & BPA_FILTER_SCHEDULE));
}
END_TEST

START_TEST(rules_are_configurable_and_versioned)
{
    struct bpa_match_rules other;
    bpa_match_rules_default(&other);
    char error[200];
    ck_assert_int_eq(bpa_match_rules_set_weights(&other, "1,0,0,0", error, sizeof error), 0);
    ck_assert_str_ne(other.version, rules.version);
    struct bpa_seeker s = seeker();
    struct bpa_placement p = placement();
    struct bpa_match_result r;
    bpa_match_evaluate(&other, &s, &p, &r);
    ck_assert_int_eq(r.score, (int)lround(100 * 2.5 / 3)); /* skills only */
    ck_assert_int_eq(bpa_match_rules_set_weights(&other, "0,0,0,0", error, sizeof error), -1);
    ck_assert_int_eq(bpa_match_rules_set_weights(&other, "1,2,3", error, sizeof error), -1);
    ck_assert_int_eq(bpa_match_rules_set_weights(&other, "1,2,3,-4", error, sizeof error), -1);
    ck_assert_int_eq(bpa_match_rules_set_weights(&other, "1,2,3,4x", error, sizeof error), -1);
}
END_TEST

/* --- properties over generated pairs --- */

START_TEST(properties_hold_over_many_pairs)
{
    for (int n = 0; n < 20000; n++) {
        struct generated g;
        generate(&g);
        struct bpa_match_result base = evaluate(&g.seeker, &g.placement), moved;
        ck_assert(base.score >= 0 && base.score <= 100);

        /* farther away never scores higher */
        struct bpa_seeker far = g.seeker;
        far.lat += RAD(uniform(0.001, 0.2));
        moved = evaluate(&far, &g.placement);
        if (moved.distance_km >= base.distance_km)
            ck_assert_int_le(moved.score, base.score);

        /* a higher skill level never scores lower */
        if (g.seeker.skill_count) {
            struct generated better = g;
            unsigned i = next_random() % g.seeker.skill_count;
            if (better.skills[i].level < 5)
                better.skills[i].level++;
            better.seeker.skills = better.skills;
            ck_assert_int_ge(evaluate(&better.seeker, &g.placement).score, base.score);
        }

        /* more availability never scores lower */
        struct bpa_seeker freer = g.seeker;
        unsigned slot = next_random() % 168;
        freer.availability.bits[slot / 64] |= UINT64_C(1) << (slot % 64);
        ck_assert_int_ge(evaluate(&freer, &g.placement).score, base.score);
    }
}
END_TEST

/* The filters alone give evaluate's failed bits, and the essential skills
 * it found missing (level 0), on every generated pair, moved near and far. */
START_TEST(filters_alone_agree_with_the_evaluation)
{
    for (int n = 0; n < 50000; n++) {
        struct generated g;
        generate(&g);
        if (n % 3 == 0) /* near the edge of the travel limit */
            g.seeker.max_travel_km = bpa_match_distance_km(g.seeker.lat, g.seeker.lon,
                                                           g.placement.lat, g.placement.lon) *
                                     (n % 2 ? 1.0 : 0.999999);
        if (n % 5 == 0) { /* a required certificate, held or not */
            g.wanted[0] = 3;
            g.placement.certificates = g.wanted;
            g.placement.certificate_count = 1;
            g.certificates[0] = 3;
            g.seeker.certificates = g.certificates;
            g.seeker.certificate_count = n % 2;
        }
        struct bpa_match_result r = evaluate(&g.seeker, &g.placement);
        uint64_t missing = UINT64_MAX;
        ck_assert_uint_eq(bpa_match_filters(&rules, &g.seeker, &g.placement, &missing), r.failed);
        ck_assert_uint_eq(bpa_match_filters(&rules, &g.seeker, &g.placement, NULL), r.failed);
        for (unsigned k = 0; k < g.placement.required_count; k++)
            ck_assert_uint_eq((missing >> k) & 1,
                              g.placement.required[k].essential && r.seeker_levels[k] == 0);
        ck_assert_uint_eq(missing >> g.placement.required_count, 0);
    }
}
END_TEST

static int brute_order(const void *a, const void *b)
{
    const struct bpa_ranked *x = a, *y = b;
    return bpa_ranked_before(x, y) ? -1 : bpa_ranked_before(y, x) ? 1 : 0;
}

START_TEST(ranking_equals_a_brute_force_sort)
{
    enum { COUNT = 3000 };
    static struct generated world[COUNT];
    static struct bpa_placement placements[COUNT];
    static struct bpa_seeker seekers[COUNT];
    static struct bpa_ranked expected[COUNT], got[COUNT];
    for (int round = 0; round < 20; round++) {
        struct generated who;
        generate(&who);
        who.seeker.max_travel_km = uniform(5, 60);
        who.placement.open = true;
        for (int i = 0; i < COUNT; i++) {
            generate(&world[i]);
            placements[i] = world[i].placement;
            seekers[i] = world[i].seeker;
            placements[i].id = seekers[i].id = COUNT - i; /* ids against the array order */
            if (i % 7 == 1) { /* equal places: ties broken by distance, then id */
                placements[i].lat = placements[i - 1].lat;
                placements[i].lon = placements[i - 1].lon;
                seekers[i].lat = seekers[i - 1].lat;
                seekers[i].lon = seekers[i - 1].lon;
            }
        }
        struct bpa_rank_options options = {.limit = 1 + next_random() % 60,
                                           .min_score = (int)(next_random() % 50)};
        for (int side = 0; side < 2; side++) {
            size_t n = 0;
            for (int i = 0; i < COUNT; i++) {
                struct bpa_match_result r;
                if (side == 0)
                    bpa_match_evaluate(&rules, &who.seeker, &placements[i], &r);
                else
                    bpa_match_evaluate(&rules, &seekers[i], &who.placement, &r);
                if (!r.failed && r.score >= options.min_score)
                    expected[n++] =
                        (struct bpa_ranked){.id = side == 0 ? placements[i].id : seekers[i].id,
                                            .score = r.score,
                                            .distance_km = r.distance_km};
            }
            qsort(expected, n, sizeof expected[0], brute_order);
            if (n > options.limit)
                n = options.limit;
            size_t ranked =
                side == 0
                    ? bpa_rank_placements(&rules, &who.seeker, placements, COUNT, &options, got)
                    : bpa_rank_seekers(&rules, &who.placement, seekers, COUNT, &options, got);
            ck_assert_uint_eq(ranked, n);
            for (size_t i = 0; i < n; i++) {
                ck_assert_int_eq(got[i].id, expected[i].id);
                ck_assert_int_eq(got[i].score, expected[i].score);
            }
        }
    }
}
END_TEST

START_TEST(the_index_finds_replaces_and_removes)
{
    struct bpa_placement_index index = {0};
    struct bpa_placement p = placement();
    for (int64_t id = 1; id <= 5000; id++) {
        p.id = id;
        p.hours_per_week = (double)id;
        ck_assert_int_eq(bpa_placement_index_put(&index, &p), 0);
    }
    ck_assert_uint_eq(index.count, 5000);
    p.id = 77;
    p.hours_per_week = 1;
    p.required_count = 0;
    ck_assert_int_eq(bpa_placement_index_put(&index, &p), 0); /* replaces */
    ck_assert_uint_eq(index.count, 5000);
    ck_assert_double_eq(bpa_placement_index_find(&index, 77)->hours_per_week, 1);
    ck_assert_uint_eq(bpa_placement_index_find(&index, 78)->required_count, 2);
    ck_assert_uint_eq(bpa_placement_index_find(&index, 78)->required[1].skill, 20);
    bpa_placement_index_remove(&index, 78);
    bpa_placement_index_remove(&index, 123456);
    ck_assert_uint_eq(index.count, 4999);
    ck_assert_ptr_null(bpa_placement_index_find(&index, 78));
    ck_assert_double_eq(bpa_placement_index_find(&index, 5000)->hours_per_week, 5000);
    bpa_placement_index_clear(&index);

    struct bpa_vocab *vocab = bpa_vocab_new();
    char uri[64];
    for (int i = 0; i < 3000; i++) {
        snprintf(uri, sizeof uri, "http://data.europa.eu/esco/skill/%d", i);
        ck_assert_uint_eq(bpa_vocab_id(vocab, uri, true), (uint32_t)i + 1);
    }
    ck_assert_uint_eq(bpa_vocab_id(vocab, "http://data.europa.eu/esco/skill/17", false), 18);
    ck_assert_uint_eq(bpa_vocab_id(vocab, "http://nowhere/x", false), 0);
    ck_assert_str_eq(bpa_vocab_text(vocab, 18), "http://data.europa.eu/esco/skill/17");
    bpa_vocab_free(vocab);
}
END_TEST

/* Found by tests/fuzz/matcher_fuzz.c: an item without any list has no
 * block of its own, and copying its empty lists moved a null pointer. */
START_TEST(items_without_lists_are_indexed)
{
    struct bpa_placement p = {.id = 9, .hours_per_week = 4};
    struct bpa_seeker s = {.id = 9, .max_travel_km = 5};
    struct bpa_placement_index placements = {0};
    struct bpa_seeker_index seekers = {0};
    ck_assert_int_eq(bpa_placement_index_put(&placements, &p), 0);
    ck_assert_int_eq(bpa_seeker_index_put(&seekers, &s), 0);
    ck_assert_double_eq(bpa_placement_index_find(&placements, 9)->hours_per_week, 4);
    ck_assert_ptr_null(bpa_placement_index_find(&placements, 9)->required);
    ck_assert_double_eq(bpa_seeker_index_find(&seekers, 9)->max_travel_km, 5);
    ck_assert_int_eq(bpa_placement_index_put(&placements, &p), 0); /* replaces */
    bpa_placement_index_remove(&placements, 9);
    ck_assert_ptr_null(bpa_placement_index_find(&placements, 9));
    bpa_placement_index_clear(&placements);
    bpa_seeker_index_clear(&seekers);
}
END_TEST

Suite *matcher_suite(void)
{
    Suite *s = suite_create("matcher");
    TCase *tc = tcase_create("score");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, a_good_pair_is_scored_by_the_formula);
    tcase_add_test(tc, each_filter_names_its_reason);
    tcase_add_test(tc, edge_cases);
    tcase_add_test(tc, rules_are_configurable_and_versioned);
    tcase_add_test(tc, properties_hold_over_many_pairs);
    tcase_add_test(tc, filters_alone_agree_with_the_evaluation);
    tcase_add_test(tc, ranking_equals_a_brute_force_sort);
    tcase_add_test(tc, the_index_finds_replaces_and_removes);
    tcase_add_test(tc, items_without_lists_are_indexed);
    suite_add_tcase(s, tc);
    return s;
}
