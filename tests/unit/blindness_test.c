/* The score is blind to who someone is (issue 13, "Records and fairness").
 *
 * What the matcher sees of a seeker is struct bpa_seeker (matcher/matcher.h):
 * an id, a location, how far and how many hours they can travel and work,
 * the dates they are available, a Dutch level, a week of available hours,
 * and skills with levels, learning goals and certificates as vocabulary ids.
 * It has no field for a name, an e-mail address, a phone number, the portal
 * or its external reference, a birth date, gender or nationality, consent
 * texts or any free text: the matcher cannot look at them because it is
 * never given them. The id is a database sequence number, used by rankings
 * only to order equal scores at equal distances.
 *
 * The daemon fills that struct from the match_seekers view (0008, 0016),
 * selecting named columns (server/db/matching.c, SEEKER_COLUMNS) and
 * converting the row's texts with bpa_match_read_seeker
 * (server/match_index.c). These tests show, for many random seekers and
 * placements (a fixed seed: every run is the same):
 *   - the matcher's input: changing the id changes nothing of the result;
 *   - the loader: a stored seeker row that differs only in name, e-mail,
 *     phone, external_ref, portal_id, consent texts, and (were they ever
 *     stored) gender, nationality, birth date and free notes, with its
 *     columns in another order, loads into an identical struct and so gives
 *     the same score, the same failed filters and the same explanation
 *     (every number of the result and bpa_match_json's document);
 *   - the loader selects criterion columns only, and the view it reads
 *     draws on no identity column;
 *   - the comparison can fail: in the same runs, changing one matching
 *     criterion (a skill level the placement asks for, or the location)
 *     does change the result. */
#include "db/internal.h"
#include "index.h"
#include "match_index.h"
#include "match_json.h"
#include "matcher.h"
#include "suites.h"

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEED       UINT64_C(0x13B1A5ED)
#define SEEKERS    400 /* random seekers per test */
#define PLACEMENTS 10  /* random placements per seeker, half of them shaped to fit */
#define SKILLS     24  /* skill URIs in the test's vocabulary */
#define VARIANTS   6   /* entries of each identity pool */

/* A guard for this file's claim: struct bpa_seeker as read for it. Adding a
 * field to struct bpa_seeker changes its size (unless a small one fits into
 * padding) and stops the build here: make sure the new field is a matching
 * criterion, then update this copy and the comment above. */
struct seeker_as_reviewed {
    int64_t id;
    double lat, lon;
    double max_travel_km;
    double max_hours_per_week;
    int32_t available_from, available_until;
    uint8_t dutch_level;
    struct bpa_week availability;
    const struct bpa_seeker_skill *skills;
    const uint32_t *goals;
    const uint32_t *certificates;
    uint16_t skill_count, goal_count, certificate_count;
};
_Static_assert(sizeof(struct bpa_seeker) == sizeof(struct seeker_as_reviewed),
               "struct bpa_seeker changed: review blindness_test.c");

static struct bpa_match_rules rules;
static struct bpa_vocab *vocab;
static char skill_uris[SKILLS][64];
static const char *const certificate_codes[] = {"VCA", "BHV", "HACCP", "EHBO", "SVH", "heftruck"};
#define CERTIFICATES (sizeof certificate_codes / sizeof *certificate_codes)

/* --- a reproducible generator (splitmix64) --- */

static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

static double between(double low, double high)
{
    return low + (high - low) * (double)(next() >> 11) / 9007199254740992.0;
}

/* --- a seeker's matching criteria, as generated --- */

struct profile {
    int64_t id;
    double lat, lon; /* degrees, in the Netherlands */
    double max_km, max_hours;
    int from, until; /* days; until may be BPA_NO_END_DAY */
    int dutch;       /* 0 none .. 6 C2 */
    bool week[168];
    unsigned skill_count, skills[13], levels[13]; /* skill indexes, ascending; 12 + 1 */
    unsigned goal_count, goals[8];
    unsigned certificate_count, certificates[CERTIFICATES];
};

