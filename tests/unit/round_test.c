/* Cohort rounds (matcher/round.h) against brute force on small generated
 * instances: the optimal total, the stable assignment's stability and
 * seeker-optimality, capacities and hard filters, determinism, and the
 * edge cases. Every instance is scored by the real matcher; preferences,
 * blocking pairs and totals are recomputed here, not taken from round.c. */
#include "matcher.h"
#include "round.h"
#include "suites.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define RAD(deg) ((deg)*M_PI / 180.0)
#define NONE     BPA_ROUND_NONE

enum { MAX_SEEKERS = 24, MAX_PLACEMENTS = 12, SKILL_IDS = 5, CERTIFICATE = 7 };
enum mode { STABLE, OPTIMAL };

static struct bpa_match_rules rules;

static void setup(void)
{
    bpa_match_rules_default(&rules);
}

/* xorshift64; each test sets its own seed, so a failure repeats alone. */
static uint64_t state;
static uint32_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (uint32_t)state;
}
static unsigned below(unsigned n)
{
    return next_random() % n;
}
static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * (next_random() / 4294967296.0);
}

/* Monday to Friday, from..to o'clock. */
static struct bpa_week weekdays(int from, int to)
{
    struct bpa_week w = {{0}};
    for (int d = 0; d < 5; d++)
        for (int h = from; h < to; h++)
            w.bits[(d * 24 + h) / 64] |= UINT64_C(1) << ((d * 24 + h) % 64);
    return w;
}

/* --- instances --- */

/* A generated round; the profiles point into its own arrays. */
struct instance {
    size_t seeker_count, placement_count;
    int min_score;
    struct bpa_seeker seekers[MAX_SEEKERS];
    struct bpa_placement placements[MAX_PLACEMENTS];
    uint32_t free_places[MAX_PLACEMENTS];
    struct bpa_seeker_skill skills[MAX_SEEKERS][SKILL_IDS];
    uint32_t goals[MAX_SEEKERS][SKILL_IDS];
    struct bpa_required_skill required[MAX_PLACEMENTS][SKILL_IDS];
    uint32_t taught[MAX_PLACEMENTS][SKILL_IDS];
    /* per pair, in input order: bpa_match_evaluate's verdict and key parts */
    bool eligible[MAX_SEEKERS][MAX_PLACEMENTS];
    int score[MAX_SEEKERS][MAX_PLACEMENTS];
    uint32_t metres[MAX_SEEKERS][MAX_PLACEMENTS];
};

static const uint32_t certificate = CERTIFICATE;

/* Distinct ids in a random order, so that input order is not id order. */
static void random_ids(int64_t *ids, size_t n)
{
    for (size_t k = 0; k < n; k++)
        ids[k] = 1 + (int64_t)k * 7 + below(7);
    for (size_t k = n; k > 1; k--) {
        size_t other = below((unsigned)k);
        int64_t id = ids[k - 1];
        ids[k - 1] = ids[other];
        ids[other] = id;
    }
}

/* Around The Hague (52.07N 4.33E), a few km apart. */
static void random_place(double *lat, double *lon)
{
    *lat = RAD(52.07 + uniform(-0.04, 0.04));
    *lon = RAD(4.33 + uniform(-0.06, 0.06));
}

/* Each filter fails now and then: closed, dates, language, certificate,
 * essential skill, hours; distance is the seeker's side. */
static void make_placement(struct instance *in, size_t j, int64_t id)
{
    struct bpa_placement *p = &in->placements[j];
    in->free_places[j] = 1 + below(3);
    if (j > 0 && below(4) == 0) { /* a twin: its seekers' ties fall to the id */
        *p = in->placements[j - 1];
        p->id = id;
        return;
    }
    *p = (struct bpa_placement){.id = id,
                                .hours_per_week = 16 + below(17),
                                .start = 20000 + (int32_t)below(20),
                                .min_dutch_level = (uint8_t)below(3),
                                .open = below(12) != 0,
                                .occupation = 1,
                                .schedule = weekdays(8 + (int)below(2), 14 + (int)below(4)),
                                .required = in->required[j],
                                .taught = in->taught[j]};
    random_place(&p->lat, &p->lon);
    p->end = p->start + 30 + (int32_t)below(60);
    for (uint32_t skill = 1; skill <= SKILL_IDS; skill++) {
        if (below(4) == 0)
            in->required[j][p->required_count++] =
                (struct bpa_required_skill){skill, (uint8_t)(1 + below(5)), below(4) == 0};
        if (below(3) == 0)
            in->taught[j][p->taught_count++] = skill;
    }
    if (below(6) == 0) {
        p->certificates = &certificate;
        p->certificate_count = 1;
    }
}

