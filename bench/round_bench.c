/* Cohort rounds (matcher/round.h) on a world in one region: the scoring of
 * every pair, then bpa_round_stable and bpa_round_optimal, timed apart and
 * as a whole, with what each places; the peak memory from a separate run of
 * this program (--round-peak); and GLPK's min-cost flow solvers on the
 * network of one round, for the choice of solver. */
#include "round_bench.h"

#include "flow.h"
#include "round.h"
#include "timing.h"
#include "world.h"

#include <glpk.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Postcodes within 15 km of the Binckhorst, The Hague: 177 of them, The
 * Hague, Delft, Rijswijk, Zoetermeer, Westland, Wassenaar, Leiden and
 * Katwijk, the north edge of Schiedam and Rotterdam. A vocabulary of 200 skills
 * (skewed as in world.c) instead of ESCO's 13,896, so that seekers often
 * hold a placement's essential skills. */
#define REGION_LAT        52.07
#define REGION_LON        4.34
#define REGION_KM         15.0
#define REGION_VOCABULARY 200
#define REGION_SEED       20261130

/* The generator's room per item (world.h). */
#define SEEKER_SKILLS    10
#define PLACEMENT_SKILLS 8

/* --- what this GLPK can do --- */

/* Runs fn() in a child process, its output sent to /dev/null: whether it
 * returned. GLPK 5.0 replaced RELAX-IV (misc/relax4.c) by a stub that
 * prints "temporarily disabled due to licensing problems" and aborts the
 * whole process, so anything that calls it is tried this way first. */
static bool survives(int (*fn)(void))
{
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child < 0)
        return false;
    if (child == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(2);
        _exit(fn() == 0 ? 0 : 3);
    }
    int status;
    return waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* One unit over one arc. */
static int try_relax4(void)
{
    struct {
        double rhs;
    } * vertex;
    struct {
        double cap, cost, x;
    } * arc;
    glp_graph *g = glp_create_graph(sizeof *vertex, sizeof *arc);
    glp_add_vertices(g, 2);
    vertex = g->v[1]->data;
    vertex->rhs = 1;
    vertex = g->v[2]->data;
    vertex->rhs = -1;
    arc = glp_add_arc(g, 1, 2)->data;
    arc->cap = 1;
    arc->cost = 1;
    int rc = glp_mincost_relax4(g, 0, -1, 0, sizeof(double), 0, NULL, 2 * sizeof(double), -1);
    glp_delete_graph(g);
    return rc;
}

/* Two seekers wanting one place, scored by hand. */
static int try_optimal(void)
{
    uint32_t seeker_input[] = {0, 1}, placement_input[] = {0}, free_places[] = {1};
    size_t first[] = {0, 1, 2};
    uint64_t keys[] = {(uint64_t)20 << 56 | (uint64_t)1000 << 32,
                       (uint64_t)30 << 56 | (uint64_t)1000 << 32};
    struct bpa_round round = {.seeker_count = 2,
                              .placement_count = 1,
                              .seeker_input = seeker_input,
                              .placement_input = placement_input,
                              .free_places = free_places,
                              .first = first,
                              .keys = keys,
                              .edge_count = 2};
    uint32_t assigned[2];
    struct bpa_round_solver_stats stats;
    return bpa_round_optimal(&round, assigned, &stats) == 0 && assigned[0] == 0 ? 0 : -1;
}

static bool have_relax4, have_optimal;

/* Filter bit 0 (placement_not_open) never fails here: every placement of a
 * round is open. */
#define FIRST_FILTER 1

/* --- the world: one round's input --- */

struct cohort {
    struct bpa_seeker *seekers;
    struct bpa_seeker_skill *skills;
    uint32_t *goals;
    struct bpa_placement *placements;
    struct bpa_required_skill *required;
    uint32_t *taught;
    uint32_t *free_places;
    size_t seeker_count, placement_count, places;
};

static void cohort_free(struct cohort *c)
{
    free(c->seekers);
    free(c->skills);
    free(c->goals);
    free(c->placements);
    free(c->required);
    free(c->taught);
    free(c->free_places);
    memset(c, 0, sizeof *c);
}

/* 1-5 free places, fixed by the placement's position. */
static uint32_t capacity(size_t i)
{
    uint64_t x = (i + 1) * UINT64_C(0x9E3779B97F4A7C15);
    x ^= x >> 31;
    return 1 + (uint32_t)(x % 5);
}

