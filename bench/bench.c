/* The matcher's benchmarks, single-threaded on one core:
 *
 *   - ranking 10k, 100k and 1M placements for one seeker, and 100k and 400k
 *     seekers for one placement, in memory (median and p99 over many);
 *   - the index's memory per item;
 *   - cohort rounds (round_bench.c): scoring, stable and optimal at
 *     10k x 1k and 50k x 5k in one region, and GLPK's solvers compared;
 *   - with --database-url: loading the daemon's index from PostgreSQL at
 *     100k placements, the same top-50 written as one SQL query, and
 *     GET /v1/seekers/{id}/matches through a running bpa-server.
 *
 *   bench [--database-url URL] [--quick] [--rounds | --reports]
 * --rounds runs the cohort rounds alone; --reports (with --database-url, a
 * database of its own) the coordinators' reports alone (report_bench.c). (--round-peak SEEKERS
 * PLACEMENTS OPTIMAL is the separate run round_bench.c starts for peak memory.) Prints a Markdown
 * report on stdout; progress on stderr. */
#include "index.h"
#include "load.h"
#include "log.h"
#include "match_index.h"
#include "matcher.h"
#include "report_bench.h"
#include "round_bench.h"
#include "client.h"
#include "copy.h"
#include "timing.h"
#include "world.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define GEONAMES    "../shared/data/postcodes/geonames_NL.tsv"
#define ESCO_SKILLS 13896 /* skills_en.csv of ESCO v1.1.1 */
#define LIMIT       50

static void progress(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(stderr, "bench: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
}

/* --- in memory --- */

static void fill_placements(struct bench_world *world, struct bpa_placement_index *index,
                            size_t count)
{
    struct bpa_required_skill required[8];
    uint32_t taught[8];
    int pc4;
    for (size_t i = 0; i < count; i++) {
        struct bpa_placement p;
        bench_placement(world, (int64_t)i + 1, &p, required, taught, &pc4);
        bpa_placement_index_put(index, &p);
    }
}

static void fill_seekers(struct bench_world *world, struct bpa_seeker_index *index, size_t count)
{
    struct bpa_seeker_skill skills[10];
    uint32_t goals[10];
    int pc4;
    for (size_t i = 0; i < count; i++) {
        struct bpa_seeker s;
        bench_seeker(world, (int64_t)i + 1, &s, skills, goals, &pc4);
        bpa_seeker_index_put(index, &s);
    }
}

static void rank_placements_for_seekers(struct bench_world *world, size_t count, size_t queries)
{
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    struct bpa_placement_index index = {0};
    double started = bench_now_ms();
    fill_placements(world, &index, count);
    progress("%zu placements generated and indexed in %.0f ms", count, bench_now_ms() - started);
    double *times = malloc(queries * sizeof *times);
    struct bpa_ranked ranked[LIMIT];
    struct bpa_rank_options options = {.limit = LIMIT};
    size_t results = 0;
    struct bpa_seeker_skill skills[10];
    uint32_t goals[10];
    int pc4;
    for (size_t q = 0; q < queries; q++) {
        struct bpa_seeker s;
        bench_seeker(world, 1, &s, skills, goals, &pc4);
        double t0 = bench_now_ms();
        results += bpa_rank_placements(&rules, &s, index.items, index.count, &options, ranked);
        times[q] = bench_now_ms() - t0;
    }
    double median, p99;
    median = bench_median(times, queries, &p99);
    printf("| placements for one seeker | %zu | %.3f | %.3f | %.1f | %zu |\n", count, median, p99,
           (double)results / (double)queries, index.bytes / index.count);
    free(times);
    bpa_placement_index_clear(&index);
}

static void rank_seekers_for_placements(struct bench_world *world, size_t count, size_t queries)
{
    struct bpa_match_rules rules;
    bpa_match_rules_default(&rules);
    struct bpa_seeker_index index = {0};
    fill_seekers(world, &index, count);
    double *times = malloc(queries * sizeof *times);
    struct bpa_ranked ranked[LIMIT];
    struct bpa_rank_options options = {.limit = LIMIT};
    size_t results = 0;
    struct bpa_required_skill required[8];
    uint32_t taught[8];
    int pc4;
    for (size_t q = 0; q < queries; q++) {
        struct bpa_placement p;
        bench_placement(world, 1, &p, required, taught, &pc4);
        p.open = true;
        double t0 = bench_now_ms();
        results += bpa_rank_seekers(&rules, &p, index.items, index.count, &options, ranked);
        times[q] = bench_now_ms() - t0;
    }
    double median, p99;
    median = bench_median(times, queries, &p99);
    printf("| seekers for one placement | %zu | %.3f | %.3f | %.1f | %zu |\n", count, median, p99,
           (double)results / (double)queries, index.bytes / index.count);
    free(times);
    bpa_seeker_index_clear(&index);
}

/* --- PostgreSQL --- */

static PGconn *db;

static void sql(const char *text)
{
    PGresult *r = PQexec(db, text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "bench: %s: %s", text, PQresultErrorMessage(r));
        exit(1);
    }
    PQclear(r);
}