static void make_seeker(struct instance *in, size_t i, int64_t id)
{
    struct bpa_seeker *s = &in->seekers[i];
    if (i > 0 && below(5) == 0) { /* a twin: placements' ties fall to the id */
        *s = in->seekers[i - 1];
        s->id = id;
        return;
    }
    *s = (struct bpa_seeker){.id = id,
                             .max_travel_km = uniform(3, 15),
                             .max_hours_per_week = 24 + below(17),
                             .available_from = 19995 + (int32_t)below(25),
                             .available_until =
                                 below(6) ? BPA_NO_END_DAY : 20050 + (int32_t)below(80),
                             .dutch_level = (uint8_t)(1 + below(6)),
                             .availability = weekdays(7 + (int)below(3), 13 + (int)below(6)),
                             .skills = in->skills[i],
                             .goals = in->goals[i]};
    random_place(&s->lat, &s->lon);
    for (uint32_t skill = 1; skill <= SKILL_IDS; skill++) {
        if (below(3) != 0)
            in->skills[i][s->skill_count++] =
                (struct bpa_seeker_skill){skill, (uint8_t)(1 + below(5))};
        if (below(3) == 0)
            in->goals[i][s->goal_count++] = skill;
    }
    if (below(3) != 0) {
        s->certificates = &certificate;
        s->certificate_count = 1;
    }
}

/* The pairs as the spec defines them: eligible when no filter fails and the
 * score reaches min_score; the distance to the metre. */
static void evaluate_pairs(struct instance *in)
{
    for (size_t i = 0; i < in->seeker_count; i++)
        for (size_t j = 0; j < in->placement_count; j++) {
            struct bpa_match_result r;
            bpa_match_evaluate(&rules, &in->seekers[i], &in->placements[j], &r);
            in->eligible[i][j] = r.failed == 0 && r.score >= in->min_score;
            in->score[i][j] = r.score;
            double metres = round(r.distance_km * 1000);
            in->metres[i][j] = metres > 0xFFFFFF ? 0xFFFFFF : (uint32_t)metres;
        }
}

static void generate(struct instance *in, size_t seekers, size_t placements)
{
    memset(in, 0, sizeof *in);
    in->seeker_count = seekers;
    in->placement_count = placements;
    in->min_score = below(2) ? 0 : 30 + (int)below(35);
    int64_t ids[MAX_SEEKERS];
    random_ids(ids, placements);
    for (size_t j = 0; j < placements; j++)
        make_placement(in, j, ids[j]);
    random_ids(ids, seekers);
    for (size_t i = 0; i < seekers; i++)
        make_seeker(in, i, ids[i]);
    evaluate_pairs(in);
}

/* --- preferences and checks, in input order, independent of round.c --- */

/* True when seeker i strictly prefers placement a to b (NONE: unassigned,
 * the worst): a higher score, then nearer, then the lower id. */
static bool seeker_prefers(const struct instance *in, size_t i, uint32_t a, uint32_t b)
{
    if (a == NONE)
        return false;
    if (b == NONE)
        return true;
    if (in->score[i][a] != in->score[i][b])
        return in->score[i][a] > in->score[i][b];
    if (in->metres[i][a] != in->metres[i][b])
        return in->metres[i][a] < in->metres[i][b];
    return in->placements[a].id < in->placements[b].id;
}

/* True when placement j strictly prefers seeker a to seeker b. */
static bool placement_prefers(const struct instance *in, size_t j, size_t a, size_t b)
{
    if (in->score[a][j] != in->score[b][j])
        return in->score[a][j] > in->score[b][j];
    if (in->metres[a][j] != in->metres[b][j])
        return in->metres[a][j] < in->metres[b][j];
    return in->seekers[a].id < in->seekers[b].id;
}

/* Eligible pairs (i, j) where i prefers j to what it got and j has a place
 * left or prefers i to one of the seekers it took. */
static size_t blocking_pairs(const struct instance *in, const uint32_t *got)
{
    size_t load[MAX_PLACEMENTS] = {0}, worst[MAX_PLACEMENTS] = {0};
    for (size_t i = 0; i < in->seeker_count; i++) {
        uint32_t j = got[i];
        if (j == NONE)
            continue;
        if (load[j]++ == 0 || placement_prefers(in, j, worst[j], i))
            worst[j] = i;
    }
    size_t count = 0;
    for (size_t i = 0; i < in->seeker_count; i++)
        for (uint32_t j = 0; j < in->placement_count; j++)
            if (in->eligible[i][j] && seeker_prefers(in, i, j, got[i]) &&
                (load[j] < in->free_places[j] ||
                 (load[j] && placement_prefers(in, j, i, worst[j]))))
                count++;
    return count;
}

