/* The reports benchmark: see report_bench.h and bench/README.md ("Reports").
 *
 * The world is the academy's region (round_bench.c's: the PC4 postcodes
 * within 15 km of the Binckhorst, 200 skills drawn with world.c's skew), so
 * that seekers are within reach of most places and the matcher's reports
 * have a realistic mix of met and unmet. Matches are written with COPY, each
 * with the transitions the workflow (match_life.c) would have recorded, at
 * times spread over the last year; the history is what the funnel and the
 * time in each stage count, so its shape matters more than its contents. */
#include "report_bench.h"

#include "client.h"
#include "copy.h"
#include "timing.h"
#include "world.h"

#include <curl/curl.h>
#include <jansson.h>
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

#define PLACEMENTS     10000
#define ACTIVE_SEEKERS 20000
#define LEFT_SEEKERS   5000 /* left the programme; half of them erased */
#define MATCHES_EACH   4    /* (20,000 + 5,000) x 4 = 100,000 matches */
#define EMPLOYERS      400
#define OCCUPATIONS    150
#define VOCABULARY     200
#define PORT           "18998"
#define HOUR           3600.0
#define DAY            (24 * HOUR)

static PGconn *db;

static void fail(const char *what, const char *why)
{
    fprintf(stderr, "bench --reports: %s: %s\n", what, why);
    exit(1);
}

static void sql(const char *text)
{
    PGresult *r = PQexec(db, text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail(text, PQresultErrorMessage(r));
    PQclear(r);
}

static long long number(const char *text)
{
    PGresult *r = PQexec(db, text);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
        fail(text, PQresultErrorMessage(r));
    long long n = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

/* The first `limit` values of a one-column query, newly allocated. */
static char **column(const char *text, size_t limit)
{
    PGresult *r = PQexec(db, text);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || (size_t)PQntuples(r) < limit)
        fail(text, "too few rows (import the ESCO skills and occupations first)");
    char **values = malloc(limit * sizeof *values);
    for (size_t i = 0; i < limit; i++)
        values[i] = strdup(PQgetvalue(r, (int)i, 0));
    PQclear(r);
    return values;
}

/* --- the world --- */

static uint64_t state = 20261130;

static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return (double)(state >> 11) / 9007199254740992.0;
}

/* 0..n-1, low values more often (a few big employers, common occupations) */
static size_t skewed(size_t n)
{
    double u = uniform();
    return (size_t)((double)n * u * u);
}