static int cohort_make(const char *geonames, size_t seekers, size_t placements, struct cohort *c)
{
    struct bench_world world;
    memset(c, 0, sizeof *c);
    if (bench_world_init(&world, geonames, REGION_VOCABULARY, REGION_SEED) != 0)
        return -1;
    if (bench_world_restrict(&world, REGION_LAT, REGION_LON, REGION_KM) == 0) {
        bench_world_free(&world);
        return -1;
    }
    c->seekers = calloc(seekers, sizeof *c->seekers);
    c->skills = calloc(seekers * SEEKER_SKILLS, sizeof *c->skills);
    c->goals = calloc(seekers * SEEKER_SKILLS, sizeof *c->goals);
    c->placements = calloc(placements, sizeof *c->placements);
    c->required = calloc(placements * PLACEMENT_SKILLS, sizeof *c->required);
    c->taught = calloc(placements * PLACEMENT_SKILLS, sizeof *c->taught);
    c->free_places = calloc(placements, sizeof *c->free_places);
    if (!c->seekers || !c->skills || !c->goals || !c->placements || !c->required || !c->taught ||
        !c->free_places) {
        bench_world_free(&world);
        cohort_free(c);
        return -1;
    }
    int pc4;
    for (size_t i = 0; i < placements; i++) {
        bench_placement(&world, (int64_t)i + 1, &c->placements[i],
                        c->required + i * PLACEMENT_SKILLS, c->taught + i * PLACEMENT_SKILLS, &pc4);
        c->placements[i].open = true; /* a round takes open placements only */
        c->free_places[i] = capacity(i);
        c->places += c->free_places[i];
    }
    for (size_t i = 0; i < seekers; i++)
        bench_seeker(&world, (int64_t)i + 1, &c->seekers[i], c->skills + i * SEEKER_SKILLS,
                     c->goals + i * SEEKER_SKILLS, &pc4);
    c->seeker_count = seekers;
    c->placement_count = placements;
    bench_world_free(&world);
    return 0;
}

static struct bpa_round_input cohort_input(const struct cohort *c,
                                           const struct bpa_match_rules *rules)
{
    return (struct bpa_round_input){
        .rules = rules,
        .seekers = c->seekers,
        .seeker_count = c->seeker_count,
        .placements = c->placements,
        .free_places = c->free_places,
        .placement_count = c->placement_count,
    };
}

/* Of a sample of the pairs (up to 1,000 seekers, each with every
 * placement): the share each hard filter rejects (a pair may fail several),
 * and the share eligible. */
static void print_filters(const struct cohort *c)
{
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    size_t seekers = c->seeker_count < 1000 ? c->seeker_count : 1000, failing[BPA_FILTER_COUNT];
    size_t eligible = 0, pairs = seekers * c->placement_count;
    memset(failing, 0, sizeof failing);
    for (size_t s = 0; s < seekers; s++)
        for (size_t p = 0; p < c->placement_count; p++) {
            struct bpa_match_result r;
            bpa_match_evaluate(&rules, &c->seekers[s], &c->placements[p], &r);
            eligible += r.failed == 0;
            for (unsigned f = 0; f < BPA_FILTER_COUNT; f++)
                failing[f] += (r.failed >> f) & 1;
        }
    printf("| %zu x %zu | %zu |", c->seeker_count, c->placement_count, pairs);
    for (unsigned f = FIRST_FILTER; f < BPA_FILTER_COUNT; f++)
        printf(" %.1f %% |", 100.0 * (double)failing[f] / (double)pairs);
    printf(" %.1f %% |\n", 100.0 * (double)eligible / (double)pairs);
}

static void print_filter_heading(void)
{
    printf("\n| round | pairs sampled |");
    for (unsigned f = FIRST_FILTER; f < BPA_FILTER_COUNT; f++)
        printf(" %s |", bpa_match_filter_code(f));
    printf(" eligible |\n|---|---:|");
    for (unsigned f = FIRST_FILTER; f < BPA_FILTER_COUNT; f++)
        printf("---:|");
    printf("---:|\n");
}