static long total_of(const struct instance *in, const uint32_t *got, size_t *placed)
{
    long total = 0;
    *placed = 0;
    for (size_t i = 0; i < in->seeker_count; i++)
        if (got[i] != NONE) {
            total += in->score[i][got[i]];
            ++*placed;
        }
    return total;
}

/* Capacities and hard filters: what both modes must always respect. */
static void check_feasible(const struct instance *in, const uint32_t *got)
{
    uint32_t load[MAX_PLACEMENTS] = {0};
    for (size_t i = 0; i < in->seeker_count; i++) {
        if (got[i] == NONE)
            continue;
        ck_assert_uint_lt(got[i], in->placement_count);
        ck_assert_msg(in->eligible[i][got[i]], "seeker %lld got ineligible placement %lld",
                      (long long)in->seekers[i].id, (long long)in->placements[got[i]].id);
        load[got[i]]++;
    }
    for (size_t j = 0; j < in->placement_count; j++)
        ck_assert_msg(load[j] <= in->free_places[j], "placement %lld: %u taken, %u places",
                      (long long)in->placements[j].id, load[j], in->free_places[j]);
}

/* --- running round.c --- */

static struct bpa_round_input input_of(const struct instance *in)
{
    return (struct bpa_round_input){.rules = &rules,
                                    .seekers = in->seekers,
                                    .seeker_count = in->seeker_count,
                                    .placements = in->placements,
                                    .free_places = in->free_places,
                                    .placement_count = in->placement_count,
                                    .min_score = in->min_score};
}

static void score_round(const struct instance *in, struct bpa_round *round)
{
    struct bpa_round_input input = input_of(in);
    ck_assert_int_eq(bpa_round_score(&input, round), 0);
}

static void run_mode(const struct bpa_round *round, enum mode mode, uint32_t *assigned)
{
    /* garbage first: every seeker's entry must be written */
    memset(assigned, 0x5a, round->seeker_count * sizeof *assigned);
    if (mode == STABLE) {
        ck_assert_int_eq(bpa_round_stable(round, assigned), 0);
    } else {
        struct bpa_round_solver_stats stats;
        int rc = bpa_round_optimal(round, assigned, &stats);
        ck_assert_msg(rc == 0, "optimal failed (solver failed: %d)", stats.solver_failed);
    }
}

/* Positions (id order) to input indices: got[i] is seeker i's placement. */
static void to_input(const struct bpa_round *round, const uint32_t *assigned, uint32_t *got)
{
    for (size_t s = 0; s < round->seeker_count; s++) {
        uint32_t p = assigned[s];
        ck_assert_msg(p == NONE || p < round->placement_count, "position %zu got %u", s, p);
        got[round->seeker_input[s]] = p == NONE ? NONE : round->placement_input[p];
    }
}

/* And back, for assignments made here. */
static void to_positions(const struct bpa_round *round, const uint32_t *got, uint32_t *assigned)
{
    uint32_t position[MAX_PLACEMENTS];
    for (uint32_t p = 0; p < round->placement_count; p++)
        position[round->placement_input[p]] = p;
    for (size_t s = 0; s < round->seeker_count; s++) {
        uint32_t j = got[round->seeker_input[s]];
        assigned[s] = j == NONE ? NONE : position[j];
    }
}

/* Scores `in`, runs `mode`, checks capacities and filters; got in input order. */
static void solve(const struct instance *in, enum mode mode, uint32_t *got)
{
    struct bpa_round round;
    uint32_t assigned[MAX_SEEKERS];
    score_round(in, &round);
    run_mode(&round, mode, assigned);
    to_input(&round, assigned, got);
    check_feasible(in, got);
    bpa_round_free(&round);
}

/* --- brute force: every feasible assignment of eligible pairs --- */

struct search {
    const struct instance *in;
    uint32_t current[MAX_SEEKERS];
    uint32_t load[MAX_PLACEMENTS];
    void (*leaf)(struct search *);
    long best;          /* optimal: the greatest total seen */
    const uint32_t *da; /* stable: the deferred acceptance result */
    size_t stable_count;
    bool found_da;
};

static void enumerate(struct search *search, size_t i)
{
    const struct instance *in = search->in;
    if (i == in->seeker_count) {
        search->leaf(search);
        return;
    }
    search->current[i] = NONE;
    enumerate(search, i + 1);
    for (uint32_t j = 0; j < in->placement_count; j++)
        if (in->eligible[i][j] && search->load[j] < in->free_places[j]) {
            search->load[j]++;
            search->current[i] = j;
            enumerate(search, i + 1);
            search->load[j]--;
        }
}

static void keep_best(struct search *search)
{
    size_t placed;
    long total = total_of(search->in, search->current, &placed);
    if (total > search->best)
        search->best = total;
}

