/* The matcher: how well a job seeker and a work-learning place fit, as the
 * brief's "Ranking" section defines it, and rankings of many of them.
 *
 * Pure C: no I/O, no libpq, no HTTP, no JSON. Profiles come in as structs,
 * results go out as structs; server/match_json.c turns them into JSON.
 *
 * Conventions: coordinates in radians; dates as days since 1970-01-01;
 * skills and certificates as dense integer ids (see vocab.h), in arrays
 * sorted ascending; a week as 168 one-hour slots, Monday 00:00 first. */
#ifndef BPA_MATCHER_H
#define BPA_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPA_NO_END_DAY       INT32_MAX /* available_until not given */
#define BPA_MATCH_MAX_SKILLS 64        /* more than the API accepts (50) */

struct bpa_week {
    uint64_t bits[3]; /* slot s is bit s % 64 of bits[s / 64] */
};

struct bpa_seeker_skill {
    uint32_t skill;
    uint8_t level; /* 1..5 */
};

struct bpa_required_skill {
    uint32_t skill;
    uint8_t min_level; /* 1..5 */
    bool essential;
};

struct bpa_seeker {
    int64_t id;
    double lat, lon; /* radians */
    double max_travel_km;
    double max_hours_per_week;
    int32_t available_from, available_until; /* days; until may be BPA_NO_END_DAY */
    uint8_t dutch_level;                     /* 0 none, 1 A1 .. 6 C2 */
    struct bpa_week availability;
    const struct bpa_seeker_skill *skills; /* sorted by skill */
    const uint32_t *goals;                 /* sorted: skills they want to learn */
    const uint32_t *certificates;          /* sorted */
    uint16_t skill_count, goal_count, certificate_count;
};

struct bpa_placement {
    int64_t id;
    double lat, lon; /* radians */
    double hours_per_week;
    int32_t start, end; /* days */
    uint8_t min_dutch_level;
    bool open; /* open and not full */
    uint32_t occupation;
    struct bpa_week schedule;
    const struct bpa_required_skill *required; /* sorted by skill */
    const uint32_t *taught;                    /* sorted */
    const uint32_t *certificates;              /* sorted: required certificates */
    uint16_t required_count, taught_count, certificate_count;
};

/* The operator's rules. bpa_match_rules_default() fills the brief's values;
 * bpa_match_rules_version() names a set of rules, and changes with them. */
struct bpa_match_rules {
    double weight_skills, weight_schedule, weight_distance, weight_learning;
    double schedule_threshold; /* share of the placement's hours, 0..1 */
    int grace_days;            /* how late a seeker may be available */
    char version[128];
};

void bpa_match_rules_default(struct bpa_match_rules *rules);

/* Reads "skills,schedule,distance,learning" weights (non-negative, not all
 * zero), e.g. "40,25,20,15". 0, or -1 with a reason. */
int bpa_match_rules_set_weights(struct bpa_match_rules *rules, const char *text, char *error,
                                size_t error_size);

/* Recomputes rules->version from the values; call after changing them. */
void bpa_match_rules_version(struct bpa_match_rules *rules);

/* Hard filters, as bits of bpa_match_result.failed. */
enum bpa_match_filter {
    BPA_FILTER_PLACEMENT_NOT_OPEN = 1 << 0,
    BPA_FILTER_TOO_FAR = 1 << 1,
    BPA_FILTER_DATES = 1 << 2,
    BPA_FILTER_LANGUAGE = 1 << 3,
    BPA_FILTER_CERTIFICATE = 1 << 4,
    BPA_FILTER_ESSENTIAL_SKILL = 1 << 5,
    BPA_FILTER_SCHEDULE = 1 << 6,
    BPA_FILTER_COUNT = 7,
};

/* The reason code of filter bit `index` ("placement_not_open" ...). */
const char *bpa_match_filter_code(unsigned index);

struct bpa_match_result {
    unsigned failed; /* enum bpa_match_filter bits; 0: eligible */
    int score;       /* 0..100, computed whether or not a filter failed */
    double skills, schedule, distance, learning; /* components, 0..1 */
    double distance_km;
    unsigned overlap_hours;   /* placement schedule hours the seeker can work */
    unsigned placement_hours; /* hours in the placement's schedule */
    unsigned taught_among_goals;
    /* per required skill, in the placement's order: the seeker's level, 0 if missing */
    uint8_t seeker_levels[BPA_MATCH_MAX_SKILLS];
};

/* Scores and explains one pair. */
void bpa_match_evaluate(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                        const struct bpa_placement *placement, struct bpa_match_result *out);

/* The hard filters of one pair alone, without scoring: the bits
 * bpa_match_evaluate would set in `failed`, for scans that only count
 * reasons (the coordinators' reports). With `missing` not NULL, bit k of
 * *missing is set for each essential required skill k (in the placement's
 * order, k < BPA_MATCH_MAX_SKILLS) that the seeker lacks. */
unsigned bpa_match_filters(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                           const struct bpa_placement *placement, uint64_t *missing);

/* Great-circle distance in km between two points in radians (haversine). */
double bpa_match_distance_km(double lat1, double lon1, double lat2, double lon2);

/* --- top-k --- */

struct bpa_ranked {
    int64_t id;
    int score;
    double distance_km;
};

/* True when a ranks before b: higher score, then nearer, then lower id. */
bool bpa_ranked_before(const struct bpa_ranked *a, const struct bpa_ranked *b);

/* A bounded heap keeping the best `capacity` items seen. */
struct bpa_topk {
    struct bpa_ranked *items; /* caller-provided storage of `capacity` */
    size_t count, capacity;
};

void bpa_topk_offer(struct bpa_topk *top, const struct bpa_ranked *item);
/* Sorts the kept items best first (the heap is spent). */
void bpa_topk_finish(struct bpa_topk *top);

/* --- rankings over many --- */

struct bpa_rank_options {
    size_t limit;
    int min_score;
    uint32_t occupation; /* 0: any */
    double within_km;    /* 0: no extra distance limit */
};

/* False only when a cheap test (open, dates, language, essential skills, a
 * box around the seeker's travel limit) shows the pair fails a hard
 * filter: a prefilter that never drops an eligible pair. */
bool bpa_match_may_fit(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                       const struct bpa_placement *placement);

/* The best eligible placements for `seeker`, best first, into `out`
 * (room for options->limit). Returns how many. Placements outside the
 * seeker's travel box or date window are skipped before scoring. */
size_t bpa_rank_placements(const struct bpa_match_rules *rules, const struct bpa_seeker *seeker,
                           const struct bpa_placement *placements, size_t count,
                           const struct bpa_rank_options *options, struct bpa_ranked *out);

/* The best eligible seekers for `placement`, best first. */
size_t bpa_rank_seekers(const struct bpa_match_rules *rules, const struct bpa_placement *placement,
                        const struct bpa_seeker *seekers, size_t count,
                        const struct bpa_rank_options *options, struct bpa_ranked *out);

/* --- weeks --- */

void bpa_week_from_text(struct bpa_week *week, const char *slots); /* 168 '0'/'1' */
unsigned bpa_week_hours(const struct bpa_week *week);

#endif