/* The bytes a scored round holds: its keys and its per-item arrays. */
static size_t round_bytes(const struct bpa_round *r)
{
    return r->edge_count * sizeof *r->keys + (r->seeker_count + 1) * sizeof *r->first +
           r->seeker_count * sizeof *r->seeker_input +
           r->placement_count * (sizeof *r->placement_input + sizeof *r->free_places);
}

/* --- timing a round --- */

/* A mode that was not measured says why; NULL when it was. */
#define ABORTS           "aborts: RELAX-IV is a stub in this GLPK"
#define OPTIMAL_ABORTS   "aborts the process"
#define OPTIMAL_TOO_LONG 10000 /* ms at one size: the next is not tried */

struct round_figures {
    double score_ms, stable_ms, optimal_ms, whole_ms; /* medians */
    size_t runs, optimal_runs, edges, bytes;
    const char *no_optimal; /* why optimal was not run, or NULL */
    struct bpa_round_solver_stats stats;
    long stable_total, optimal_total;
    size_t stable_placed, optimal_placed, stable_blocking, optimal_blocking;
    size_t only_optimal, only_stable; /* seekers placed by one mode and not the other */
};

/* One whole round, each step timed: 0, or -1 (`round` then holds nothing). */
static int run_round(const struct bpa_round_input *input, bool with_optimal,
                     struct bpa_round *round, uint32_t *stable, uint32_t *optimal,
                     struct bpa_round_solver_stats *stats, double ms[4])
{
    double t0 = bench_now_ms();
    if (bpa_round_score(input, round) != 0)
        return -1;
    double t1 = bench_now_ms();
    int rc = bpa_round_stable(round, stable);
    double t2 = bench_now_ms();
    if (with_optimal)
        rc |= bpa_round_optimal(round, optimal, stats);
    double t3 = bench_now_ms();
    ms[0] = t1 - t0;
    ms[1] = t2 - t1;
    ms[2] = t3 - t2;
    ms[3] = t3 - t0;
    if (rc != 0)
        bpa_round_free(round);
    return rc;
}

static void compare_modes(const struct bpa_round *round, const uint32_t *stable,
                          const uint32_t *optimal, struct round_figures *f)
{
    f->edges = round->edge_count;
    f->bytes = round_bytes(round);
    f->stable_total = bpa_round_total_score(round, stable, &f->stable_placed);
    f->stable_blocking = bpa_round_blocking_pairs(round, stable);
    if (f->no_optimal)
        return;
    f->optimal_total = bpa_round_total_score(round, optimal, &f->optimal_placed);
    f->optimal_blocking = bpa_round_blocking_pairs(round, optimal);
    for (size_t s = 0; s < round->seeker_count; s++) {
        f->only_optimal += optimal[s] != BPA_ROUND_NONE && stable[s] == BPA_ROUND_NONE;
        f->only_stable += stable[s] != BPA_ROUND_NONE && optimal[s] == BPA_ROUND_NONE;
    }
}

/* `runs` rounds, each scored and assigned stable; optimal too until it
 * once takes more than 20 s. The medians of each step, and of the whole
 * round (timed end to end) over the runs with optimal. `f->no_optimal` is
 * set by the caller. */
static int time_rounds(const struct cohort *c, size_t runs, struct round_figures *f)
{
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    struct bpa_round_input input = cohort_input(c, &rules);
    uint32_t *stable = malloc(c->seeker_count * sizeof *stable);
    uint32_t *optimal = malloc(c->seeker_count * sizeof *optimal);
    double ms[4][9];
    int rc = stable && optimal && runs <= 9 ? 0 : -1;
    f->runs = f->optimal_runs = 0;
    while (rc == 0 && f->runs < runs) {
        bool with_optimal =
            !f->no_optimal && (f->optimal_runs == 0 || ms[2][f->optimal_runs - 1] <= 20000);
        struct bpa_round round;
        double step[4];
        rc = run_round(&input, with_optimal, &round, stable, optimal, &f->stats, step);
        if (rc != 0)
            break;
        ms[0][f->runs] = step[0];
        ms[1][f->runs] = step[1];
        if (with_optimal) {
            ms[2][f->optimal_runs] = step[2];
            ms[3][f->optimal_runs++] = step[3];
        }
        if (++f->runs == runs)
            compare_modes(&round, stable, optimal, f);
        bpa_round_free(&round);
    }
    if (rc == 0) {
        f->score_ms = bench_median(ms[0], f->runs, NULL);
        f->stable_ms = bench_median(ms[1], f->runs, NULL);
        if (f->optimal_runs) {
            f->optimal_ms = bench_median(ms[2], f->optimal_runs, NULL);
            f->whole_ms = bench_median(ms[3], f->optimal_runs, NULL);
        }
    }
    free(stable);
    free(optimal);
    return rc;
}