/* A stable assignment: DA's must be at least as good for every seeker.
 * Plain ifs: ck_assert in this loop would cost a message per leaf. */
static void compare_stable(struct search *search)
{
    const struct instance *in = search->in;
    if (blocking_pairs(in, search->current))
        return;
    search->stable_count++;
    bool same = true;
    for (size_t i = 0; i < in->seeker_count; i++) {
        uint32_t mine = search->current[i], da = search->da[i];
        if (seeker_prefers(in, i, mine, da))
            ck_abort_msg("seeker %lld prefers placement %lld in another stable assignment",
                         (long long)in->seekers[i].id, (long long)in->placements[mine].id);
        same = same && mine == da;
    }
    search->found_da = search->found_da || same;
}

/* The greatest total for rounds too big to enumerate: placement by
 * placement, over the set of seekers placed so far (at most 2^10 sets). */
enum { MAX_DP_SEEKERS = 10 };

/* Places up to `left` more of `candidates` (a bit set) at placement j. */
static void take(const struct instance *in, size_t j, unsigned placed, unsigned candidates,
                 unsigned left, long total, long *next)
{
    if (next[placed] < total)
        next[placed] = total;
    if (left == 0)
        return;
    for (unsigned rest = candidates; rest; rest &= rest - 1) {
        unsigned i = (unsigned)__builtin_ctz(rest);
        take(in, j, placed | 1u << i, rest & (rest - 1), left - 1, total + in->score[i][j], next);
    }
}

static long best_total_by_sets(const struct instance *in)
{
    static long best[1 << MAX_DP_SEEKERS], next[1 << MAX_DP_SEEKERS];
    unsigned sets = 1u << in->seeker_count;
    ck_assert_uint_le(in->seeker_count, MAX_DP_SEEKERS);
    for (unsigned set = 0; set < sets; set++)
        best[set] = set ? -1 : 0; /* -1: not reached */
    for (size_t j = 0; j < in->placement_count; j++) {
        unsigned eligible = 0;
        for (size_t i = 0; i < in->seeker_count; i++)
            eligible |= (unsigned)in->eligible[i][j] << i;
        memcpy(next, best, sets * sizeof *best);
        for (unsigned set = 0; set < sets; set++)
            if (best[set] >= 0)
                take(in, j, set, eligible & ~set, in->free_places[j], best[set], next);
        memcpy(best, next, sets * sizeof *best);
    }
    long most = 0;
    for (unsigned set = 0; set < sets; set++)
        if (best[set] > most)
            most = best[set];
    return most;
}

/* Nearly everyone fits nearly everywhere, one place each: the last seekers
 * to be placed must go past their best eight pairs, all that the solver's
 * first pass is given, so the optimum needs its pricing step. */
static void crowd(struct instance *in)
{
    in->min_score = 0;
    for (size_t j = 0; j < in->placement_count; j++) {
        in->free_places[j] = 1;
        in->placements[j].open = true;
        in->placements[j].certificate_count = 0;
    }
    for (size_t i = 0; i < in->seeker_count; i++) {
        struct bpa_seeker *s = &in->seekers[i];
        random_place(&s->lat, &s->lon); /* close together: much the same wishes */
        s->lat = RAD(52.07) + (s->lat - RAD(52.07)) / 10;
        s->lon = RAD(4.33) + (s->lon - RAD(4.33)) / 10;
        s->max_travel_km = 30;
        s->max_hours_per_week = 40;
        s->available_from = 19995;
        s->available_until = BPA_NO_END_DAY;
        s->dutch_level = 6;
        s->availability = weekdays(7, 19);
        s->skills = in->skills[i];
        s->skill_count = SKILL_IDS;
        for (uint32_t k = 0; k < SKILL_IDS; k++)
            in->skills[i][k] = (struct bpa_seeker_skill){k + 1, (uint8_t)(2 + below(2))};
    }
    evaluate_pairs(in);
}

/* Random sizes, mostly small; every `big_every`-th instance at 8 x 6. */
static void generate_small(struct instance *in, int n, int big_every, unsigned max_seekers,
                           unsigned max_placements)
{
    bool big = n % big_every == 0;
    generate(in, big ? 8 : 1 + below(max_seekers), big ? 6 : 1 + below(max_placements));
}

/* --- tests --- */

/* The foundation: the scored round keeps exactly our eligible pairs, keys
 * made of our score and metres, best first, positions in id order. */
