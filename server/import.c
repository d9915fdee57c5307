/* Reference-data imports. */
#include "errors.h"
#include "import.h"

#include "csv.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 1000

/* One import's progress: the rows accepted so far wait in `batch`. */
struct run {
    const char *what;
    struct bpa_db_pool *pool;
    enum bpa_db_status (*upsert)(struct bpa_db_conn *, const char *rows, char **counts,
                                 const void *arg);
    const void *arg;
    json_t *batch;
    json_t *seen; /* keys accepted so far, to skip duplicates */
    unsigned long rows, accepted, inserted, updated;
    json_t *skipped; /* {reason: count} */
};

static void skip(struct run *run, const char *reason)
{
    json_t *n = json_object_get(run->skipped, reason);
    json_object_set_new(run->skipped, reason, json_integer(n ? json_integer_value(n) + 1 : 1));
}

static unsigned long skipped_total(const struct run *run)
{
    unsigned long total = 0;
    const char *reason;
    json_t *n;
    json_object_foreach(run->skipped, reason, n) total += (unsigned long)json_integer_value(n);
    return total;
}

struct flush {
    const struct run *run;
    const char *rows;
    json_t *counts;
};

static enum bpa_db_status upsert_batch(struct bpa_db_conn *conn, void *context)
{
    struct flush *f = context;
    char *counts = NULL;
    enum bpa_db_status status = f->run->upsert(conn, f->rows, &counts, f->run->arg);
    json_decref(f->counts);
    f->counts = counts ? json_loads(counts, 0, NULL) : NULL;
    free(counts);
    return status;
}

static int flush(struct run *run, char *error, size_t error_size)
{
    if (json_array_size(run->batch) == 0)
        return 0;
    char *rows = json_dumps(run->batch, JSON_COMPACT);
    struct flush f = {.run = run, .rows = rows};
    struct bpa_db_conn *conn;
    enum bpa_db_status status = bpa_db_pool_acquire(run->pool, 10000, &conn);
    if (status == BPA_DB_OK) {
        status = bpa_db_transaction(conn, BPA_DB_READ_COMMITTED, upsert_batch, &f);
        bpa_db_pool_release(run->pool, conn);
    }
    free(rows);
    if (status != BPA_DB_OK || !f.counts) {
        json_decref(f.counts);
        return bpa_reason(error, error_size, "writing rows %lu..%lu failed (database status %d)",
                          run->rows - json_array_size(run->batch) + 1, run->rows, (int)status);
    }
    run->inserted += (unsigned long)json_integer_value(json_object_get(f.counts, "inserted"));
    run->updated += (unsigned long)json_integer_value(json_object_get(f.counts, "updated"));
    json_decref(f.counts);
    json_array_clear(run->batch);
    bpa_log(BPA_LOG_INFO, "import_progress",
            json_pack("{s:s, s:I, s:I, s:I, s:I}", "import", run->what, "rows",
                      (json_int_t)run->rows, "inserted", (json_int_t)run->inserted, "updated",
                      (json_int_t)run->updated, "skipped", (json_int_t)skipped_total(run)));
    return 0;
}

static int accept(struct run *run, const char *key, json_t *row, char *error, size_t error_size)
{
    if (!row) { /* json_pack refused a value: text that is not UTF-8, or NaN */
        skip(run, "a value that is not valid UTF-8 text or not a finite number");
        return 0;
    }
    if (json_object_get(run->seen, key)) {
        json_decref(row);
        skip(run, "listed twice in the file (the first was kept)");
        return 0;
    }
    json_object_set_new(run->seen, key, json_true());
    json_array_append_new(run->batch, row);
    run->accepted++;
    return json_array_size(run->batch) >= BATCH ? flush(run, error, error_size) : 0;
}

static json_t *summary_of(const struct run *run, const char *path)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:O}", "import", run->what, "file", path,
                     "rows", (json_int_t)run->rows, "inserted", (json_int_t)run->inserted,
                     "updated", (json_int_t)run->updated, "unchanged",
                     (json_int_t)(run->accepted - run->inserted - run->updated), "skipped",
                     (json_int_t)skipped_total(run), "skipped_reasons", run->skipped);
}