/* --- peak memory, from a separate run --- */

/* VmRSS or VmHWM of this process, in kB; -1 when unknown. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, field, len) && line[len] == ':')
            kb = atol(line + len + 1);
    fclose(f);
    return kb;
}

/* Starts a new high-water mark at the current RSS (Linux's clear_refs). */
static bool reset_peak(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return false;
    bool ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* How far above the RSS at its start the process's RSS went during a step
 * (kB), or -1 when the kernel cannot tell. */
static long step_start(void)
{
    return reset_peak() ? status_kb("VmRSS") : -1;
}
static long step_peak(long start)
{
    return start < 0 ? -1 : status_kb("VmHWM") - start;
}

/* One line: eligible pairs, the input's RSS, each step's peak above its
 * start (score, stable, optimal), and ru_maxrss, all in kB. */
int bench_rounds_peak(const char *geonames, size_t seekers, size_t placements, bool with_optimal)
{
    struct cohort c;
    if (cohort_make(geonames, seekers, placements, &c) != 0)
        return -1;
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    struct bpa_round_input input = cohort_input(&c, &rules);
    uint32_t *stable = calloc(seekers, sizeof *stable);
    uint32_t *optimal = calloc(seekers, sizeof *optimal);
    struct bpa_round round;
    struct bpa_round_solver_stats stats;
    long input_kb = status_kb("VmRSS"), start = step_start();
    if (!stable || !optimal || bpa_round_score(&input, &round) != 0)
        return -1;
    long score_kb = step_peak(start);
    start = step_start();
    int rc = bpa_round_stable(&round, stable);
    long stable_kb = step_peak(start), optimal_kb = -1;
    if (with_optimal) {
        start = step_start();
        rc |= bpa_round_optimal(&round, optimal, &stats);
        optimal_kb = step_peak(start);
    }
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("%zu %ld %ld %ld %ld %ld\n", round.edge_count, input_kb, score_kb, stable_kb, optimal_kb,
           usage.ru_maxrss);
    bpa_round_free(&round);
    free(stable);
    free(optimal);
    cohort_free(&c);
    return rc;
}

struct peak_figures {
    long input_kb, score_kb, stable_kb, optimal_kb, maxrss_kb;
};

static int measure_peak(size_t seekers, size_t placements, bool with_optimal,
                        struct peak_figures *f)
{
    char self[PATH_MAX], command[PATH_MAX + 64];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0 || memchr(self, '\'', (size_t)len))
        return -1;
    self[len] = '\0';
    snprintf(command, sizeof command, "'%s' --round-peak %zu %zu %d", self, seekers, placements,
             with_optimal);
    FILE *child = popen(command, "r");
    if (!child)
        return -1;
    size_t edges;
    int got = fscanf(child, "%zu %ld %ld %ld %ld %ld", &edges, &f->input_kb, &f->score_kb,
                     &f->stable_kb, &f->optimal_kb, &f->maxrss_kb);
    return pclose(child) == 0 && got == 6 ? 0 : -1;
}

/* --- GLPK's solvers on the full network --- */

struct flow_vertex {
    double rhs;
};
struct flow_arc {
    double cap, cost, x;
    int score; /* -1: an arc to the sink */
};

/* Seekers 1..n supply one unit each, placements n+1..n+m, the sink last:
 * seeker -> placement (cap 1, cost -score) for every eligible pair,
 * seeker -> sink (cap 1, cost 0: unassigned), placement -> sink (cap free
 * places); with `per_seeker`, only each seeker's best so many pairs.
 * `scale` > 1 weighs the costs as round.c does: score * scale + 1,
 * the one favouring more seekers placed among equal totals. */