START_TEST(score_keeps_the_eligible_pairs_in_preference_order)
{
    static struct instance in;
    state = 11;
    for (int n = 0; n < 200; n++) {
        generate(&in, 1 + below(MAX_SEEKERS), 1 + below(MAX_PLACEMENTS));
        struct bpa_round round;
        score_round(&in, &round);
        ck_assert_uint_eq(round.seeker_count, in.seeker_count);
        ck_assert_uint_eq(round.placement_count, in.placement_count);
        for (size_t s = 1; s < round.seeker_count; s++)
            ck_assert_int_lt(in.seekers[round.seeker_input[s - 1]].id,
                             in.seekers[round.seeker_input[s]].id);
        for (size_t p = 0; p < round.placement_count; p++) {
            if (p > 0)
                ck_assert_int_lt(in.placements[round.placement_input[p - 1]].id,
                                 in.placements[round.placement_input[p]].id);
            ck_assert_uint_eq(round.free_places[p], in.free_places[round.placement_input[p]]);
        }
        size_t eligible = 0;
        ck_assert_uint_eq(round.first[0], 0);
        for (size_t s = 0; s < round.seeker_count; s++) {
            uint32_t i = round.seeker_input[s];
            size_t mine = 0;
            for (size_t j = 0; j < in.placement_count; j++)
                mine += in.eligible[i][j];
            ck_assert_uint_eq(round.first[s + 1] - round.first[s], mine);
            for (uint32_t p = 0; p < round.placement_count; p++) /* and no other pair */
                if (!in.eligible[i][round.placement_input[p]])
                    ck_assert_uint_eq(bpa_round_pair_key(&round, (uint32_t)s, p),
                                      BPA_ROUND_NO_PAIR);
            eligible += mine;
            for (size_t k = round.first[s]; k < round.first[s + 1]; k++) {
                uint64_t key = round.keys[k];
                uint32_t p = bpa_round_key_other(key);
                ck_assert_uint_lt(p, round.placement_count);
                uint32_t j = round.placement_input[p];
                ck_assert(in.eligible[i][j]);
                ck_assert_int_eq(bpa_round_key_score(key), in.score[i][j]);
                ck_assert_uint_eq(bpa_round_key_metres(key), in.metres[i][j]);
                ck_assert_uint_eq(bpa_round_pair_key(&round, (uint32_t)s, p), key);
                if (k > round.first[s]) /* best first, and by our own preference */
                    ck_assert(seeker_prefers(
                        &in, i, round.placement_input[bpa_round_key_other(round.keys[k - 1])], j));
            }
        }
        ck_assert_uint_eq(round.edge_count, eligible);
        ck_assert_uint_eq(round.first[round.seeker_count], eligible);
        bpa_round_free(&round);
    }
}
END_TEST

START_TEST(optimal_equals_brute_force)
{
    static struct instance in;
    state = 1;
    for (int n = 0; n < 150; n++) {
        generate_small(&in, n, 25, 6, 5);
        struct bpa_round round;
        uint32_t assigned[MAX_SEEKERS], got[MAX_SEEKERS];
        score_round(&in, &round);
        run_mode(&round, OPTIMAL, assigned);
        to_input(&round, assigned, got);
        check_feasible(&in, got);

        size_t placed, my_placed;
        long total = bpa_round_total_score(&round, assigned, &placed);
        ck_assert_int_eq(total, total_of(&in, got, &my_placed));
        ck_assert_uint_eq(placed, my_placed);

        struct search search = {.in = &in, .leaf = keep_best, .best = -1};
        enumerate(&search, 0);
        ck_assert_msg(total == search.best, "instance %d (%zu x %zu): optimal %ld, brute force %ld",
                      n, in.seeker_count, in.placement_count, total, search.best);
        bpa_round_free(&round);
    }
}
END_TEST

START_TEST(optimal_reaches_past_each_seekers_best_pairs)
{
    static struct instance in;
    size_t deep = 0; /* seekers placed past their eighth choice */
    state = 8;
    for (int n = 0; n < 40; n++) {
        generate(&in, MAX_DP_SEEKERS, 9 + below(4));
        crowd(&in);
        uint32_t got[MAX_SEEKERS];
        solve(&in, OPTIMAL, got);
        size_t placed;
        long total = total_of(&in, got, &placed), best = best_total_by_sets(&in);
        ck_assert_msg(total == best, "instance %d: optimal %ld, best %ld", n, total, best);
        for (size_t i = 0; i < in.seeker_count; i++) {
            unsigned better = 0;
            for (uint32_t j = 0; j < in.placement_count; j++)
                better += in.eligible[i][j] && seeker_prefers(&in, i, j, got[i]);
            deep += got[i] != NONE && better >= 8;
        }
    }
    ck_assert_uint_gt(deep, 0); /* the premise: the crowding did reach that far */
}
END_TEST

