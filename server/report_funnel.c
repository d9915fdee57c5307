/* The funnel's rows and their JSON and CSV (report_funnel.h). */
#include "report_funnel.h"

#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const bpa_funnel_steps[BPA_FUNNEL_STEPS] = {
    "applied",   "proposed",    "approved", "accepted", "confirmed", "started",
    "completed", "dropped_out", "rejected", "declined", "withdrawn", "cancelled"};

enum { APPLIED, PROPOSED, APPROVED, ACCEPTED, CONFIRMED, STARTED, COMPLETED };

/* Each conversion: its name, the step converted to, and the steps it is a
 * share of (the second -1 when one). */
static const struct {
    const char *name;
    int part, whole, whole_too;
} conversions[] = {
    {"approved_from_submitted", APPROVED, APPLIED, PROPOSED},
    {"confirmed_from_approved", CONFIRMED, APPROVED, -1},
    {"started_from_confirmed", STARTED, CONFIRMED, -1},
    {"completed_from_started", COMPLETED, STARTED, -1},
};
#define CONVERSIONS (sizeof conversions / sizeof conversions[0])

int bpa_funnel_add_row(const char *const *values, int count, void *context)
{
    struct bpa_funnel *f = context;
    if (count < 3 + BPA_FUNNEL_STEPS)
        return f->failed = true, 1;
    if (f->count == f->capacity) {
        size_t capacity = f->capacity ? f->capacity * 2 : 64;
        struct bpa_funnel_row *rows = realloc(f->rows, capacity * sizeof *rows);
        if (!rows)
            return f->failed = true, 1;
        f->rows = rows;
        f->capacity = capacity;
    }
    struct bpa_funnel_row *row = &f->rows[f->count];
    snprintf(row->period, sizeof row->period, "%s", values[0] ? values[0] : "");
    row->key = values[1] ? strdup(values[1]) : NULL;
    row->label = values[2] ? strdup(values[2]) : NULL;
    if ((values[1] && !row->key) || (values[2] && !row->label)) {
        free(row->key);
        free(row->label);
        return f->failed = true, 1;
    }
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++)
        row->entered[i] = values[3 + i] ? strtoll(values[3 + i], NULL, 10) : 0;
    f->count++;
    return 0;
}

void bpa_funnel_free(struct bpa_funnel *f)
{
    for (size_t i = 0; i < f->count; i++) {
        free(f->rows[i].key);
        free(f->rows[i].label);
    }
    free(f->rows);
    memset(f, 0, sizeof *f);
}

/* Conversion c of `entered`, a share rounded to 4 decimals, written as
 * the JSON replies write reals (12 significant digits, always with a
 * point): its digits by hand, as printf's formatting took a fifth of the
 * time of a year's funnel by week; or `none` when there was nothing to
 * convert. */
static void conversion_out(struct bpa_text *out, const int64_t *entered, size_t c, const char *none)
{
    int64_t whole = entered[conversions[c].whole] +
                    (conversions[c].whole_too >= 0 ? entered[conversions[c].whole_too] : 0);
    if (!whole) {
        bpa_text_put(out, none);
        return;
    }
    double ten_thousandths = round((double)entered[conversions[c].part] / (double)whole * 1e4);
    double share = ten_thousandths / 1e4;
    if (!(share >= 0 && share < 1e8)) { /* beyond 12 digits with 4 decimals: not a funnel's */
        char text[32];
        snprintf(text, sizeof text, "%.12g", share);
        bpa_text_put(out, text);
        if (!strpbrk(text, ".e"))
            bpa_text_put(out, ".0");
        return;
    }
    int64_t units = (int64_t)ten_thousandths / 10000, decimals = (int64_t)ten_thousandths % 10000;
    bpa_text_int(out, units);
    bpa_text_char(out, '.');
    if (!decimals) {
        bpa_text_char(out, '0');
        return;
    }
    char digits[5];
    for (int d = 3; d >= 0; d--, decimals /= 10)
        digits[d] = (char)('0' + decimals % 10);
    int shown = 4;
    while (digits[shown - 1] == '0') /* %g drops trailing zeros */
        shown--;
    bpa_text_putn(out, digits, (size_t)shown);
}