static glp_graph *full_network(const struct bpa_round *round, size_t per_seeker, double scale)
{
    int n = (int)round->seeker_count, m = (int)round->placement_count, sink = n + m + 1;
    glp_graph *g = glp_create_graph(sizeof(struct flow_vertex), sizeof(struct flow_arc));
    glp_add_vertices(g, sink);
    for (int v = 1; v <= sink; v++)
        ((struct flow_vertex *)g->v[v]->data)->rhs = v <= n ? 1 : v == sink ? -n : 0;
    for (int s = 0; s < n; s++) {
        size_t end = round->first[s + 1];
        if (per_seeker && round->first[s] + per_seeker < end)
            end = round->first[s] + per_seeker;
        for (size_t e = round->first[s]; e < end; e++) {
            int score = bpa_round_key_score(round->keys[e]);
            glp_arc *a = glp_add_arc(g, s + 1, n + 1 + (int)bpa_round_key_other(round->keys[e]));
            *(struct flow_arc *)a->data =
                (struct flow_arc){.cap = 1, .cost = -(score * scale + (scale > 1)), .score = score};
        }
        glp_arc *a = glp_add_arc(g, s + 1, sink);
        *(struct flow_arc *)a->data = (struct flow_arc){.cap = 1, .score = -1};
    }
    for (int p = 0; p < m; p++) {
        glp_arc *a = glp_add_arc(g, n + 1 + p, sink);
        *(struct flow_arc *)a->data = (struct flow_arc){.cap = round->free_places[p], .score = -1};
    }
    return g;
}

/* The solvers compared; OKALG_WEIGHED is the out-of-kilter algorithm on
 * the costs round.c gives it (score * (seekers + 1) + 1), LEMON is
 * bpa_flow_solve (LEMON's network simplex) on the same network and costs,
 * ROUND_OPTIMAL is bpa_round_optimal itself (LEMON on pairs grown by
 * pricing). */
enum solver { RELAX4, OKALG, PRIMAL_SIMPLEX, DUAL_SIMPLEX, OKALG_WEIGHED, LEMON, ROUND_OPTIMAL };
#define ALL_SOLVERS ((1u << (ROUND_OPTIMAL + 1)) - 1)

static const char *const solver_names[] = {
    "`glp_mincost_relax4` (RELAX-IV)",
    "`glp_mincost_okalg` (out-of-kilter)",
    "`glp_mincost_lp` + `glp_simplex`, primal",
    "`glp_mincost_lp` + `glp_simplex`, dual",
    "`glp_mincost_okalg`, costs weighed as round.c's",
    "`bpa_flow_solve` (LEMON's network simplex), costs weighed as round.c's",
    "`bpa_round_optimal` (round.c: pairs grown by pricing)",
};

/* The total score and seekers placed of the flow in the arcs' x, in the
 * order of the arcs (which is glp_mincost_lp's order of columns). */
static long flow_total(glp_graph *g, glp_prob *lp, size_t *placed)
{
    long total = 0;
    int column = 0;
    *placed = 0;
    for (int v = 1; v <= g->nv; v++)
        for (glp_arc *a = g->v[v]->out; a; a = a->t_next) {
            struct flow_arc *data = a->data;
            double x = lp ? glp_get_col_prim(lp, ++column) : data->x;
            if (data->score >= 0 && x > 0.5) {
                total += data->score;
                ++*placed;
            }
        }
    return total;
}

static int solve_lp(glp_graph *g, bool primal, long *total, size_t *placed)
{
    glp_prob *lp = glp_create_prob();
    glp_mincost_lp(lp, g, GLP_OFF, offsetof(struct flow_vertex, rhs), -1,
                   offsetof(struct flow_arc, cap), offsetof(struct flow_arc, cost));
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.meth = primal ? GLP_PRIMAL : GLP_DUALP;
    int rc = glp_simplex(lp, &parm);
    if (rc == 0 && glp_get_status(lp) != GLP_OPT)
        rc = -1;
    *total = flow_total(g, lp, placed);
    glp_delete_prob(lp);
    return rc;
}

/* The network of full_network() (every pair, or each seeker's best
 * `per_seeker`) for bpa_flow_solve, with round.c's costs, solved. */