static char *one_value(const char *text)
{
    PGresult *r = PQexec(db, text);
    char *value = PQntuples(r) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
    PQclear(r);
    return value;
}

/* Fills the database with `placements` open placements and `seekers`
 * seekers of the same world; skill URIs are those of the skills table. */
static void fill_database(struct bench_world *world, char **uris, size_t placements, size_t seekers)
{
    sql("INSERT INTO employers (kvk_number, name, postcode, lat, lon, verified)"
        " VALUES ('77777777', 'Bench BV', '2516', 52.07, 4.33, true)");
    sql("INSERT INTO portals (name) VALUES ('bench portal')");
    char *employer = one_value("SELECT id FROM employers WHERE kvk_number = '77777777'");
    char *portal = one_value("SELECT id FROM portals WHERE name = 'bench portal'");
    char *first = one_value("SELECT COALESCE(max(id), 0) + 1 FROM placements");
    long long base = atoll(first);
    struct bench_copy rows = {0}, required_rows = {0}, taught_rows = {0};
    struct bpa_required_skill required[8];
    uint32_t taught[8];
    int pc4;
    char week[169], start[16], end[16];
    for (size_t i = 0; i < placements; i++) {
        struct bpa_placement p;
        bench_placement(world, 0, &p, required, taught, &pc4);
        bench_week_text(&p.schedule, week);
        bench_day_text(p.start, start);
        bench_day_text(p.end, end);
        bench_copy_put(&rows,
                       "%s\tPlacement %zu\t%d\t%.6f\t%.6f\t%s\t%.1f\t%s\t%s\t2\t%s\t{}\topen\n",
                       employer, i, pc4, p.lat * 180 / M_PI, p.lon * 180 / M_PI, week,
                       p.hours_per_week, start, end, bench_cefr[p.min_dutch_level]);
        for (unsigned k = 0; k < p.required_count; k++)
            bench_copy_put(&required_rows, "%lld\t%s\t%u\t%s\n", base + (long long)i,
                           uris[required[k].skill - 1], required[k].min_level,
                           required[k].essential ? "t" : "f");
        for (unsigned k = 0; k < p.taught_count; k++)
            bench_copy_put(&taught_rows, "%lld\t%s\n", base + (long long)i, uris[taught[k] - 1]);
    }
    /* one COPY, rows in order: identities are handed out in that order */
    bench_copy_in(
        db,
        "COPY placements (employer_id, title, postcode, lat, lon, schedule, hours_per_week,"
        " start_date, end_date, capacity, min_dutch_level, certificates, status) FROM STDIN",
        &rows);
    bench_copy_in(db,
                  "COPY placement_required_skills (placement_id, skill_uri, min_level, essential)"
                  " FROM STDIN",
                  &required_rows);
    bench_copy_in(db, "COPY placement_taught_skills (placement_id, skill_uri) FROM STDIN",
                  &taught_rows);

    free(first);
    first = one_value("SELECT COALESCE(max(id), 0) + 1 FROM seekers");
    base = atoll(first);
    struct bench_copy skill_rows = {0}, goal_rows = {0};
    struct bpa_seeker_skill skills[10];
    uint32_t goals[10];
    for (size_t i = 0; i < seekers; i++) {
        struct bpa_seeker s;
        bench_seeker(world, 0, &s, skills, goals, &pc4);
        bench_week_text(&s.availability, week);
        bench_day_text(s.available_from, start);
        if (s.available_until != BPA_NO_END_DAY)
            bench_day_text(s.available_until, end);
        bench_copy_put(
            &rows,
            "%s\tSeeker "
            "%zu\t%d\t%.6f\t%.6f\t%s\t%s\t%s\t%.1f\t%.1f\t%s\tmatching\t1\t2026-01-01T00:00:00Z\n",
            portal, i, pc4, s.lat * 180 / M_PI, s.lon * 180 / M_PI, week, start,
            s.available_until == BPA_NO_END_DAY ? "\\N" : end, s.max_hours_per_week,
            s.max_travel_km, bench_cefr[s.dutch_level]);
        for (unsigned k = 0; k < s.skill_count; k++)
            bench_copy_put(&skill_rows, "%lld\t%s\t%u\n", base + (long long)i,
                           uris[skills[k].skill - 1], skills[k].level);
        for (unsigned k = 0; k < s.goal_count; k++)
            bench_copy_put(&goal_rows, "%lld\t%s\n", base + (long long)i, uris[goals[k] - 1]);
    }
    bench_copy_in(
        db,
        "COPY seekers (portal_id, name, postcode, lat, lon, availability, available_from,"
        " available_until, max_hours_per_week, max_travel_km, dutch_level, consent_purpose,"
        " consent_text_version, consent_given_at) FROM STDIN",
        &rows);
    bench_copy_in(db, "COPY seeker_skills (seeker_id, skill_uri, level) FROM STDIN", &skill_rows);
    bench_copy_in(db, "COPY seeker_learning_goals (seeker_id, skill_uri) FROM STDIN", &goal_rows);
    sql("ANALYZE");
    free(rows.buffer);
    free(required_rows.buffer);
    free(taught_rows.buffer);
    free(skill_rows.buffer);
    free(goal_rows.buffer);
    free(first);
    free(employer);
    free(portal);
}

