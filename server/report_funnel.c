/* The funnel's rows and their JSON and CSV (report_funnel.h). */
#include "report_funnel.h"

#include "csv.h"

#include <inttypes.h>
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
        return f->out_of_memory = true, 1;
    if (f->count == f->capacity) {
        size_t capacity = f->capacity ? f->capacity * 2 : 64;
        struct bpa_funnel_row *rows = realloc(f->rows, capacity * sizeof *rows);
        if (!rows)
            return f->out_of_memory = true, 1;
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
        return f->out_of_memory = true, 1;
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

/* Conversion c of `entered` as text, a share rounded to 4 decimals written
 * as the JSON replies write reals (12 significant digits, always with a
 * point); false when there was nothing to convert. */
static bool conversion_text(const int64_t *entered, size_t c, char text[32])
{
    int64_t whole = entered[conversions[c].whole] +
                    (conversions[c].whole_too >= 0 ? entered[conversions[c].whole_too] : 0);
    if (!whole)
        return false;
    double share = round((double)entered[conversions[c].part] / (double)whole * 1e4) / 1e4;
    snprintf(text, 32, "%.12g", share);
    if (!strpbrk(text, ".e"))
        strcat(text, ".0");
    return true;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string_out(FILE *out, const char *text)
{
    if (!text) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '\t')
            fputs("\\t", out);
        else if (*c == '\r')
            fputs("\\r", out);
        else if (*c < 0x20)
            fprintf(out, "\\u%04X", *c);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

/* {"entered": {...}, "conversion": {...}} without its closing brace. */
static void figures_out(FILE *out, const int64_t *entered)
{
    fputs("{\"entered\":{", out);
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++)
        fprintf(out, "%s\"%s\":%" PRId64, i ? "," : "", bpa_funnel_steps[i], entered[i]);
    fputs("},\"conversion\":{", out);
    for (size_t c = 0; c < CONVERSIONS; c++) {
        char text[32];
        fprintf(out, "%s\"%s\":%s", c ? "," : "", conversions[c].name,
                conversion_text(entered, c, text) ? text : "null");
    }
    fputc('}', out);
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
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return NULL;
    fputs("{\"report\":\"funnel\",\"from\":", out);
    json_string_out(out, from);
    fputs(",\"to\":", out);
    json_string_out(out, to);
    fputs(",\"period\":", out);
    json_string_out(out, period);
    fputs(",\"group\":", out);
    json_string_out(out, group);
    fputs(",\"rows\":[", out);
    for (size_t r = 0; r < f->count; r++) {
        const struct bpa_funnel_row *row = &f->rows[r];
        fputs(r ? "," : "", out);
        figures_out(out, row->entered);
        fputs(",\"period_start\":", out);
        json_string_out(out, row->period);
        if (group) {
            fputs(",\"group\":{\"key\":", out);
            json_string_out(out, row->key);
            fputs(",\"label\":", out);
            json_string_out(out, row->label);
            fputc('}', out);
        }
        fputc('}', out);
    }
    int64_t totals[BPA_FUNNEL_STEPS];
    totals_of(f, totals);
    fputs("],\"totals\":", out);
    figures_out(out, totals);
    fputs("}}", out);
    return fclose(out) == 0 ? text : (free(text), NULL);
}

static void csv_row_out(FILE *out, const char *period, const char *key, const char *label,
                        const int64_t *entered)
{
    bpa_csv_write_field(out, period);
    fputc(',', out);
    bpa_csv_write_field(out, key ? key : "");
    fputc(',', out);
    bpa_csv_write_field(out, label ? label : "");
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++)
        fprintf(out, ",%" PRId64, entered[i]);
    for (size_t c = 0; c < CONVERSIONS; c++) {
        char text[32];
        fprintf(out, ",%s", conversion_text(entered, c, text) ? text : "");
    }
    fputs("\r\n", out);
}

char *bpa_funnel_csv(const struct bpa_funnel *f, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream(&text, len);
    if (!out)
        return NULL;
    fputs("period_start,group_key,group_label", out);
    for (int i = 0; i < BPA_FUNNEL_STEPS; i++)
        fprintf(out, ",%s", bpa_funnel_steps[i]);
    for (size_t c = 0; c < CONVERSIONS; c++)
        fprintf(out, ",%s", conversions[c].name);
    fputs("\r\n", out);
    for (size_t r = 0; r < f->count; r++)
        csv_row_out(out, f->rows[r].period, f->rows[r].key, f->rows[r].label, f->rows[r].entered);
    int64_t totals[BPA_FUNNEL_STEPS];
    totals_of(f, totals);
    csv_row_out(out, "total", NULL, NULL, totals);
    return fclose(out) == 0 ? text : (free(text), NULL);
}