static int solve_lemon(const struct bpa_round *round, size_t per_seeker, long *total,
                       size_t *placed)
{
    uint32_t n = (uint32_t)round->seeker_count, m = (uint32_t)round->placement_count;
    size_t nodes = (size_t)n + m + 1, most = round->edge_count + n + m, count = 0;
    struct bpa_flow_arc *arcs = malloc(most * sizeof *arcs);
    int64_t *supply = calloc(nodes, sizeof *supply), *flow = malloc(most * sizeof *flow),
            *potential = malloc(nodes * sizeof *potential);
    int rc = -1;
    if (arcs && supply && flow && potential) {
        for (uint32_t s = 0; s < n; s++) {
            size_t end = round->first[s + 1];
            if (per_seeker && round->first[s] + per_seeker < end)
                end = round->first[s] + per_seeker;
            for (size_t e = round->first[s]; e < end; e++)
                arcs[count++] = (struct bpa_flow_arc){
                    s, n + bpa_round_key_other(round->keys[e]),
                    -(bpa_round_key_score(round->keys[e]) * ((int64_t)n + 1) + 1), 1};
            arcs[count++] = (struct bpa_flow_arc){s, n + m, 0, 1};
            supply[s] = 1;
        }
        for (uint32_t p = 0; p < m; p++)
            arcs[count++] = (struct bpa_flow_arc){n + p, n + m, 0, round->free_places[p]};
        supply[n + m] = -(int64_t)n;
        rc = bpa_flow_solve(nodes, supply, arcs, count, flow, potential);
        *total = 0;
        *placed = 0;
        for (size_t a = 0; rc == 0 && a < count; a++)
            if (arcs[a].head < n + m && flow[a] > 0) {
                *total += -arcs[a].cost / ((int64_t)n + 1);
                ++*placed;
            }
    }
    free(arcs);
    free(supply);
    free(flow);
    free(potential);
    return rc;
}

/* Solves once on the network `g` (LEMON: the same network built for it;
 * ROUND_OPTIMAL: on the round itself): 0, or GLPK's code. */
static int solve(glp_graph *g, const struct bpa_round *round, size_t per_seeker, enum solver solver,
                 long *total, size_t *placed)
{
    int v_rhs = offsetof(struct flow_vertex, rhs), a_cap = offsetof(struct flow_arc, cap),
        a_cost = offsetof(struct flow_arc, cost), a_x = offsetof(struct flow_arc, x);
    int rc;
    if (solver == PRIMAL_SIMPLEX || solver == DUAL_SIMPLEX)
        return solve_lp(g, solver == PRIMAL_SIMPLEX, total, placed);
    if (solver == LEMON)
        return solve_lemon(round, per_seeker, total, placed);
    if (solver == ROUND_OPTIMAL) {
        uint32_t *assigned = malloc(round->seeker_count * sizeof *assigned);
        struct bpa_round_solver_stats stats;
        rc = assigned ? bpa_round_optimal(round, assigned, &stats) : -1;
        *total = rc == 0 ? bpa_round_total_score(round, assigned, placed) : 0;
        free(assigned);
        return rc;
    }
    rc = solver == RELAX4 ? glp_mincost_relax4(g, v_rhs, -1, a_cap, a_cost, 0, NULL, a_x, -1)
                          : glp_mincost_okalg(g, v_rhs, -1, a_cap, a_cost, NULL, a_x, -1);
    *total = flow_total(g, NULL, placed);
    return rc;
}

/* The median of up to `runs` solves (each from scratch; one when the first
 * takes more than 5 s), in ms; -1 on failure. */
static double time_solver(glp_graph *g, const struct bpa_round *round, size_t per_seeker,
                          enum solver solver, size_t runs, long *total, size_t *placed)
{
    double ms[9];
    size_t done = 0;
    while (done < runs && done < 9 && (done == 0 || ms[0] < 5000)) {
        double t0 = bench_now_ms();
        if (solve(g, round, per_seeker, solver, total, placed) != 0)
            return -1;
        ms[done++] = bench_now_ms() - t0;
    }
    return bench_median(ms, done, NULL);
}

static void skipped_row(const char *name, const char *why)
{
    printf("| %s | %s | | | |\n", name, why);
}

static void solver_row(const char *name, double ms, long total, size_t placed, long *reference)
{
    if (ms < 0) {
        skipped_row(name, "failed");
        return;
    }
    if (*reference < 0)
        *reference = total;
    printf("| %s | %.1f | %ld | %zu | %s |\n", name, ms, total, placed,
           total == *reference ? "yes" : "**no**");
}

/* The solvers in `which` (bits of enum solver) on the network of one round:
 * every eligible pair an arc, or only each seeker's best `per_seeker`
 * (0: all). Totals are checked against the first row's. */
