/* Weekly schedules: the API's list of intervals
 *   [{"day": "mon", "from": "08:00", "to": "16:30"}, ...]
 * and the stored form, 168 one-hour slots (Monday 00:00-01:00 first).
 *
 * Rounding: an hour counts when the interval covers at least half of it:
 * 08:00-16:30 counts the nine hours from 08:00 to 17:00 (16:00-17:00 is
 * half covered), 08:45-12:00 counts three, and 08:10-08:35 covers no hour
 * at all (refused). Intervals lie within one day ("to" may be "24:00"), must not
 * overlap each other, and are returned merged, on whole hours. */
#ifndef BPA_SCHEDULE_H
#define BPA_SCHEDULE_H

#include <jansson.h>
#include <stdbool.h>

#define BPA_WEEK_SLOTS 168

/* Slots as the characters '0' and '1', as PostgreSQL prints a bit(168). */
typedef char bpa_week_text[BPA_WEEK_SLOTS + 1];

/* Parses `intervals`; on a problem, appends {"field", "problem"} objects
 * to `details` (field names start with `path`) and returns false. */
bool bpa_schedule_parse(const json_t *intervals, const char *path, bpa_week_text out,
                        json_t *details);

/* The merged intervals of `slots` (a new array). NULL if `slots` is not 168
 * characters of '0' and '1'. */
json_t *bpa_schedule_format(const char *slots);

/* How many slots are set. */
unsigned bpa_schedule_hours(const bpa_week_text slots);

#endif