static void time_text(double at, char out[24])
{
    time_t t = (time_t)at;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_employers(struct bench_world *world)
{
    struct bench_copy rows = {0};
    for (int i = 0; i < EMPLOYERS; i++) {
        const struct bench_place *at = &world->places[(size_t)i % world->place_count];
        bench_copy_put(&rows, "%08d\tEmployer %d\t%d\t%.6f\t%.6f\tt\n", 70000000 + i, i, at->pc4,
                       at->lat, at->lon);
    }
    bench_copy_in(db, "COPY employers (kvk_number, name, postcode, lat, lon, verified) FROM STDIN",
                  &rows);
    sql("INSERT INTO portals (name) VALUES ('Werkplein'), ('Jongerenloket'), ('Taalhuis'),"
        " ('Buurtcoach')");
    free(rows.buffer);
}

/* 70 % open, the rest closed (their matches still count in the funnel). */
static void write_placements(struct bench_world *world, char **skills, char **occupations)
{
    long long employer = number("SELECT min(id) FROM employers");
    long long base = number("SELECT COALESCE(max(id), 0) + 1 FROM placements");
    struct bench_copy rows = {0}, required_rows = {0}, taught_rows = {0};
    struct bpa_required_skill required[8];
    uint32_t taught[8];
    int pc4;
    char week[169], start[16], end[16];
    for (int i = 0; i < PLACEMENTS; i++) {
        struct bpa_placement p;
        bench_placement(world, 0, &p, required, taught, &pc4);
        bench_week_text(&p.schedule, week);
        bench_day_text(p.start, start);
        bench_day_text(p.end, end);
        bench_copy_put(
            &rows, "%lld\tPlacement %d\t%s\t%d\t%.6f\t%.6f\t%s\t%.1f\t%s\t%s\t%d\t%s\t%s\n",
            employer + (long long)skewed(EMPLOYERS), i, occupations[skewed(OCCUPATIONS)], pc4,
            p.lat * 180 / M_PI, p.lon * 180 / M_PI, week, p.hours_per_week, start, end, 1 + i % 3,
            bench_cefr[p.min_dutch_level], i % 10 < 7 ? "open" : "closed");
        for (unsigned k = 0; k < p.required_count; k++)
            bench_copy_put(&required_rows, "%lld\t%s\t%u\t%s\n", base + i,
                           skills[required[k].skill - 1], required[k].min_level,
                           required[k].essential ? "t" : "f");
        for (unsigned k = 0; k < p.taught_count; k++)
            bench_copy_put(&taught_rows, "%lld\t%s\n", base + i, skills[taught[k] - 1]);
    }
    bench_copy_in(
        db,
        "COPY placements (employer_id, title, occupation_uri, postcode, lat, lon, schedule,"
        " hours_per_week, start_date, end_date, capacity, min_dutch_level, status) FROM STDIN",
        &rows);
    bench_copy_in(db,
                  "COPY placement_required_skills (placement_id, skill_uri, min_level, essential)"
                  " FROM STDIN",
                  &required_rows);
    bench_copy_in(db, "COPY placement_taught_skills (placement_id, skill_uri) FROM STDIN",
                  &taught_rows);
    free(rows.buffer);
    free(required_rows.buffer);
    free(taught_rows.buffer);
}

static void write_seekers(struct bench_world *world, char **skills)
{
    long long portal = number("SELECT min(id) FROM portals");
    long long base = number("SELECT COALESCE(max(id), 0) + 1 FROM seekers");
    struct bench_copy rows = {0}, skill_rows = {0}, goal_rows = {0};
    struct bpa_seeker_skill held[10];
    uint32_t goals[10];
    int pc4;
    char week[169], from[16], until[16];
    for (int i = 0; i < ACTIVE_SEEKERS + LEFT_SEEKERS; i++) {
        struct bpa_seeker s;
        bench_seeker(world, 0, &s, held, goals, &pc4);
        bench_week_text(&s.availability, week);
        bench_day_text(s.available_from, from);
        if (s.available_until != BPA_NO_END_DAY)
            bench_day_text(s.available_until, until);
        bool left = i >= ACTIVE_SEEKERS;
        bench_copy_put(&rows,
                       "%lld\tSeeker %d\t%d\t%.6f\t%.6f\t%s\t%s\t%s\t%.1f\t%.1f\t%s\tmatching\t1\t"
                       "2025-01-01T00:00:00Z\t%s\t%s\n",
                       portal + i % 4, i, pc4, s.lat * 180 / M_PI, s.lon * 180 / M_PI, week, from,
                       s.available_until == BPA_NO_END_DAY ? "\\N" : until, s.max_hours_per_week,
                       s.max_travel_km, bench_cefr[s.dutch_level], left ? "left" : "active",
                       left && i % 2 ? "2026-06-01T00:00:00Z" : "\\N");
        for (unsigned k = 0; k < s.skill_count; k++)
            bench_copy_put(&skill_rows, "%lld\t%s\t%u\n", base + i, skills[held[k].skill - 1],
                           held[k].level);
        for (unsigned k = 0; k < s.goal_count; k++)
            bench_copy_put(&goal_rows, "%lld\t%s\n", base + i, skills[goals[k] - 1]);
    }
    bench_copy_in(
        db,
        "COPY seekers (portal_id, name, postcode, lat, lon, availability, available_from,"
        " available_until, max_hours_per_week, max_travel_km, dutch_level, consent_purpose,"
        " consent_text_version, consent_given_at, status, erased_at) FROM STDIN",
        &rows);
    bench_copy_in(db, "COPY seeker_skills (seeker_id, skill_uri, level) FROM STDIN", &skill_rows);
    bench_copy_in(db, "COPY seeker_learning_goals (seeker_id, skill_uri) FROM STDIN", &goal_rows);
    free(rows.buffer);
    free(skill_rows.buffer);
    free(goal_rows.buffer);
}

/* One match's life being written: its history rows and its final state. */
struct life {
    struct bench_copy *history;
    long long id;
    const char *state;
    double at, stop, approved_at, changed_at;
    bool accepted, confirmed;
};

/* Records `action` at `at` when that is before the life's stop; false when
 * it is not (the match stays where it is). */
static bool step(struct life *m, double at, const char *action, const char *to, const char *actor,
                 const char *reason)
{
    if (at > m->stop)
        return false;
    char when[24];
    time_text(at, when);
    bench_copy_put(m->history, "%lld\t%s\t%s\t%s\t%s\t%s\t%s\n", m->id, action,
                   m->state ? m->state : "\\N", to, actor, reason ? reason : "\\N", when);
    if (!m->state || strcmp(m->state, to) != 0)
        m->changed_at = at;
    m->state = to;
    m->at = at;
    return true;
}

/* The employer's answer and the seeker's confirmation, in the order they
 * came; the second of accept and confirm makes the match confirmed. */
static bool agree(struct life *m, double employer_hours)
{
    double answered = m->at + employer_hours * HOUR;
    double confirmed = m->at + (1 + 120 * uniform()) * HOUR;
    if (uniform() < 0.12) {
        step(m, answered, "decline", "declined", "employer", "not_suitable");
        return false;
    }
    if (uniform() < 0.05) {
        step(m, confirmed, "withdraw", "withdrawn", "portal", "found_other");
        return false;
    }
    bool employer_first = answered <= confirmed;
    double first = employer_first ? answered : confirmed;
    double second = employer_first ? confirmed : answered;
    if (!step(m, first, employer_first ? "accept" : "confirm", "approved",
              employer_first ? "employer" : "portal", NULL))
        return false;
    m->accepted = employer_first;
    m->confirmed = !employer_first;
    if (!step(m, second, employer_first ? "confirm" : "accept", "confirmed",
              employer_first ? "portal" : "employer", NULL))
        return false;
    m->accepted = m->confirmed = true;
    return true;
}

/* A match's life from its start: the workflow's transitions with plausible
 * delays and outcomes (about a fifth rejected, a tenth withdrawn or
 * cancelled, a tenth of the approved declined, most started completed). */
static void live(struct life *m, bool proposed, double employer_hours)
{
    step(m, m->at, proposed ? "propose" : "apply", proposed ? "proposed" : "applied",
         proposed ? "coordinator" : "portal", NULL);
    double r = uniform(), next = m->at + (12 + 230 * uniform()) * HOUR;
    if (r < 0.22) {
        step(m, next, "reject", "rejected", "coordinator", "not_suitable");
        return;
    }
    if (r < 0.33) {
        step(m, next, r < 0.30 ? "withdraw" : "cancel", r < 0.30 ? "withdrawn" : "cancelled",
             r < 0.30 ? "portal" : "coordinator", "other");
        return;
    }
    if (!step(m, next, "approve", "approved", "coordinator", NULL))
        return;
    m->approved_at = m->at;
    if (!agree(m, employer_hours))
        return;
    next = m->at + (3 + 27 * uniform()) * DAY;
    if (uniform() < 0.08) {
        step(m, next, "cancel", "cancelled", "coordinator", "other");
        return;
    }
    if (!step(m, next, "start", "started", "coordinator", NULL))
        return;
    if (uniform() < 0.2)
        step(m, m->at + (5 + 85 * uniform()) * DAY, "drop_out", "dropped_out", "coordinator",
             "other");
    else
        step(m, m->at + (30 + 150 * uniform()) * DAY, "complete", "completed", "coordinator", NULL);
}

/* Each seeker's matches one after the other: the first three began long
 * enough ago to have ended; an active seeker's last may still be under
 * way (so a seeker holds at most one approved, confirmed or started
 * match, as matches_one_held_per_seeker demands). */
static void write_matches(void)
{
    long long seeker = number("SELECT min(id) FROM seekers");
    long long placement = number("SELECT min(id) FROM placements");
    long long base = number("SELECT COALESCE(max(id), 0) + 1 FROM matches");
    double now = (double)time(NULL), year = 365 * DAY;
    struct bench_copy rows = {0}, history = {0};
    long long id = base;
    for (int s = 0; s < ACTIVE_SEEKERS + LEFT_SEEKERS; s++)
        for (int k = 0; k < MATCHES_EACH; k++, id++) {
            bool last = k == MATCHES_EACH - 1 && s < ACTIVE_SEEKERS;
            long long p = (long long)(uniform() * PLACEMENTS);
            /* a few slow employers: the response times have a long tail */
            double employer_hours = (2 + 100 * pow(uniform(), 3)) * (1 + (double)(p % 7) / 2);
            struct life m = {.history = &history,
                             .id = id,
                             .at =
                                 last ? now - year * uniform() : now - year + 100 * DAY * uniform(),
                             .stop = now};
            live(&m, uniform() < 0.4, employer_hours);
            char since[24], approved[24];
            time_text(m.changed_at, since);
            time_text(m.approved_at, approved);
            bench_copy_put(&rows, "%lld\t%lld\t%s\t%s\t%s\t%d\t{}\tr1\t%s\t%s\n", seeker + s,
                           placement + p, m.state, m.accepted ? "t" : "f", m.confirmed ? "t" : "f",
                           40 + (int)(id % 50), since, m.approved_at ? approved : "\\N");
        }
    bench_copy_in(
        db,
        "COPY matches (seeker_id, placement_id, state, employer_accepted, seeker_confirmed,"
        " score, explanation, rules_version, state_since, approved_at) FROM STDIN",
        &rows);
    /* summarised in one go afterwards, as a migration does the history
     * before it: the trigger's row-by-row way (about 0.5 ms a row) would
     * add minutes; reports_test holds the two ways against each other */
    sql("ALTER TABLE match_history DISABLE TRIGGER match_history_summarised");
    bench_copy_in(db,
                  "COPY match_history (match_id, action, from_state, to_state, actor_kind,"
                  " reason_code, at) FROM STDIN",
                  &history);
    sql("ALTER TABLE match_history ENABLE TRIGGER match_history_summarised");
    double t0 = bench_now_ms();
    sql("SELECT report_summarise_all()");
    fprintf(stderr, "bench: the reports' summaries made in %.0f ms\n", bench_now_ms() - t0);
    free(rows.buffer);
    free(history.buffer);
}

static void write_world(const char *geonames)
{
    struct bench_world world;
    if (bench_world_init(&world, geonames, VOCABULARY, 20261130) != 0)
        fail(geonames, "cannot read it (the shared data folder beside the project)");
    bench_world_restrict(&world, 52.07, 4.34, 15);
    char **skills = column("SELECT uri FROM skills ORDER BY uri", VOCABULARY);
    char **occupations = column("SELECT uri FROM occupations ORDER BY uri", OCCUPATIONS);
    write_employers(&world);
    write_placements(&world, skills, occupations);
    write_seekers(&world, skills);
    write_matches();
    sql("VACUUM ANALYZE");
    for (size_t i = 0; i < VOCABULARY; i++)
        free(skills[i]);
    for (size_t i = 0; i < OCCUPATIONS; i++)
        free(occupations[i]);
    free(skills);
    free(occupations);
    bench_world_free(&world);
}

/* --- HTTP --- */

/* Times `runs` GETs of `path` (one more before, not timed); the last reply
 * is left in `reply`. */
static void time_report(CURL *curl, const char *token, const char *path, size_t runs,
                        double *median, double *p99, struct bench_copy *reply)
{
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:" PORT "%s", path);
    double *times = malloc(runs * sizeof *times);
    for (size_t i = 0; i <= runs; i++) {
        reply->len = 0;
        double t0 = bench_now_ms();
        long status = bench_http(curl, url, token, NULL, reply);
        if (i)
            times[i - 1] = bench_now_ms() - t0;
        if (status != 200)
            fail(path, reply->buffer ? reply->buffer : "no answer");
    }
    *median = bench_median(times, runs, p99);
    free(times);
}

/* A figure of a JSON reply, for the table's last column. */
static long long figure(const struct bench_copy *reply, const char *member)
{
    json_t *doc = json_loadb(reply->buffer, reply->len, 0, NULL);
    json_t *value = json_object_get(doc, member);
    long long n =
        json_is_array(value) ? (long long)json_array_size(value) : json_integer_value(value);
    json_decref(doc);
    return n;
}

static const struct {
    const char *path, *what, *member; /* member: a figure of the reply to show */
} reports[] = {
    {"/v1/reports/funnel?period=month", "funnel, by month", "rows"},
    {"/v1/reports/funnel?period=month&group=employer", "funnel, by month and employer", "rows"},
    {"/v1/reports/funnel?period=week&group=employer", "funnel, by week and employer", "rows"},
    {"/v1/reports/funnel?period=quarter&group=occupation", "funnel, by quarter and occupation",
     "rows"},
    {"/v1/reports/funnel?period=month&group=portal", "funnel, by month and portal", "rows"},
    {"/v1/reports/time-in-stage", "time-in-stage", "employer_response"},
    {"/v1/reports/unmet-demand", "unmet-demand", "unmet_placements"},
    {"/v1/reports/unmet-demand?min_score=60", "unmet-demand, min_score=60", "unmet_placements"},
    {"/v1/reports/skills-gap", "skills-gap", "skills"},
    {"/v1/reports/seekers-without-match", "seekers-without-match", "without_match"},
    {"/v1/reports/seekers-without-match?group=portal", "seekers-without-match, by portal",
     "without_match"},
};

static void print_world(void)
{
    printf("World: %lld placements (%lld open and not full), %lld seekers (%lld active), "
           "%lld matches, %lld history rows (%lld in the last 12 months).\n\n",
           number("SELECT count(*) FROM placements"),
           number("SELECT count(*) FROM match_placements WHERE open"),
           number("SELECT count(*) FROM seekers"),
           number("SELECT count(*) FROM match_seekers WHERE active"),
           number("SELECT count(*) FROM matches"), number("SELECT count(*) FROM match_history"),
           number("SELECT count(*) FROM match_history WHERE at >= now() - interval '12 months'"));
    PGresult *r = PQexec(db, "SELECT state, count(*) FROM matches GROUP BY 1 ORDER BY 2 DESC");
    printf("Matches by state:");
    for (int i = 0; i < PQntuples(r); i++)
        printf("%s %s %s", i ? "," : "", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    printf(".\n\n");
    PQclear(r);
}

int bench_reports(const char *url, const char *geonames, bool quick)
{
    db = PQconnectdb(url);
    if (PQstatus(db) != CONNECTION_OK)
        fail(url, PQerrorMessage(db));
    double t0 = bench_now_ms();
    write_world(geonames);
    fprintf(stderr, "bench: the reports' world written in %.0f ms\n", bench_now_ms() - t0);
    print_world();

    CURL *curl = curl_easy_init();
    pid_t server = fork();
    if (server == 0) {
        freopen("/dev/null", "w", stderr);
        execl("build/bpa-server", "bpa-server", "--database-url", url, "--port", PORT,
              "--log-level", "warn", "--rate-limit", "100000000", (char *)NULL);
        _exit(127);
    }
    char token[80];
    bench_coordinator_token(curl, url, "http://127.0.0.1:" PORT, "reports@example.org", token);
    size_t runs = quick ? 5 : 20;
    printf("| report | JSON median ms | JSON p99 ms | CSV median ms | CSV p99 ms | JSON bytes |"
           " figure |\n");
    printf("|---|---:|---:|---:|---:|---:|---|\n");
    struct bench_copy reply = {0};
    for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
        double json_median, json_p99, csv_median, csv_p99;
        char csv[300];
        snprintf(csv, sizeof csv, "%s%sformat=csv", reports[i].path,
                 strchr(reports[i].path, '?') ? "&" : "?");
        time_report(curl, token, csv, runs, &csv_median, &csv_p99, &reply);
        time_report(curl, token, reports[i].path, runs, &json_median, &json_p99, &reply);
        printf("| `%s` | %.1f | %.1f | %.1f | %.1f | %zu | %s %lld |\n", reports[i].path,
               json_median, json_p99, csv_median, csv_p99, reply.len, reports[i].member,
               figure(&reply, reports[i].member));
        fflush(stdout);
    }
    free(reply.buffer);
    curl_easy_cleanup(curl);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    PQfinish(db);
    return 0;
}