static int compare_solvers(const char *geonames, size_t seekers, size_t placements,
                           size_t per_seeker, unsigned which, size_t runs)
{
    struct cohort c;
    if (cohort_make(geonames, seekers, placements, &c) != 0)
        return -1;
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    struct bpa_round_input input = cohort_input(&c, &rules);
    struct bpa_round round;
    if (bpa_round_score(&input, &round) != 0) {
        cohort_free(&c);
        return -1;
    }
    double t0 = bench_now_ms();
    glp_graph *plain = full_network(&round, per_seeker, 1);
    double build_ms = bench_now_ms() - t0;
    glp_graph *weighed = full_network(&round, per_seeker, (double)seekers + 1);
    printf("\n%zu seekers x %zu placements, %zu places, %zu eligible pairs; ", seekers, placements,
           c.places, round.edge_count);
    if (per_seeker)
        printf("the network holds each seeker's best %zu (%d arcs between seekers and "
               "placements), as round.c's first pass:\n\n",
               per_seeker, plain->na - (int)(seekers + placements));
    else
        printf("every eligible pair is an arc:\n\n");
    printf("| solver | median ms | total score | placed | same total |\n");
    printf("|---|---:|---:|---:|:---|\n");
    printf("| building the network (`glp_add_arc`), not in the times below | %.1f | | | |\n",
           build_ms);
    long total, reference = -1;
    size_t placed;
    for (enum solver s = RELAX4; s <= ROUND_OPTIMAL; s++) {
        if (!(which & 1u << s))
            continue;
        if ((s == RELAX4 && !have_relax4) || (s == ROUND_OPTIMAL && !have_optimal)) {
            skipped_row(solver_names[s], s == RELAX4 ? ABORTS : OPTIMAL_ABORTS);
            continue;
        }
        double took = time_solver(s == OKALG_WEIGHED ? weighed : plain, &round, per_seeker, s, runs,
                                  &total, &placed);
        solver_row(solver_names[s], took, total, placed, &reference);
        fflush(stdout);
    }
    glp_delete_graph(plain);
    glp_delete_graph(weighed);
    bpa_round_free(&round);
    cohort_free(&c);
    return 0;
}

/* --- the report --- */

static void print_sizes(const struct cohort *c, const struct round_figures *f)
{
    double pairs = (double)c->seeker_count * (double)c->placement_count;
    printf("| %zu x %zu | %zu | %zu | %.1f %% | %.0f | %.1f | %.1f |", c->seeker_count,
           c->placement_count, c->places, f->edges, 100.0 * (double)f->edges / pairs,
           (double)f->edges / (double)c->seeker_count, f->score_ms, f->stable_ms);
    if (f->no_optimal)
        printf(" %s | | | |", f->no_optimal);
    else
        printf(" %.1f | %.1f | %u | %zu |", f->optimal_ms, f->whole_ms, f->stats.passes,
               f->stats.arcs_solved);
    printf(" %zu (optimal %zu) |\n", f->runs, f->optimal_runs);
}

static void print_mode(const char *size, const char *mode, size_t placed, long total,
                       size_t blocking, const char *only)
{
    printf("| %s | %s | %zu | %ld | %.1f | %zu | %s |\n", size, mode, placed, total,
           placed ? (double)total / (double)placed : 0, blocking, only);
}

static void print_modes(const struct cohort *c, const struct round_figures *f)
{
    char size[64], only[24] = "";
    snprintf(size, sizeof size, "%zu x %zu", c->seeker_count, c->placement_count);
    if (!f->no_optimal)
        snprintf(only, sizeof only, "%zu", f->only_stable);
    print_mode(size, "stable", f->stable_placed, f->stable_total, f->stable_blocking, only);
    if (f->no_optimal) {
        printf("| | optimal | %s | | | | |\n", f->no_optimal);
        return;
    }
    snprintf(only, sizeof only, "%zu", f->only_optimal);
    print_mode("", "optimal", f->optimal_placed, f->optimal_total, f->optimal_blocking, only);
}

static double mb(double kb)
{
    return kb / 1024;
}