/* {"entered": {...}, "conversion": {...}} without its closing brace. */
static void figures_out(struct bpa_text *out, const int64_t *entered)
{
    bpa_text_put(out, "{\"entered\":{");
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++) {
        bpa_text_put(out, i ? ",\"" : "\"");
        bpa_text_put(out, bpa_funnel_steps[i]);
        bpa_text_put(out, "\":");
        bpa_text_int(out, entered[i]);
    }
    bpa_text_put(out, "},\"conversion\":{");
    for (size_t c = 0; c < CONVERSIONS; c++) {
        bpa_text_put(out, c ? ",\"" : "\"");
        bpa_text_put(out, conversions[c].name);
        bpa_text_put(out, "\":");
        conversion_out(out, entered, c, "null");
    }
    bpa_text_char(out, '}');
}

static void totals_of(const struct bpa_funnel *f, int64_t totals[BPA_FUNNEL_STEPS])
{
    memset(totals, 0, BPA_FUNNEL_STEPS * sizeof *totals);
    for (size_t r = 0; r < f->count; r++)
        for (int i = 0; i < BPA_FUNNEL_STEPS; i++)
            totals[i] += f->rows[r].entered[i];
}

char *bpa_funnel_json(const struct bpa_funnel *f, const char *from, const char *to,
                      const char *period, const char *group)
{
    struct bpa_text out = {0};
    bpa_text_put(&out, "{\"report\":\"funnel\",\"from\":");
    bpa_text_json_string(&out, from);
    bpa_text_put(&out, ",\"to\":");
    bpa_text_json_string(&out, to);
    bpa_text_put(&out, ",\"period\":");
    bpa_text_json_string(&out, period);
    bpa_text_put(&out, ",\"group\":");
    bpa_text_json_string(&out, group);
    bpa_text_put(&out, ",\"rows\":[");
    for (size_t r = 0; r < f->count; r++) {
        const struct bpa_funnel_row *row = &f->rows[r];
        bpa_text_put(&out, r ? "," : "");
        figures_out(&out, row->entered);
        bpa_text_put(&out, ",\"period_start\":");
        bpa_text_json_string(&out, row->period);
        if (group) {
            bpa_text_put(&out, ",\"group\":{\"key\":");
            bpa_text_json_string(&out, row->key);
            bpa_text_put(&out, ",\"label\":");
            bpa_text_json_string(&out, row->label);
            bpa_text_char(&out, '}');
        }
        bpa_text_char(&out, '}');
    }
    int64_t totals[BPA_FUNNEL_STEPS];
    totals_of(f, totals);
    bpa_text_put(&out, "],\"totals\":");
    figures_out(&out, totals);
    bpa_text_put(&out, "}}");
    return bpa_text_finish(&out, NULL);
}

static void csv_row_out(struct bpa_text *out, const char *period, const char *key,
                        const char *label, const int64_t *entered)
{
    bpa_text_csv_field(out, period);
    bpa_text_char(out, ',');
    bpa_text_csv_field(out, key ? key : "");
    bpa_text_char(out, ',');
    bpa_text_csv_field(out, label ? label : "");
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++) {
        bpa_text_char(out, ',');
        bpa_text_int(out, entered[i]);
    }
    for (size_t c = 0; c < CONVERSIONS; c++) {
        bpa_text_char(out, ',');
        conversion_out(out, entered, c, "");
    }
    bpa_text_put(out, "\r\n");
}

char *bpa_funnel_csv(const struct bpa_funnel *f, size_t *len)
{
    struct bpa_text out = {0};
    bpa_text_put(&out, "period_start,group_key,group_label");
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++) {
        bpa_text_char(&out, ',');
        bpa_text_put(&out, bpa_funnel_steps[i]);
    }
    for (size_t c = 0; c < CONVERSIONS; c++) {
        bpa_text_char(&out, ',');
        bpa_text_put(&out, conversions[c].name);
    }
    bpa_text_put(&out, "\r\n");
    for (size_t r = 0; r < f->count; r++)
        csv_row_out(&out, f->rows[r].period, f->rows[r].key, f->rows[r].label, f->rows[r].entered);
    int64_t totals[BPA_FUNNEL_STEPS];
    totals_of(f, totals);
    csv_row_out(&out, "total", NULL, NULL, totals);
    return bpa_text_finish(&out, len);
}