/* A random ascending subset of 0..n-1 of at most `max` items. */
static unsigned subset(unsigned n, unsigned max, unsigned chance_percent, unsigned *out)
{
    unsigned count = 0;
    for (unsigned i = 0; i < n && count < max; i++)
        if (below(100) < chance_percent)
            out[count++] = i;
    return count;
}

static void random_profile(struct profile *s)
{
    memset(s, 0, sizeof *s);
    s->id = 1 + (int64_t)below(1000000000);
    s->lat = between(50.80, 53.40);
    s->lon = between(3.60, 7.10);
    s->max_km = round(between(5, 80) * 10) / 10;
    static const double hours[] = {12, 16, 20, 24, 32, 36, 40};
    s->max_hours = hours[below(7)];
    s->from = 19700 + (int)below(120);
    s->until = below(2) ? BPA_NO_END_DAY : s->from + 100 + (int)below(500);
    s->dutch = (int)below(7);
    for (unsigned day = 0; day < 7; day++) {
        if (below(100) >= (day < 5 ? 75u : 25u))
            continue;
        unsigned from = 6 + below(5), to = 13 + below(8);
        for (unsigned h = from; h < to; h++)
            s->week[day * 24 + h] = true;
    }
    s->skill_count = subset(SKILLS, 12, 30, s->skills);
    for (unsigned i = 0; i < s->skill_count; i++)
        s->levels[i] = 1 + below(5);
    s->goal_count = subset(SKILLS, 8, 15, s->goals);
    s->certificate_count = subset(CERTIFICATES, CERTIFICATES, 35, s->certificates);
}

/* --- rows of the match_seekers view, by column name --- */

#define ROW_COLUMNS 40
#define VALUE_SIZE  1536

struct row {
    int count;
    char names[ROW_COLUMNS][40];
    bool null[ROW_COLUMNS];
    char values[ROW_COLUMNS][VALUE_SIZE];
};

static void set(struct row *r, const char *name, const char *value)
{
    int i = 0;
    while (i < r->count && strcmp(r->names[i], name) != 0)
        i++;
    if (i == r->count) {
        ck_assert_int_lt(r->count, ROW_COLUMNS);
        snprintf(r->names[r->count++], sizeof r->names[0], "%s", name);
    }
    r->null[i] = !value;
    snprintf(r->values[i], VALUE_SIZE, "%s", value ? value : "");
}