static void print_memory(const struct cohort *c, const struct round_figures *f,
                         const struct peak_figures *peak, bool measured)
{
    printf("| %zu x %zu | %.1f | %.1f |", c->seeker_count, c->placement_count,
           (double)f->bytes / 1048576.0,
           2.0 * (double)(c->seeker_count * sizeof(uint32_t)) / 1048576.0);
    if (!measured) {
        printf(" | | | | |\n");
        return;
    }
    printf(" %.0f | %.0f | %.0f |", mb(peak->input_kb), mb(peak->score_kb), mb(peak->stable_kb));
    if (peak->optimal_kb < 0)
        printf(" not run |");
    else
        printf(" %.0f |", mb(peak->optimal_kb));
    printf(" %.0f |\n", mb(peak->maxrss_kb));
}

static void print_report(const struct cohort *cohorts, const struct round_figures *figures,
                         const struct peak_figures *peaks, const bool *measured, size_t count)
{
    print_filter_heading();
    for (size_t i = 0; i < count; i++)
        print_filters(&cohorts[i]);
    printf("\n| round | places | eligible pairs | of all pairs | per seeker | score ms | "
           "stable ms | optimal ms | whole round ms | solver passes | arcs solved | runs |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < count; i++)
        print_sizes(&cohorts[i], &figures[i]);
    printf("\n| round | mode | placed | total score | mean score | blocking pairs | placed "
           "only by this mode |\n");
    printf("|---|---|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < count; i++)
        print_modes(&cohorts[i], &figures[i]);
    printf("\n| round | scored round MB | two assignments MB | input RSS MB | score: peak "
           "above start MB | stable MB | optimal MB | whole run ru_maxrss MB |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < count; i++)
        print_memory(&cohorts[i], &figures[i], &peaks[i], measured[i]);
    fflush(stdout);
}

int bench_rounds(const char *geonames, bool quick)
{
    static const size_t sizes[][2] = {{10000, 1000}, {50000, 5000}};
    size_t count = quick ? 1 : 2;
    struct cohort cohorts[2];
    struct round_figures figures[2] = {{0}};
    struct peak_figures peaks[2];
    bool measured[2];
    static char too_long[64];
    glp_term_out(GLP_OFF);
    have_relax4 = survives(try_relax4);
    have_optimal = survives(try_optimal);
    if (!have_relax4)
        fprintf(stderr, "bench: glp_mincost_relax4 aborts the process in this GLPK\n");
    for (size_t i = 0; i < count; i++) {
        if (cohort_make(geonames, sizes[i][0], sizes[i][1], &cohorts[i]) != 0)
            return -1;
        fprintf(stderr, "bench: round of %zu x %zu\n", sizes[i][0], sizes[i][1]);
        figures[i].no_optimal = !have_optimal ? OPTIMAL_ABORTS
                                : i > 0       ? figures[i - 1].no_optimal
                                              : NULL;
        /* the solver's time grows faster than the pairs: not tried at the
         * next size when already too long at this one */
        if (i > 0 && !figures[i].no_optimal && figures[i - 1].optimal_ms > OPTIMAL_TOO_LONG) {
            snprintf(too_long, sizeof too_long, "not run: %.0f s at %zu x %zu",
                     figures[i - 1].optimal_ms / 1000, sizes[i - 1][0], sizes[i - 1][1]);
            figures[i].no_optimal = too_long;
        }
        if (time_rounds(&cohorts[i], quick ? 1 : i == 0 ? 5 : 3, &figures[i]) != 0)
            return -1;
        measured[i] =
            measure_peak(sizes[i][0], sizes[i][1], !figures[i].no_optimal, &peaks[i]) == 0;
    }
    print_report(cohorts, figures, peaks, measured, count);
    for (size_t i = 0; i < count; i++)
        cohort_free(&cohorts[i]);
    fprintf(stderr, "bench: GLPK's solvers\n");
    if (compare_solvers(geonames, 2000, 200, 0, ALL_SOLVERS, quick ? 1 : 5) != 0)
        return -1;
    if (!quick && compare_solvers(geonames, 10000, 1000, 8,
                                  1u << OKALG | 1u << PRIMAL_SIMPLEX | 1u << LEMON, 3) != 0)
        return -1;
    /* LEMON on every pair of the 10k x 1k round: what pricing saves */
    if (compare_solvers(geonames, 10000, 1000, 0, 1u << LEMON | 1u << ROUND_OPTIMAL,
                        quick ? 1 : 3) != 0)
        return -1;
    fflush(stdout);
    return 0;
}