/* The brief's top-50 for one seeker as a single SQL query over the tables. */
static const char *const sql_ranking =
    "WITH s AS (SELECT lat, lon, availability, max_travel_km, max_hours_per_week,"
    " available_from, available_until, dutch_level, certificates,"
    " array_position(ARRAY['none','A1','A2','B1','B2','C1','C2'], dutch_level) AS dutch"
    " FROM seekers WHERE id = $1),"
    " k AS (SELECT skill_uri, level FROM seeker_skills WHERE seeker_id = $1),"
    " g AS (SELECT skill_uri FROM seeker_learning_goals WHERE seeker_id = $1),"
    " c AS (SELECT p.id, p.schedule, p.hours_per_week, bpa_distance_km(s.lat, s.lon, p.lat, p.lon) "
    "AS d,"
    "   s.max_travel_km, s.availability FROM placements p, s"
    "   WHERE p.status = 'open'"
    "   AND bpa_distance_km(s.lat, s.lon, p.lat, p.lon) <= s.max_travel_km"
    "   AND s.available_from <= p.start_date + 14"
    "   AND (s.available_until IS NULL OR s.available_until >= p.end_date)"
    "   AND s.dutch >= array_position(ARRAY['none','A1','A2','B1','B2','C1','C2'], "
    "p.min_dutch_level)"
    "   AND p.certificates <@ s.certificates AND p.hours_per_week <= s.max_hours_per_week"
    "   AND bit_count(p.schedule & s.availability) * 2 >= bit_count(p.schedule)"
    "   AND NOT EXISTS (SELECT 1 FROM placement_required_skills r WHERE r.placement_id = p.id"
    "     AND r.essential AND r.skill_uri NOT IN (SELECT skill_uri FROM k))),"
    " scored AS (SELECT c.id, c.d,"
    "   COALESCE((SELECT sum(CASE WHEN r.essential THEN 2 ELSE 1 END"
    "       * least(1, COALESCE(k.level, 0)::float8 / r.min_level))"
    "     / sum(CASE WHEN r.essential THEN 2 ELSE 1 END)"
    "     FROM placement_required_skills r LEFT JOIN k ON k.skill_uri = r.skill_uri"
    "     WHERE r.placement_id = c.id), 1) AS skills,"
    "   bit_count(c.schedule & c.availability)::float8 / bit_count(c.schedule) AS schedule,"
    "   greatest(0, 1 - c.d / c.max_travel_km) AS distance,"
    "   COALESCE((SELECT avg((t.skill_uri IN (SELECT skill_uri FROM g))::int)"
    "     FROM placement_taught_skills t WHERE t.placement_id = c.id), 0.5) AS learning"
    "   FROM c)"
    " SELECT id, round(40 * skills + 25 * schedule + 20 * distance + 15 * learning) AS score, d"
    " FROM scored ORDER BY score DESC, d, id LIMIT 50";