START_TEST(stable_has_no_blocking_pair_and_is_seeker_optimal)
{
    static struct instance in;
    state = 2;
    for (int n = 0; n < 150; n++) {
        generate_small(&in, n, 30, 6, 5);
        struct bpa_round round;
        uint32_t assigned[MAX_SEEKERS], got[MAX_SEEKERS];
        score_round(&in, &round);
        run_mode(&round, STABLE, assigned);
        to_input(&round, assigned, got);
        check_feasible(&in, got);
        ck_assert_msg(blocking_pairs(&in, got) == 0, "instance %d: %zu blocking pairs", n,
                      blocking_pairs(&in, got));
        ck_assert_uint_eq(bpa_round_blocking_pairs(&round, assigned), 0);

        struct search search = {.in = &in, .leaf = compare_stable, .da = got};
        enumerate(&search, 0);
        ck_assert_msg(search.found_da, "instance %d: DA's assignment is not among the stable", n);
        /* Both sides rank by the same pair's score and distance, ties by id,
         * so one order of all pairs agrees with every preference: no cycle,
         * and exactly one stable assignment. */
        ck_assert_uint_eq(search.stable_count, 1);
        bpa_round_free(&round);
    }
}
END_TEST

/* A random feasible assignment: seekers take a random eligible placement
 * with a place left, or stay out. */
static void random_assignment(const struct instance *in, uint32_t *got)
{
    uint32_t load[MAX_PLACEMENTS] = {0};
    for (size_t i = 0; i < in->seeker_count; i++) {
        got[i] = NONE;
        uint32_t j = below((unsigned)in->placement_count + 1);
        if (j < in->placement_count && in->eligible[i][j] && load[j] < in->free_places[j]) {
            load[j]++;
            got[i] = j;
        }
    }
}

/* Larger instances, places 0..3: both modes feasible, optimal at least as
 * good as stable, and bpa_round_blocking_pairs agreeing with our count on
 * assignments that need not be stable. */
START_TEST(both_modes_respect_places_and_filters)
{
    static struct instance in;
    state = 3;
    for (int n = 0; n < 200; n++) {
        generate(&in, 1 + below(MAX_SEEKERS), 1 + below(MAX_PLACEMENTS));
        for (size_t j = 0; j < in.placement_count; j++)
            if (below(8) == 0)
                in.free_places[j] = 0;
        uint32_t stable[MAX_SEEKERS], optimal[MAX_SEEKERS], other[MAX_SEEKERS];
        solve(&in, STABLE, stable);
        solve(&in, OPTIMAL, optimal);
        ck_assert_uint_eq(blocking_pairs(&in, stable), 0);
        size_t placed;
        ck_assert_int_ge(total_of(&in, optimal, &placed), total_of(&in, stable, &placed));

        struct bpa_round round;
        uint32_t assigned[MAX_SEEKERS];
        score_round(&in, &round);
        to_positions(&round, optimal, assigned);
        ck_assert_uint_eq(bpa_round_blocking_pairs(&round, assigned), blocking_pairs(&in, optimal));
        random_assignment(&in, other);
        to_positions(&round, other, assigned);
        ck_assert_uint_eq(bpa_round_blocking_pairs(&round, assigned), blocking_pairs(&in, other));
        bpa_round_free(&round);
    }
}
END_TEST

/* Per seeker in input order, the id of the placement it got, or -1. */
static void placement_ids(const struct bpa_round_input *input, enum mode mode, int64_t *ids)
{
    struct bpa_round round;
    uint32_t assigned[MAX_SEEKERS], got[MAX_SEEKERS];
    ck_assert_int_eq(bpa_round_score(input, &round), 0);
    run_mode(&round, mode, assigned);
    to_input(&round, assigned, got);
    for (size_t i = 0; i < input->seeker_count; i++)
        ids[i] = got[i] == NONE ? -1 : input->placements[got[i]].id;
    bpa_round_free(&round);
}

/* A permutation of 0..n-1 (Fisher-Yates). */
static void permutation(size_t *order, size_t n)
{
    for (size_t k = 0; k < n; k++)
        order[k] = k;
    for (size_t k = n; k > 1; k--) {
        size_t other = below((unsigned)k), v = order[k - 1];
        order[k - 1] = order[other];
        order[other] = v;
    }
}

