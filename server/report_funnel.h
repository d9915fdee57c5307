/* The funnel report's rows and their text (handlers/reports.c): JSON and
 * CSV written straight from the rows the database counted. A year by
 * employer and week is 20,000 rows and 8 MB of JSON; built as jansson
 * objects first, it took nearly three times as long as counting it. Both texts
 * come from the same rows and the same conversions, so they agree. */
#ifndef BPA_REPORT_FUNNEL_H
#define BPA_REPORT_FUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BPA_FUNNEL_STEPS 12

/* The steps in the order of the rows' columns and of the CSV's. */
extern const char *const bpa_funnel_steps[BPA_FUNNEL_STEPS];

struct bpa_funnel_row {
    char period[11];   /* the period's first day */
    char *key, *label; /* the group's; NULL when ungrouped or none */
    int64_t entered[BPA_FUNNEL_STEPS];
};

struct bpa_funnel {
    struct bpa_funnel_row *rows;
    size_t count, capacity;
    bool failed; /* a row was not kept: out of memory, or not of the statement's shape */
};

/* A bpa_db_row_fn for db/reports.c's report_funnel statements: period,
 * key, label, then the count of each step. */
int bpa_funnel_add_row(const char *const *values, int count, void *funnel);
void bpa_funnel_free(struct bpa_funnel *funnel);

/* The report as JSON: {"report": "funnel", "from", "to", "period",
 * "group" (NULL: null), "rows": [{"entered", "conversion",
 * "period_start", "group"? {"key", "label"}}], "totals": {"entered",
 * "conversion"}}. NULL when out of memory. */
char *bpa_funnel_json(const struct bpa_funnel *funnel, const char *from, const char *to,
                      const char *period, const char *group);

/* The report as one CSV table: period_start, group_key, group_label, the
 * steps, the conversions; a last row "total". NULL when out of memory. */
char *bpa_funnel_csv(const struct bpa_funnel *funnel, size_t *len);

#endif