static int begin(struct run *run, const char *url, const char *what)
{
    *run = (struct run){.what = what,
                        .pool = bpa_db_pool_new(url, 1),
                        .batch = json_array(),
                        .seen = json_object(),
                        .skipped = json_object()};
    return run->pool ? 0 : -1;
}

static void end(struct run *run)
{
    bpa_db_pool_free(run->pool);
    json_decref(run->batch);
    json_decref(run->seen);
    json_decref(run->skipped);
}

/* --- ESCO terms --- */

static enum bpa_db_status upsert_terms(struct bpa_db_conn *conn, const char *rows, char **counts,
                                       const void *arg)
{
    return bpa_db_term_upsert(conn, *(const enum bpa_term *)arg, rows, counts);
}

static int column(char **names, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0)
            return (int)i;
    return -1;
}

/* What the tables' CHECK accepts ('^https?://[^\s/]+/\S+[^/]$', at most
 * 300): one row it refuses would fail its whole batch, and the import. */
static bool valid_uri(const char *s)
{
    size_t n = strlen(s);
    const char *rest = !strncmp(s, "https://", 8)  ? s + 8
                       : !strncmp(s, "http://", 7) ? s + 7
                                                   : NULL;
    if (!rest || n > 300 || s[n - 1] == '/' || !strchr(rest, '/') || *rest == '/' ||
        strlen(strchr(rest, '/')) < 3)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
            return false;
    return true;
}

/* The text, or null when empty or longer than `max` characters (the
 * columns' CHECK counts characters, not bytes). */
static json_t *text_or_null(const char *s, size_t max)
{
    size_t characters = 0;
    for (const char *p = s; p && *p; p++)
        characters += ((unsigned char)*p & 0xC0) != 0x80;
    return characters && characters <= max ? json_string(s) : json_null();
}

int bpa_import_terms(const char *url, enum bpa_term kind, const char *path, const char *language,
                     json_t **summary, char *error, size_t error_size)
{
    const char *extra_name = kind == BPA_SKILL ? "skill_type" : "isco_group";
    FILE *in = fopen(path, "rb");
    if (!in)
        return bpa_reason(error, error_size, "cannot open %s: %s", path, strerror(errno));
    struct bpa_csv csv;
    bpa_csv_init(&csv, in, ',', true);
    char **f;
    size_t n;
    if (bpa_csv_next(&csv, &f, &n) != 1) {
        bpa_csv_free(&csv);
        fclose(in);
        return bpa_reason(error, error_size, "%s is empty or not CSV", path);
    }
    /* The official download (conceptUri, preferredLabel, skillType or
     * iscoGroup) or the subset format (uri, label_en, label_nl, ...). */
    int uri = column(f, n, "conceptUri"), label = column(f, n, "preferredLabel");
    int extra = column(f, n, kind == BPA_SKILL ? "skillType" : "iscoGroup");
    int label_en = -1, label_nl = -1;
    if (uri >= 0 && label >= 0) {
        bool dutch = language ? strcmp(language, "nl") == 0 : strstr(path, "_nl.") != NULL;
        *(dutch ? &label_nl : &label_en) = label;
    } else {
        uri = column(f, n, "uri");
        label_en = column(f, n, "label_en");
        label_nl = column(f, n, "label_nl");
        extra = column(f, n, extra_name);
    }
    if (uri < 0 || (label_en < 0 && label_nl < 0)) {
        bpa_csv_free(&csv);
        fclose(in);
        return bpa_reason(error, error_size,
                          "%s has neither ESCO's columns (conceptUri, preferredLabel) nor "
                          "uri, label_en, label_nl",
                          path);
    }

    struct run run;
    enum bpa_term term = kind;
    if (begin(&run, url, kind == BPA_SKILL ? "skills" : "occupations") != 0) {
        bpa_csv_free(&csv);
        fclose(in);
        return bpa_reason(error, error_size, "out of memory");
    }
    run.upsert = upsert_terms;
    run.arg = &term;
    int rc = 0, read;
    while (rc == 0 && (read = bpa_csv_next(&csv, &f, &n)) != 0) {
        run.rows++;
        if (read < 0) {
            rc = bpa_reason(error, error_size, "%s: record at line %lu is not valid CSV", path,
                            csv.line);
            break;
        }
        const char *u = (size_t)uri < n ? f[uri] : "";
        const char *en = label_en >= 0 && (size_t)label_en < n ? f[label_en] : NULL;
        const char *nl = label_nl >= 0 && (size_t)label_nl < n ? f[label_nl] : NULL;
        const char *x = extra >= 0 && (size_t)extra < n ? f[extra] : NULL;
        if (!valid_uri(u)) {
            skip(&run, "not an http(s) URI");
            continue;
        }
        if (x && *x &&
            (kind == BPA_SKILL ? strcmp(x, "skill/competence") && strcmp(x, "knowledge")
                               : strspn(x, "0123456789") != strlen(x) || strlen(x) > 4)) {
            skip(&run, kind == BPA_SKILL ? "unknown skill type" : "ISCO group is not 1-4 digits");
            continue;
        }
        /* a label too long to store counts as none: the row may have no label left */
        json_t *label_en_value = text_or_null(en, 500), *label_nl_value = text_or_null(nl, 500);
        if (json_is_null(label_en_value) && json_is_null(label_nl_value)) {
            skip(&run, "no label");
            continue;
        }
        json_t *row = json_pack("{s:s, s:o, s:o, s:o}", "uri", u, "label_en", label_en_value,
                                "label_nl", label_nl_value, extra_name, text_or_null(x, 20));
        rc = accept(&run, u, row, error, error_size);
    }
    if (rc == 0)
        rc = flush(&run, error, error_size);
    if (rc == 0)
        *summary = summary_of(&run, path);
    end(&run);
    bpa_csv_free(&csv);
    fclose(in);
    return rc;
}