START_TEST(the_same_input_in_any_order_gives_the_same_assignment)
{
    static struct instance in;
    static struct bpa_seeker seekers[MAX_SEEKERS];
    static struct bpa_placement placements[MAX_PLACEMENTS];
    uint32_t free_places[MAX_PLACEMENTS];
    size_t seeker_order[MAX_SEEKERS], placement_order[MAX_PLACEMENTS];
    state = 4;
    for (int n = 0; n < 100; n++) {
        generate(&in, 1 + below(16), 1 + below(8));
        struct bpa_round_input input = input_of(&in), shuffled = input;
        permutation(seeker_order, in.seeker_count);
        permutation(placement_order, in.placement_count);
        for (size_t k = 0; k < in.seeker_count; k++)
            seekers[k] = in.seekers[seeker_order[k]];
        for (size_t k = 0; k < in.placement_count; k++) {
            placements[k] = in.placements[placement_order[k]];
            free_places[k] = in.free_places[placement_order[k]];
        }
        shuffled.seekers = seekers;
        shuffled.placements = placements;
        shuffled.free_places = free_places;
        for (enum mode mode = STABLE; mode <= OPTIMAL; mode++) {
            int64_t first[MAX_SEEKERS], again[MAX_SEEKERS], moved[MAX_SEEKERS];
            placement_ids(&input, mode, first);
            placement_ids(&input, mode, again);
            placement_ids(&shuffled, mode, moved);
            for (size_t k = 0; k < in.seeker_count; k++) {
                ck_assert_int_eq(again[k], first[k]);
                ck_assert_msg(moved[k] == first[seeker_order[k]],
                              "instance %d mode %d: seeker %lld got %lld shuffled, %lld not", n,
                              mode, (long long)seekers[k].id, (long long)moved[k],
                              (long long)first[seeker_order[k]]);
            }
        }
    }
}
END_TEST

/* Scores and runs both modes on `input`, expecting nobody placed. */
static void expect_nothing_assigned(const struct bpa_round_input *input)
{
    for (enum mode mode = STABLE; mode <= OPTIMAL; mode++) {
        struct bpa_round round;
        uint32_t assigned[MAX_SEEKERS];
        ck_assert_int_eq(bpa_round_score(input, &round), 0);
        run_mode(&round, mode, assigned);
        for (size_t s = 0; s < round.seeker_count; s++)
            ck_assert_uint_eq(assigned[s], NONE);
        size_t placed = 99;
        ck_assert_int_eq(bpa_round_total_score(&round, assigned, &placed), 0);
        ck_assert_uint_eq(placed, 0);
        bpa_round_free(&round);
    }
}

START_TEST(edge_cases_assign_nothing)
{
    static struct instance in;
    state = 5;
    generate(&in, 8, 6);
    in.min_score = 0;
    evaluate_pairs(&in);
    size_t eligible = 0; /* the premise: without the edge, someone would be placed */
    for (size_t i = 0; i < in.seeker_count; i++)
        for (size_t j = 0; j < in.placement_count; j++)
            eligible += in.eligible[i][j];
    ck_assert_uint_gt(eligible, 0);
    struct bpa_round_input input = input_of(&in);

    input.seekers = NULL; /* no seekers */
    input.seeker_count = 0;
    expect_nothing_assigned(&input);

    input = input_of(&in); /* no placements */
    input.placements = NULL;
    input.free_places = NULL;
    input.placement_count = 0;
    expect_nothing_assigned(&input);

    input = input_of(&in); /* all free places 0 */
    uint32_t none[MAX_PLACEMENTS] = {0};
    input.free_places = none;
    expect_nothing_assigned(&input);

    for (size_t j = 0; j < in.placement_count; j++) /* no eligible pairs */
        in.placements[j].open = false;
    input = input_of(&in);
    struct bpa_round round;
    ck_assert_int_eq(bpa_round_score(&input, &round), 0);
    ck_assert_uint_eq(round.edge_count, 0);
    bpa_round_free(&round);
    expect_nothing_assigned(&input);

    input = input_of(&in); /* nobody reaches an impossible min_score */
    for (size_t j = 0; j < in.placement_count; j++)
        in.placements[j].open = true;
    input.min_score = 100;
    for (size_t i = 0; i < in.seeker_count; i++) /* so that no pair scores 100 */
        in.seekers[i].goal_count = 0;
    expect_nothing_assigned(&input);
}
END_TEST

/* Two seekers A and B, placements P and Q of one place each: P at A's door
 * and nearer B than Q is, Q nearer A than B. So both seekers rank P first
 * and both placements rank A first. */
static void two_seekers_two_placements(struct instance *in)
{
    generate(in, 2, 2);
    in->min_score = 0;
    for (size_t k = 0; k < 2; k++) {
        in->placements[k] = (struct bpa_placement){.id = 10 + (int64_t)k,
                                                   .hours_per_week = 20,
                                                   .start = 20000,
                                                   .end = 20060,
                                                   .open = true,
                                                   .schedule = weekdays(9, 13)};
        in->seekers[k] = (struct bpa_seeker){.id = 1 + (int64_t)k,
                                             .max_travel_km = 10,
                                             .max_hours_per_week = 40,
                                             .available_from = 20000,
                                             .available_until = BPA_NO_END_DAY,
                                             .availability = weekdays(8, 17)};
        in->free_places[k] = 1;
    }
    in->placements[0].lat = in->seekers[0].lat = RAD(52.07);
    in->placements[0].lon = in->seekers[0].lon = RAD(4.33);
    in->seekers[1].lat = RAD(52.09);
    in->seekers[1].lon = RAD(4.33);
    in->placements[1].lat = RAD(52.075);
    in->placements[1].lon = RAD(4.36);
    evaluate_pairs(in);
}

