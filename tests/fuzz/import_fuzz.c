/* Fuzzes the reference-data imports (server/import.c): ESCO skills and
 * occupations (official or subset CSV, English or Dutch) and the GeoNames
 * postcode dump, from file to the rows they would upsert. The database is
 * faked: it checks the rows it is given. The first byte picks the import
 * and its language; the rest is the file, held in memory (memfd), never on
 * disk.
 *
 * Invariants: every row written is one the database accepts (the CHECK
 * constraints of schema/0002_reference_data.sql, written out again: one
 * bad row would fail its whole batch, and the import), each key once; the
 * summary adds up (rows = inserted + updated + unchanged + skipped); a
 * failed import gives a reason.
 *
 * fuzz-links: server/import.c server/csv.c server/errors.c server/log.c
 * fuzz-flags: -max_len=8192
 */
#define _GNU_SOURCE /* memfd_create */
#include "db/db.h"
#include "fuzz.h"
#include "import.h"
#include "log.h"

#include <sys/mman.h>
#include <unistd.h>

/* --- the database, faked --- */

static char pool_token, conn_token;
static json_t *written; /* keys upserted during one import */

struct bpa_db_pool *bpa_db_pool_new(const char *url, unsigned size)
{
    (void)url;
    (void)size;
    return (struct bpa_db_pool *)(void *)&pool_token;
}

void bpa_db_pool_free(struct bpa_db_pool *pool)
{
    FUZZ_CHECK(pool == NULL || pool == (struct bpa_db_pool *)(void *)&pool_token);
}

enum bpa_db_status bpa_db_pool_acquire(struct bpa_db_pool *pool, unsigned wait_ms,
                                       struct bpa_db_conn **out)
{
    (void)pool;
    (void)wait_ms;
    *out = (struct bpa_db_conn *)(void *)&conn_token;
    return BPA_DB_OK;
}

void bpa_db_pool_release(struct bpa_db_pool *pool, struct bpa_db_conn *conn)
{
    (void)pool;
    (void)conn;
}

enum bpa_db_status bpa_db_transaction(struct bpa_db_conn *conn, enum bpa_db_isolation isolation,
                                      bpa_db_work_fn work, void *context)
{
    (void)isolation;
    return work(conn, context);
}

/* uri ~ '^https?://[^\s/]+/\S+[^/]$' AND length(uri) <= 300 */
static bool valid_uri(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    const char *host = n && !strncmp(s, "http://", 7)    ? s + 7
                       : n && !strncmp(s, "https://", 8) ? s + 8
                                                         : NULL;
    if (!host || n > 300)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7F)
            return false;
    const char *slash = strchr(host, '/');
    return slash && slash > host && strlen(slash + 1) >= 2 && s[n - 1] != '/';
}

/* Characters (code points) of valid UTF-8, as PostgreSQL's length() counts. */
static size_t characters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* NULL, or text of min..max characters */
static bool text_or_null(const json_t *v, size_t min, size_t max)
{
    if (json_is_null(v))
        return true;
    const char *s = json_string_value(v);
    return s && characters(s) >= min && characters(s) <= max;
}