/* --- GeoNames postcodes --- */

static enum bpa_db_status upsert_postcodes(struct bpa_db_conn *conn, const char *rows,
                                           char **counts, const void *arg)
{
    (void)arg;
    return bpa_db_postcode_upsert(conn, rows, counts);
}

int bpa_import_postcodes(const char *url, const char *path, json_t **summary, char *error,
                         size_t error_size)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return bpa_reason(error, error_size, "cannot open %s: %s", path, strerror(errno));
    struct bpa_csv tsv;
    bpa_csv_init(&tsv, in, '\t', false);
    struct run run;
    if (begin(&run, url, "postcodes") != 0) {
        fclose(in);
        return bpa_reason(error, error_size, "out of memory");
    }
    run.upsert = upsert_postcodes;
    char **f;
    size_t n;
    int rc = 0, read;
    /* country, postal code, place, province, province code, municipality,
     * municipality code, -, -, latitude, longitude, accuracy */
    while (rc == 0 && (read = bpa_csv_next(&tsv, &f, &n)) != 0) {
        run.rows++;
        if (read < 0) {
            rc = bpa_reason(error, error_size, "%s: line %lu cannot be read", path, tsv.line);
            break;
        }
        if (n < 11) {
            skip(&run, "fewer than 11 columns");
            continue;
        }
        if (strcmp(f[0], "NL") != 0) {
            skip(&run, "not in the Netherlands");
            continue;
        }
        if (strlen(f[1]) != 4 || strspn(f[1], "0123456789") != 4 || f[1][0] == '0') {
            skip(&run, "not a PC4 postcode");
            continue;
        }
        char *end_lat, *end_lon;
        double lat = strtod(f[9], &end_lat), lon = strtod(f[10], &end_lon);
        /* written so that NaN, which compares false, falls outside */
        if (!*f[9] || *end_lat || !*f[10] || *end_lon || !(lat >= 50.7 && lat <= 53.7) ||
            !(lon >= 3.2 && lon <= 7.3)) {
            skip(&run, "coordinates missing or outside the Netherlands");
            continue;
        }
        json_t *row =
            json_pack("{s:i, s:f, s:f, s:o, s:o}", "pc4", atoi(f[1]), "lat", lat, "lon", lon,
                      "place", text_or_null(f[2], 200), "municipality", text_or_null(f[5], 200));
        rc = accept(&run, f[1], row, error, error_size);
    }
    if (rc == 0)
        rc = flush(&run, error, error_size);
    if (rc == 0)
        *summary = summary_of(&run, path);
    end(&run);
    bpa_csv_free(&tsv);
    fclose(in);
    return rc;
}