START_TEST(blocking_pairs_are_counted_on_hand_made_assignments)
{
    static struct instance in;
    state = 6;
    two_seekers_two_placements(&in);
    /* the premises: all four pairs eligible, P first for both, A first for both */
    for (size_t i = 0; i < 2; i++)
        for (uint32_t j = 0; j < 2; j++)
            ck_assert(in.eligible[i][j]);
    ck_assert(seeker_prefers(&in, 0, 0, 1));
    ck_assert(seeker_prefers(&in, 1, 0, 1));
    ck_assert(placement_prefers(&in, 0, 0, 1));
    ck_assert(placement_prefers(&in, 1, 0, 1));

    struct bpa_round round;
    uint32_t assigned[2];
    score_round(&in, &round);
    static const struct {
        uint32_t got[2];
        size_t blocking;
    } cases[] = {
        {{0, 1}, 0},       /* A at P, B at Q: stable */
        {{1, 0}, 1},       /* B at P, A at Q: A and P block */
        {{NONE, 1}, 3},    /* A out: A with P (free) and Q (prefers A), B with P */
        {{NONE, NONE}, 4}, /* nothing taken: every pair blocks */
        {{1, NONE}, 2},    /* B out: both with P (free); Q keeps A over B */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ck_assert_uint_eq(blocking_pairs(&in, cases[c].got), cases[c].blocking);
        to_positions(&round, cases[c].got, assigned);
        ck_assert_msg(bpa_round_blocking_pairs(&round, assigned) == cases[c].blocking,
                      "case %zu: %zu blocking pairs, expected %zu", c,
                      bpa_round_blocking_pairs(&round, assigned), cases[c].blocking);
    }
    bpa_round_free(&round);

    uint32_t got[2];
    solve(&in, STABLE, got);
    ck_assert_uint_eq(got[0], 0);
    ck_assert_uint_eq(got[1], 1);
}
END_TEST

/* A perfect pair, score 100 at distance 0 with the lowest placement id, has
 * the key 0: it must still count as eligible. */
START_TEST(a_perfect_pair_at_distance_zero_is_eligible)
{
    static struct instance in;
    static const uint32_t goal = 3;
    state = 7;
    two_seekers_two_placements(&in);
    in.seeker_count = 1;
    in.placements[0].taught = &goal; /* learning 1 */
    in.placements[0].taught_count = 1;
    in.seekers[0].goals = &goal;
    in.seekers[0].goal_count = 1;
    in.seekers[0].availability = in.placements[0].schedule; /* schedule 1 */
    evaluate_pairs(&in);
    ck_assert_int_eq(in.score[0][0], 100);
    ck_assert_uint_eq(in.metres[0][0], 0);
    ck_assert(in.eligible[0][0] && in.eligible[0][1]);

    struct bpa_round round;
    uint32_t assigned[2], got[2];
    score_round(&in, &round);
    ck_assert_uint_eq(round.edge_count, 2);
    for (enum mode mode = STABLE; mode <= OPTIMAL; mode++) {
        run_mode(&round, mode, assigned);
        to_input(&round, assigned, got);
        ck_assert_uint_eq(got[0], 0);
        ck_assert_uint_eq(bpa_round_blocking_pairs(&round, assigned), 0);
    }
    got[0] = 1; /* at Q, the seeker and P block */
    to_positions(&round, got, assigned);
    ck_assert_uint_eq(blocking_pairs(&in, got), 1);
    ck_assert_uint_eq(bpa_round_blocking_pairs(&round, assigned), 1);
    bpa_round_free(&round);
}
END_TEST

Suite *round_suite(void)
{
    Suite *s = suite_create("round");
    TCase *tc = tcase_create("round");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, score_keeps_the_eligible_pairs_in_preference_order);
    tcase_add_test(tc, optimal_equals_brute_force);
    tcase_add_test(tc, optimal_reaches_past_each_seekers_best_pairs);
    tcase_add_test(tc, stable_has_no_blocking_pair_and_is_seeker_optimal);
    tcase_add_test(tc, both_modes_respect_places_and_filters);
    tcase_add_test(tc, the_same_input_in_any_order_gives_the_same_assignment);
    tcase_add_test(tc, edge_cases_assign_nothing);
    tcase_add_test(tc, blocking_pairs_are_counted_on_hand_made_assignments);
    tcase_add_test(tc, a_perfect_pair_at_distance_zero_is_eligible);
    suite_add_tcase(s, tc);
    return s;
}