/* Checks each row, remembers its key; counts it as inserted. */
static void take(const char *rows, char **counts, bool terms, enum bpa_term kind)
{
    json_t *list = json_loads(rows, 0, NULL);
    FUZZ_CHECK(json_is_array(list) && json_array_size(list) > 0);
    size_t i;
    json_t *row;
    json_array_foreach(list, i, row)
    {
        char key[16];
        const char *k;
        if (terms) {
            k = json_string_value(json_object_get(row, "uri"));
            FUZZ_CHECK(valid_uri(k));
            const json_t *en = json_object_get(row, "label_en"),
                         *nl = json_object_get(row, "label_nl");
            FUZZ_CHECK(en && nl && text_or_null(en, 1, 500) && text_or_null(nl, 1, 500));
            FUZZ_CHECK(!json_is_null(en) || !json_is_null(nl));
            const json_t *extra =
                json_object_get(row, kind == BPA_SKILL ? "skill_type" : "isco_group");
            const char *x = json_string_value(extra);
            FUZZ_CHECK(json_is_null(extra) ||
                       (kind == BPA_SKILL
                            ? x && (!strcmp(x, "skill/competence") || !strcmp(x, "knowledge"))
                            : x && *x && strlen(x) <= 4 && strspn(x, "0123456789") == strlen(x)));
        } else {
            json_int_t pc4 = json_integer_value(json_object_get(row, "pc4"));
            double lat = json_real_value(json_object_get(row, "lat"));
            double lon = json_real_value(json_object_get(row, "lon"));
            FUZZ_CHECK(pc4 >= 1000 && pc4 <= 9999);
            FUZZ_CHECK(lat >= 50.7 && lat <= 53.7 && lon >= 3.2 && lon <= 7.3);
            const json_t *place = json_object_get(row, "place");
            const json_t *municipality = json_object_get(row, "municipality");
            FUZZ_CHECK(place && text_or_null(place, 0, 200));
            FUZZ_CHECK(municipality && text_or_null(municipality, 0, 200));
            snprintf(key, sizeof key, "%lld", (long long)pc4);
            k = key;
        }
        FUZZ_CHECK(!json_object_get(written, k));
        json_object_set_new(written, k, json_true());
    }
    char text[64];
    snprintf(text, sizeof text, "{\"inserted\": %zu, \"updated\": 0}", json_array_size(list));
    *counts = strdup(text);
    json_decref(list);
}

enum bpa_db_status bpa_db_term_upsert(struct bpa_db_conn *conn, enum bpa_term kind,
                                      const char *rows, char **counts)
{
    (void)conn;
    take(rows, counts, true, kind);
    return BPA_DB_OK;
}

enum bpa_db_status bpa_db_postcode_upsert(struct bpa_db_conn *conn, const char *rows, char **counts)
{
    (void)conn;
    take(rows, counts, false, BPA_SKILL);
    return BPA_DB_OK;
}

/* --- the harness --- */

static int file = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    bpa_log_set_level(BPA_LOG_ERROR); /* no progress lines */
    file = memfd_create("import", 0);
    FUZZ_CHECK(file >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", file);
    return 0;
}

static json_int_t member(const json_t *summary, const char *name)
{
    const json_t *n = json_object_get(summary, name);
    FUZZ_CHECK(json_is_integer(n) && json_integer_value(n) >= 0);
    return json_integer_value(n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    FUZZ_CHECK(ftruncate(file, 0) == 0);
    FUZZ_CHECK(pwrite(file, data + 1, size - 1, 0) == (ssize_t)(size - 1));
    static const char *const languages[] = {NULL, "en", "nl"};
    const char *language = languages[(data[0] >> 2) % 3];
    written = json_object();
    json_t *summary = NULL;
    char error[256] = "";
    int rc;
    switch (data[0] % 3) {
    case 0:
        rc = bpa_import_terms("fake", BPA_SKILL, path, language, &summary, error, sizeof error);
        break;
    case 1:
        rc =
            bpa_import_terms("fake", BPA_OCCUPATION, path, language, &summary, error, sizeof error);
        break;
    default:
        rc = bpa_import_postcodes("fake", path, &summary, error, sizeof error);
        break;
    }
    if (rc == 0) {
        FUZZ_CHECK(json_is_object(summary));
        json_int_t inserted = member(summary, "inserted");
        FUZZ_CHECK(inserted == (json_int_t)json_object_size(written));
        FUZZ_CHECK(member(summary, "rows") == inserted + member(summary, "updated") +
                                                  member(summary, "unchanged") +
                                                  member(summary, "skipped"));
        char *text = json_dumps(summary, JSON_COMPACT);
        FUZZ_CHECK(text != NULL);
        free(text);
    } else {
        FUZZ_CHECK(rc == -1 && error[0] != '\0' && summary == NULL);
    }
    json_decref(summary);
    json_decref(written);
    return 0;
}