static void sql_rankings(size_t queries, double *median, double *p99)
{
    PGresult *prepared = PQprepare(db, "rank", sql_ranking, 1, NULL);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
        fprintf(stderr, "bench: preparing the SQL ranking: %s", PQresultErrorMessage(prepared));
        exit(1);
    }
    PQclear(prepared);
    char *first = one_value("SELECT min(id) FROM seekers");
    double *times = malloc(queries * sizeof *times);
    for (size_t q = 0; q < queries; q++) {
        char id[24];
        snprintf(id, sizeof id, "%lld", atoll(first) + (long long)q);
        const char *params[] = {id};
        double t0 = bench_now_ms();
        PGresult *r = PQexecPrepared(db, "rank", 1, params, NULL, NULL, 0);
        times[q] = bench_now_ms() - t0;
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            fprintf(stderr, "bench: SQL ranking: %s", PQresultErrorMessage(r));
            exit(1);
        }
        PQclear(r);
    }
    *median = bench_median(times, queries, p99);
    free(times);
    free(first);
}

/* --- HTTP --- */

struct http_figures {
    double median, p99;                   /* sequential requests */
    double peak, paced_median, paced_p99; /* 8 clients; then at half the peak */
};

static void http_rankings(const char *url, size_t queries, struct http_figures *figures)
{
    pid_t server = fork();
    if (server == 0) {
        freopen("/dev/null", "w", stderr);
        execl("build/bpa-server", "bpa-server", "--database-url", url, "--port", "18999",
              "--log-level", "warn", "--rate-limit", "100000000", (char *)NULL);
        _exit(127);
    }
    CURL *curl = curl_easy_init();
    char token[80];
    bench_coordinator_token(curl, url, "http://127.0.0.1:18999", "bench@example.org", token);
    char *first = one_value("SELECT min(id) FROM seekers");
    double *times = malloc(queries * sizeof *times);
    for (size_t q = 0; q < queries; q++) {
        char path[128];
        snprintf(path, sizeof path, "http://127.0.0.1:18999/v1/seekers/%lld/matches?limit=50",
                 atoll(first) + (long long)(q % 200));
        double t0 = bench_now_ms();
        long status = bench_http(curl, path, token, NULL, NULL);
        times[q] = bench_now_ms() - t0;
        if (status != 200) {
            fprintf(stderr, "bench: GET %s answered %ld\n", path, status);
            exit(1);
        }
    }
    figures->median = bench_median(times, queries, &figures->p99);
    free(times);

    /* The same requests from 8 clients: the peak, then half of it. */
    static char paths[200][128];
    const char *urls[200];
    for (size_t i = 0; i < 200; i++) {
        snprintf(paths[i], sizeof paths[i],
                 "http://127.0.0.1:18999/v1/seekers/%lld/matches?limit=50",
                 atoll(first) + (long long)i);
        urls[i] = paths[i];
    }
    struct bench_load load = {.urls = urls, .url_count = 200, .token = token, .clients = 8};
    figures->peak = bench_load_peak(&load, 5);
    progress("GET /v1/seekers/{id}/matches: %.0f per second at most with 8 clients", figures->peak);
    if (figures->peak > 0)
        bench_load_at_rate(&load, figures->peak / 2, 10, &figures->paced_median,
                           &figures->paced_p99);
    free(first);
    curl_easy_cleanup(curl);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    bool quick = false, rounds_only = false, reports_only = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--database-url") && i + 1 < argc)
            url = argv[++i];
        else if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--rounds"))
            rounds_only = true;
        else if (!strcmp(argv[i], "--reports"))
            reports_only = true;
        else if (!strcmp(argv[i], "--round-peak") && i + 3 < argc)
            return bench_rounds_peak(GEONAMES, strtoul(argv[i + 1], NULL, 10),
                                     strtoul(argv[i + 2], NULL, 10), atoi(argv[i + 3])) != 0;
    }
    if (rounds_only)
        return bench_rounds(GEONAMES, quick) != 0;
    if (reports_only) {
        if (!url) {
            fprintf(stderr, "bench: --reports needs --database-url\n");
            return 1;
        }
        bpa_log_set_level(BPA_LOG_WARN);
        return bench_reports(url, GEONAMES, quick) != 0;
    }
    struct bench_world world;
    if (bench_world_init(&world, GEONAMES, ESCO_SKILLS, 20261127) != 0) {
        fprintf(stderr, "bench: cannot read %s (the shared data folder beside the project)\n",
                GEONAMES);
        return 1;
    }
    bpa_log_set_level(BPA_LOG_WARN);
    printf("| ranking | items | median ms | p99 ms | results | index bytes per item |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    fflush(stdout);
    rank_placements_for_seekers(&world, 10000, quick ? 50 : 500);
    rank_placements_for_seekers(&world, 100000, quick ? 50 : 500);
    if (!quick)
        rank_placements_for_seekers(&world, 1000000, 200);
    rank_seekers_for_placements(&world, 100000, quick ? 50 : 500);
    if (!quick)
        rank_seekers_for_placements(&world, 400000, 200);
    fflush(stdout);
    if (bench_rounds(GEONAMES, quick) != 0) {
        fprintf(stderr, "bench: the cohort rounds failed\n");
        return 1;
    }

    if (url) {
        db = PQconnectdb(url);
        if (PQstatus(db) != CONNECTION_OK) {
            fprintf(stderr, "bench: %s", PQerrorMessage(db));
            return 1;
        }
        PGresult *r = PQexec(db, "SELECT uri FROM skills ORDER BY uri");
        size_t vocabulary = (size_t)PQntuples(r);
        if (vocabulary < 1000) {
            fprintf(stderr, "bench: import the ESCO skills first (found %zu)\n", vocabulary);
            return 1;
        }
        char **uris = malloc(vocabulary * sizeof *uris);
        for (size_t i = 0; i < vocabulary; i++)
            uris[i] = strdup(PQgetvalue(r, (int)i, 0));
        PQclear(r);
        world.vocabulary = (unsigned)vocabulary;
        size_t placements = quick ? 10000 : 100000;
        double t0 = bench_now_ms();
        fill_database(&world, uris, placements, 1000);
        progress("%zu placements and 1000 seekers written in %.0f ms", placements,
                 bench_now_ms() - t0);

        struct bpa_db_pool *pool = bpa_db_pool_new(url, 2);
        static struct bpa_match_index index;
        t0 = bench_now_ms();
        if (bpa_match_index_start(&index, url, pool) != 0)
            return 1;
        double load = bench_now_ms() - t0;
        size_t loaded = index.placements.count;
        bpa_match_index_stop(&index);
        bpa_db_pool_free(pool);

        double sql_median, sql_p99;
        struct http_figures http_figures;
        sql_rankings(quick ? 5 : 30, &sql_median, &sql_p99);
        http_rankings(url, quick ? 100 : 1000, &http_figures);
        printf("\n| with PostgreSQL, %zu open placements | median ms | p99 ms |\n", loaded);
        printf("|---|---:|---:|\n");
        printf("| load the daemon's index (placements and seekers) | %.0f | |\n", load);
        printf("| top-50 for one seeker as one SQL query | %.1f | %.1f |\n", sql_median, sql_p99);
        printf("| GET /v1/seekers/{id}/matches?limit=50 over HTTP, one request at a time | %.2f | "
               "%.2f |\n",
               http_figures.median, http_figures.p99);
        printf("| the same from 8 clients at %.0f a second (half the peak of %.0f) | %.2f | %.2f "
               "|\n",
               http_figures.peak / 2, http_figures.peak, http_figures.paced_median,
               http_figures.paced_p99);
        for (size_t i = 0; i < vocabulary; i++)
            free(uris[i]);
        free(uris);
        PQfinish(db);
    }
    bench_world_free(&world);
    return 0;
}