__attribute__((format(printf, 3, 4))) static void setf(struct row *r, const char *name,
                                                       const char *format, ...)
{
    char value[VALUE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(value, sizeof value, format, args);
    va_end(args);
    set(r, name, value);
}

/* The criteria as the view renders them: degrees, numeric(…,1), days since
 * 1970, the Dutch level as 0..6, lists joined with chr(31) between items
 * and chr(30) inside one, NULL for no skills or goals, '' for no
 * certificates. */
static void put_criteria(struct row *r, const struct profile *s)
{
    setf(r, "id", "%lld", (long long)s->id);
    set(r, "active", "t");
    setf(r, "lat", "%.6f", s->lat);
    setf(r, "lon", "%.6f", s->lon);
    char week[169];
    for (unsigned i = 0; i < 168; i++)
        week[i] = s->week[i] ? '1' : '0';
    week[168] = '\0';
    set(r, "availability", week);
    setf(r, "max_hours_per_week", "%.1f", s->max_hours);
    setf(r, "max_travel_km", "%.1f", s->max_km);
    setf(r, "from_day", "%d", s->from);
    if (s->until == BPA_NO_END_DAY)
        set(r, "until_day", NULL);
    else
        setf(r, "until_day", "%d", s->until);
    setf(r, "dutch_level", "%d", s->dutch);
    char list[VALUE_SIZE];
    size_t used = 0;
    list[0] = '\0';
    for (unsigned i = 0; i < s->certificate_count; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "\x1f" : "",
                                 certificate_codes[s->certificates[i]]);
    set(r, "certificates", list);
    used = 0;
    for (unsigned i = 0; i < s->skill_count; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s\x1e%u", i ? "\x1f" : "",
                                 skill_uris[s->skills[i]], s->levels[i]);
    set(r, "skills", s->skill_count ? list : NULL);
    used = 0;
    for (unsigned i = 0; i < s->goal_count; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? "\x1f" : "",
                                 skill_uris[s->goals[i]]);
    set(r, "goals", s->goal_count ? list : NULL);
}

/* Who the seeker is: the columns of the seekers table that are not matching
 * criteria, and some a register might one day hold. Person `k` and person
 * `k + d` (0 < d < VARIANTS) differ in every one of them. Some values carry
 * the view's list separators or look like criteria, to show that nothing is
 * read from them. */
static const char *const names[VARIANTS] = {"Fatima el Amrani", "Jan de Vries",
                                            "Özlem Yılmaz",     "Anna-Maria Kowalska",
                                            "Nguyễn Văn An",    "Robert'); DROP TABLE seekers;--"};
static const char *const phones[VARIANTS] = {
    "+31 6 12345678", "06-98765432", "+31 (0)20 555 0101", NULL, "0612345678", "+48 601 234 567"};
static const char *const purposes[VARIANTS] = {"bemiddeling naar een werkleerplek",
                                               "matching and sharing contact details",
                                               "toestemming via het portaal",
                                               "consent v1 (paper form)",
                                               "matching",
                                               "zie dossier"};
static const char *const genders[VARIANTS] = {"female", "male", "x", NULL, "unknown", "F"};
static const char *const nationalities[VARIANTS] = {"NL", "MA", "TR", "SY", "PL", "UA"};
static const char *const notes[VARIANTS] = {"wil graag in de zorg werken",
                                            "slechthorend; heeft een tolk nodig",
                                            "statushouder sinds 2022",
                                            NULL,
                                            "http://data.europa.eu/esco/skill/test-01\x1e"
                                            "5\x1fVCA",
                                            "lat 52.1, lon 4.3, dutch C2, 40 uur"};

static void put_identity(struct row *r, unsigned k)
{
    unsigned v = k % VARIANTS;
    set(r, "name", names[v]);
    if (v == 3)
        set(r, "email", NULL);
    else
        setf(r, "email", "person%u@example.org", k);
    set(r, "phone", phones[v]);
    setf(r, "external_ref", "portal-ref-%u", k);
    setf(r, "portal_id", "%u", 1 + k % 50);
    set(r, "consent_purpose", purposes[v]);
    setf(r, "consent_text_version", "v%u.%u", 1 + v, k % 10);
    setf(r, "consent_given_at", "2024-%02u-%02u 09:%02u:00+01", 1 + k % 12, 1 + k % 28, k % 60);
    set(r, "gender", genders[v]);
    set(r, "nationality", nationalities[v]);
    setf(r, "birth_date", "%u-%02u-%02u", 1950 + k % 50, 1 + k % 12, 1 + k % 28);
    set(r, "notes", notes[v]);
}

static const char *const identity_columns[] = {"name",
                                               "email",
                                               "phone",
                                               "external_ref",
                                               "portal_id",
                                               "consent_purpose",
                                               "consent_text_version",
                                               "consent_given_at",
                                               "gender",
                                               "nationality",
                                               "birth_date",
                                               "notes"};
#define IDENTITY_COLUMNS (sizeof identity_columns / sizeof *identity_columns)

static void shuffle(struct row *r)
{
    static struct row spare;
    for (int i = r->count - 1; i > 0; i--) {
        int j = (int)below((unsigned)i + 1);
        memcpy(spare.names[0], r->names[i], sizeof r->names[0]);
        memcpy(spare.values[0], r->values[i], VALUE_SIZE);
        bool null = r->null[i];
        memcpy(r->names[i], r->names[j], sizeof r->names[0]);
        memcpy(r->values[i], r->values[j], VALUE_SIZE);
        r->null[i] = r->null[j];
        memcpy(r->names[j], spare.names[0], sizeof r->names[0]);
        memcpy(r->values[j], spare.values[0], VALUE_SIZE);
        r->null[j] = null;
    }
}

/* --- the loader: the columns its statement selects, then the conversion --- */

#define LOADER_COLUMNS 13

/* The column names between SELECT and FROM of a statement of
 * server/db/matching.c; each must be a bare column name of match_seekers. */
static int loader_columns(const char *statement, char columns[][40], int max)
{
    const char *sql = NULL;
    for (const struct bpa_db_statement *s = bpa_db_matching_statements; s->name; s++)
        if (strcmp(s->name, statement) == 0)
            sql = s->sql;
    ck_assert_msg(sql != NULL, "no statement %s", statement);
    ck_assert_msg(strncmp(sql, "SELECT ", 7) == 0, "%s: %s", statement, sql);
    const char *from = strstr(sql, " FROM ");
    ck_assert_msg(from && strncmp(from, " FROM match_seekers", 19) == 0 &&
                      (from[19] == ' ' || from[19] == '\0'),
                  "%s reads match_seekers: %s", statement, sql);
    int n = 0;
    for (const char *p = sql + 7; p < from;) {
        while (*p == ' ')
            p++;
        const char *end = p;
        while (end < from && *end != ',')
            end++;
        size_t length = (size_t)(end - p);
        ck_assert_int_lt(n, max);
        ck_assert_msg(length > 0 && length < 40 &&
                          strspn(p, "abcdefghijklmnopqrstuvwxyz_") == length,
                      "%s: '%.*s' is not a bare column name", statement, (int)length, p);
        memcpy(columns[n], p, length);
        columns[n++][length] = '\0';
        p = end < from ? end + 1 : from;
    }
    return n;
}

/* Reads `r` as the daemon does: the loader's columns, by name, in the
 * loader's order, then bpa_match_read_seeker. */
static void load(const struct row *r, struct bpa_seeker_holder *out)
{
    static char columns[LOADER_COLUMNS][40];
    static int count;
    if (!count)
        count = loader_columns("match_seekers_active", columns, LOADER_COLUMNS);
    const char *values[LOADER_COLUMNS];
    for (int c = 0; c < count; c++) {
        int i = 0;
        while (i < r->count && strcmp(r->names[i], columns[c]) != 0)
            i++;
        ck_assert_msg(i < r->count, "the row has no column %s", columns[c]);
        values[c] = r->null[i] ? NULL : r->values[i];
    }
    bpa_match_read_seeker(values, vocab, true, out);
}

static bool same_ids(const uint32_t *a, const uint32_t *b, unsigned count)
{
    return count == 0 || memcmp(a, b, count * sizeof *a) == 0;
}

static bool same_seeker(const struct bpa_seeker *a, const struct bpa_seeker *b)
{
    if (a->id != b->id || a->lat != b->lat || a->lon != b->lon ||
        a->max_travel_km != b->max_travel_km || a->max_hours_per_week != b->max_hours_per_week ||
        a->available_from != b->available_from || a->available_until != b->available_until ||
        a->dutch_level != b->dutch_level ||
        memcmp(&a->availability, &b->availability, sizeof a->availability) != 0 ||
        a->skill_count != b->skill_count || a->goal_count != b->goal_count ||
        a->certificate_count != b->certificate_count)
        return false;
    for (unsigned i = 0; i < a->skill_count; i++)
        if (a->skills[i].skill != b->skills[i].skill || a->skills[i].level != b->skills[i].level)
            return false;
    return same_ids(a->goals, b->goals, a->goal_count) &&
           same_ids(a->certificates, b->certificates, a->certificate_count);
}

/* --- placements --- */

struct placement_store {
    struct bpa_placement p;
    struct bpa_required_skill required[6];
    uint32_t taught[6], certificates[CERTIFICATES];
};

static uint32_t skill_id(unsigned index)
{
    return bpa_vocab_id(vocab, skill_uris[index], true);
}

static uint32_t certificate_id(unsigned index)
{
    char key[64];
    snprintf(key, sizeof key, "cert:%s", certificate_codes[index]); /* as the loader keys them */
    return bpa_vocab_id(vocab, key, true);
}

static int by_skill(const void *a, const void *b)
{
    uint32_t x = ((const struct bpa_required_skill *)a)->skill;
    uint32_t y = ((const struct bpa_required_skill *)b)->skill;
    return x < y ? -1 : x > y;
}

static int by_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* A placement; when `fitting`, shaped to pass the seeker's filters most of
 * the time, so that both eligible and excluded pairs are compared. Always
 * at least one required skill. */
static void make_placement(const struct profile *s, bool fitting, int64_t id,
                           struct placement_store *st)
{
    struct bpa_placement *p = &st->p;
    memset(st, 0, sizeof *st);
    p->id = id;
    p->open = fitting || below(100) < 85;
    p->occupation = below(2) ? skill_id(below(SKILLS)) : 0;
    double lat, lon;
    if (fitting) {
        lat = s->lat + between(-0.45, 0.45) * s->max_km / 111.2;
        lon = s->lon + between(-0.45, 0.45) * s->max_km / (111.2 * cos(s->lat * M_PI / 180));
    } else {
        lat = between(50.80, 53.40);
        lon = between(3.60, 7.10);
    }
    p->lat = lat * M_PI / 180;
    p->lon = lon * M_PI / 180;

    unsigned hours = 0, limit = fitting ? (unsigned)s->max_hours : 60;
    for (unsigned slot = 0; slot < 168 && hours < limit; slot++) {
        bool take = fitting ? s->week[slot] && below(100) < 85
                            : slot % 24 >= 8 && slot % 24 < 16 && slot / 24 < 5 && below(100) < 80;
        if (take) {
            p->schedule.bits[slot / 64] |= UINT64_C(1) << (slot % 64);
            hours++;
        }
    }
    if (!hours) {
        p->schedule.bits[0] |= UINT64_C(1) << 9; /* Monday 09:00 */
        hours = 1;
    }
    p->hours_per_week = hours;

    p->start = fitting ? s->from + (int)below(10) : 19650 + (int)below(250);
    p->end = p->start + 30 + (int)below(250);
    if (fitting && s->until != BPA_NO_END_DAY && p->end > s->until)
        p->end = s->until;
    p->min_dutch_level = (uint8_t)(fitting ? below((unsigned)s->dutch + 1) : below(7));

    unsigned n = 0;
    for (unsigned i = 0; i < s->certificate_count && fitting; i++)
        if (below(2))
            st->certificates[n++] = certificate_id(s->certificates[i]);
    for (unsigned i = 0; i < CERTIFICATES && !fitting && n < 2; i++)
        if (below(100) < 15)
            st->certificates[n++] = certificate_id(i);
    qsort(st->certificates, n, sizeof *st->certificates, by_id);
    p->certificates = st->certificates;
    p->certificate_count = (uint16_t)n;

    n = 0;
    if (fitting && s->skill_count) {
        for (unsigned i = 0; i < s->skill_count && n < 4; i++)
            if (n == 0 || below(100) < 40)
                st->required[n++] =
                    (struct bpa_required_skill){.skill = skill_id(s->skills[i]),
                                                .min_level = (uint8_t)(1 + below(s->levels[i])),
                                                .essential = below(2)};
    } else {
        unsigned chosen[6];
        n = subset(SKILLS, 4, 15, chosen);
        if (!n)
            chosen[n++] = below(SKILLS);
        for (unsigned i = 0; i < n; i++)
            st->required[i] = (struct bpa_required_skill){.skill = skill_id(chosen[i]),
                                                          .min_level = (uint8_t)(1 + below(5)),
                                                          .essential = below(100) < 30};
    }
    qsort(st->required, n, sizeof *st->required, by_skill);
    p->required = st->required;
    p->required_count = (uint16_t)n;

    unsigned taught[6];
    n = subset(SKILLS, 6, 15, taught);
    if (fitting && s->goal_count && n < 6 && below(2))
        taught[n++] = s->goals[below(s->goal_count)]; /* may repeat: made unique below */
    for (unsigned i = 0; i < n; i++)
        st->taught[i] = skill_id(taught[i]);
    qsort(st->taught, n, sizeof *st->taught, by_id);
    unsigned unique = 0;
    for (unsigned i = 0; i < n; i++)
        if (!unique || st->taught[unique - 1] != st->taught[i])
            st->taught[unique++] = st->taught[i];
    p->taught = st->taught;
    p->taught_count = (uint16_t)unique;
}

/* --- what a pair yields: the result's numbers and its JSON document --- */

struct outcome {
    struct bpa_match_result r;
    unsigned required_count;
    char *json; /* bpa_match_json: score, excluded_by, the explanation */
};

static void outcome_of(const struct bpa_seeker *s, const struct bpa_placement *p, struct outcome *o)
{
    bpa_match_evaluate(&rules, s, p, &o->r);
    o->required_count = p->required_count;
    json_t *document = bpa_match_json(&rules, vocab, p, &o->r);
    o->json = json_dumps(document, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(document);
    ck_assert_ptr_nonnull(o->json);
}

/* Exact equality of every number: failed filters, score, components,
 * distance, hours, goals met, the seeker's level per required skill. */
static bool same_result(const struct outcome *a, const struct outcome *b)
{
    const struct bpa_match_result *x = &a->r, *y = &b->r;
    return x->failed == y->failed && x->score == y->score && x->skills == y->skills &&
           x->schedule == y->schedule && x->distance == y->distance && x->learning == y->learning &&
           x->distance_km == y->distance_km && x->overlap_hours == y->overlap_hours &&
           x->placement_hours == y->placement_hours &&
           x->taught_among_goals == y->taught_among_goals &&
           a->required_count == b->required_count &&
           memcmp(x->seeker_levels, y->seeker_levels, a->required_count) == 0;
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
    return same_result(a, b) && strcmp(a->json, b->json) == 0;
}

static void outcome_free(struct outcome *o)
{
    free(o->json);
    o->json = NULL;
}

/* --- the tests --- */

static void setup(void)
{
    bpa_match_rules_default(&rules);
    vocab = bpa_vocab_new();
    ck_assert_ptr_nonnull(vocab);
    for (unsigned i = 0; i < SKILLS; i++) {
        snprintf(skill_uris[i], sizeof skill_uris[i], "http://data.europa.eu/esco/skill/test-%02u",
                 i);
        skill_id(i);
    }
    for (unsigned i = 0; i < CERTIFICATES; i++)
        certificate_id(i);
    state = SEED;
}

static void teardown(void)
{
    bpa_vocab_free(vocab);
    vocab = NULL;
}

/* The matcher's input: the id is the only attribute of struct bpa_seeker
 * that is not a matching criterion. Changing it changes no result and no
 * ranking of placements; moving the seeker does. */
START_TEST(the_matcher_ignores_the_seeker_id)
{
    struct row *r = calloc(1, sizeof *r);
    static struct placement_store stores[PLACEMENTS];
    struct bpa_placement placements[PLACEMENTS];
    unsigned moved = 0, pairs = 0;
    for (unsigned n = 0; n < SEEKERS; n++) {
        struct profile s;
        random_profile(&s);
        r->count = 0;
        put_criteria(r, &s);
        struct bpa_seeker_holder holder;
        load(r, &holder);
        struct bpa_seeker same = holder.seeker, elsewhere = holder.seeker;
        same.id = holder.seeker.id + 1 + below(1000000);
        elsewhere.lat += 0.2 * M_PI / 180; /* some 22 km north */
        for (unsigned k = 0; k < PLACEMENTS; k++) {
            make_placement(&s, k % 2 == 0, 1 + n * PLACEMENTS + k, &stores[k]);
            placements[k] = stores[k].p;
            struct outcome a, b, c;
            outcome_of(&holder.seeker, &placements[k], &a);
            outcome_of(&same, &placements[k], &b);
            outcome_of(&elsewhere, &placements[k], &c);
            ck_assert_msg(same_outcome(&a, &b), "seeker %u, placement %u: the id changed %s to %s",
                          n, k, a.json, b.json);
            moved += !same_outcome(&a, &c);
            pairs++;
            outcome_free(&a);
            outcome_free(&b);
            outcome_free(&c);
        }
        struct bpa_rank_options options = {.limit = PLACEMENTS};
        struct bpa_ranked x[PLACEMENTS], y[PLACEMENTS];
        size_t nx =
            bpa_rank_placements(&rules, &holder.seeker, placements, PLACEMENTS, &options, x);
        size_t ny = bpa_rank_placements(&rules, &same, placements, PLACEMENTS, &options, y);
        ck_assert_uint_eq(nx, ny);
        for (size_t i = 0; i < nx; i++)
            ck_assert(x[i].id == y[i].id && x[i].score == y[i].score &&
                      x[i].distance_km == y[i].distance_km);
    }
    /* the comparison does see a change of criterion: every pair moved */
    ck_assert_uint_eq(moved, pairs);
    free(r);
}
END_TEST

/* The loading step: rows that differ only in who the seeker is load into
 * the same struct and give the same results; rows that differ in one
 * criterion do not. */
START_TEST(the_loaded_seeker_ignores_who_it_is)
{
    struct row *base = calloc(1, sizeof *base), *other = calloc(1, sizeof *other);
    ck_assert(base && other);
    struct placement_store store;
    unsigned pairs = 0, eligible = 0, level_seen = 0, move_seen = 0;
    for (unsigned n = 0; n < SEEKERS; n++) {
        struct profile s;
        random_profile(&s);
        unsigned person = below(1000000);
        base->count = other->count = 0;
        put_identity(base, person); /* identity first, as in the seekers table */
        put_criteria(base, &s);
        put_criteria(other, &s);
        put_identity(other, person + 1 + below(VARIANTS - 1)); /* someone else entirely */
        shuffle(other);
        /* the rows do differ in every identity column */
        for (unsigned c = 0; c < IDENTITY_COLUMNS; c++) {
            int i = 0, j = 0;
            while (strcmp(base->names[i], identity_columns[c]) != 0)
                i++;
            while (strcmp(other->names[j], identity_columns[c]) != 0)
                j++;
            ck_assert_msg(base->null[i] != other->null[j] ||
                              strcmp(base->values[i], other->values[j]) != 0,
                          "seeker %u: %s is the same", n, identity_columns[c]);
        }

        struct bpa_seeker_holder a, b;
        load(base, &a);
        load(other, &b);
        ck_assert_msg(same_seeker(&a.seeker, &b.seeker), "seeker %u: the loaded structs differ", n);
        for (unsigned k = 0; k < PLACEMENTS; k++) {
            make_placement(&s, k % 2 == 0, 1 + n * PLACEMENTS + k, &store);
            struct outcome x, y;
            outcome_of(&a.seeker, &store.p, &x);
            outcome_of(&b.seeker, &store.p, &y);
            ck_assert_msg(same_outcome(&x, &y), "seeker %u, placement %u: %s but %s", n, k, x.json,
                          y.json);
            eligible += x.r.failed == 0;
            pairs++;

            /* A criterion: the level of a skill the placement asks for
             * (added at level 3 when the seeker lacks it). */
            struct profile changed = s;
            const char *uri = bpa_vocab_text(vocab, store.p.required[0].skill);
            unsigned skill = (unsigned)atoi(uri + strlen(uri) - 2), at = 0;
            while (at < changed.skill_count && changed.skills[at] < skill)
                at++;
            if (at < changed.skill_count && changed.skills[at] == skill) {
                changed.levels[at] = changed.levels[at] % 5 + 1;
            } else {
                memmove(changed.skills + at + 1, changed.skills + at,
                        (changed.skill_count - at) * sizeof *changed.skills);
                memmove(changed.levels + at + 1, changed.levels + at,
                        (changed.skill_count - at) * sizeof *changed.levels);
                changed.skills[at] = skill;
                changed.levels[at] = 3;
                changed.skill_count++;
            }
            struct bpa_seeker_holder c;
            struct outcome z;
            put_criteria(base, &changed);
            load(base, &c);
            outcome_of(&c.seeker, &store.p, &z);
            ck_assert_msg(!same_seeker(&a.seeker, &c.seeker), "seeker %u: the level was lost", n);
            level_seen += !same_outcome(&x, &z) && strcmp(x.json, z.json) != 0;
            outcome_free(&z);

            /* Another: the location, some 22 km north. */
            changed = s;
            changed.lat += 0.2;
            put_criteria(base, &changed);
            load(base, &c);
            outcome_of(&c.seeker, &store.p, &z);
            ck_assert_msg(!same_seeker(&a.seeker, &c.seeker), "seeker %u: the move was lost", n);
            move_seen += !same_outcome(&x, &z);
            outcome_free(&z);
            put_criteria(base, &s);

            outcome_free(&x);
            outcome_free(&y);
        }
    }
    /* Every change of criterion was seen, in the numbers and in the
     * document; and the pairs compared were both eligible and excluded. */
    ck_assert_uint_eq(level_seen, pairs);
    ck_assert_uint_eq(move_seen, pairs);
    ck_assert_msg(eligible * 5 >= pairs && eligible * 5 <= pairs * 4, "%u of %u pairs eligible",
                  eligible, pairs);
    free(base);
    free(other);
}
END_TEST

/* What the loader asks the database for: the same thirteen criterion
 * columns for the full load and for one seeker, none of them an identity
 * column, from a view whose latest definition in schema/ mentions no
 * identity column either. */
static bool mentions(const char *text, const char *word)
{
    size_t length = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word)) {
        bool start = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
        bool end = !(p[length] == '_' || (p[length] >= 'a' && p[length] <= 'z'));
        if (start && end)
            return true;
    }
    return false;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(the_loader_reads_criteria_columns_only)
{
    char all[LOADER_COLUMNS][40], one[LOADER_COLUMNS][40];
    int n = loader_columns("match_seekers_active", all, LOADER_COLUMNS);
    ck_assert_int_eq(n, LOADER_COLUMNS); /* what bpa_match_read_seeker reads */
    ck_assert_int_eq(loader_columns("match_seeker", one, LOADER_COLUMNS), n);
    for (int c = 0; c < n; c++) {
        ck_assert_str_eq(all[c], one[c]);
        for (unsigned i = 0; i < IDENTITY_COLUMNS; i++)
            ck_assert_str_ne(all[c], identity_columns[i]);
    }

    /* the last definition of the view, in migration order */
    DIR *dir = opendir("schema");
    ck_assert_msg(dir != NULL, "run from the repository root");
    char *files[64];
    int count = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL && count < 64;)
        if (strlen(e->d_name) > 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".sql") == 0)
            files[count++] = strdup(e->d_name);
    closedir(dir);
    qsort(files, (size_t)count, sizeof *files, by_name);
    char *view = NULL;
    for (int f = 0; f < count; f++) {
        char path[300];
        snprintf(path, sizeof path, "schema/%s", files[f]);
        FILE *in = fopen(path, "r");
        ck_assert_ptr_nonnull(in);
        static char text[1 << 17];
        size_t size = fread(text, 1, sizeof text - 1, in);
        fclose(in);
        text[size] = '\0';
        for (char *p = strstr(text, "VIEW match_seekers AS"); p;
             p = strstr(p + 1, "VIEW match_seekers AS")) {
            char *end = strchr(p, ';');
            ck_assert_ptr_nonnull(end);
            free(view);
            view = strndup(p, (size_t)(end - p));
        }
        free(files[f]);
    }
    ck_assert_msg(view != NULL, "no match_seekers view in schema/");
    for (int c = 0; c < n; c++)
        ck_assert_msg(mentions(view, all[c]), "the view has no column %s", all[c]);
    for (unsigned i = 0; i < IDENTITY_COLUMNS; i++)
        ck_assert_msg(!mentions(view, identity_columns[i]), "the view reads %s",
                      identity_columns[i]);
    ck_assert(!mentions(view, "portals"));
    free(view);
}
END_TEST

Suite *blindness_suite(void)
{
    Suite *s = suite_create("blindness");
    TCase *t = tcase_create("blindness");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, the_matcher_ignores_the_seeker_id);
    tcase_add_test(t, the_loaded_seeker_ignores_who_it_is);
    tcase_add_test(t, the_loader_reads_criteria_columns_only);
    suite_add_tcase(s, t);
    return s;
}
