/* Schema migrations. */
#include "errors.h"
#include "migrate.h"

#include "internal.h"
#include "log.h"

#include <dirent.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any constant will do; it names "the migration lock" for all daemons. */
#define MIGRATION_LOCK_KEY "7301160501"

bool bpa_migration_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len < 10 || strcmp(name + len - 4, ".sql") != 0 || name[4] != '_')
        return false;
    for (size_t i = 0; i < len - 4; i++) {
        char c = name[i];
        bool ok = i < 4 ? (c >= '0' && c <= '9')
                        : (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok)
            return false;
    }
    return true;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *data = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1))) {
            *len = fread(data, 1, (size_t)size, f);
            data[*len] = '\0';
        }
    }
    fclose(f);
    return data;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct bpa_migration *)a)->name, ((const struct bpa_migration *)b)->name);
}

/* "{a,b,c}" from the names or the checksums of every migration; neither
 * needs quoting (checked by bpa_migration_name_valid and hex encoding). */
static char *array_literal(const struct bpa_migrations *set, bool checksums)
{
    size_t len = 3;
    for (size_t i = 0; i < set->count; i++)
        len += strlen(checksums ? set->items[i].checksum : set->items[i].name) + 1;
    char *out = malloc(len);
    if (!out)
        return NULL;
    strcpy(out, "{");
    for (size_t i = 0; i < set->count; i++) {
        if (i)
            strcat(out, ",");
        strcat(out, checksums ? set->items[i].checksum : set->items[i].name);
    }
    strcat(out, "}");
    return out;
}

int bpa_migrations_load(const char *dir, struct bpa_migrations *out, char *error, size_t error_size)
{
    *out = (struct bpa_migrations){0};
    DIR *d = opendir(dir);
    if (!d)
        return bpa_reason(error, error_size, "cannot open the schema folder '%s'", dir);
    struct dirent *entry;
    int rc = 0;
    while (rc == 0 && (entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        if (name[0] == '.' || strcmp(name + (strlen(name) > 4 ? strlen(name) - 4 : 0), ".sql"))
            continue;
        if (!bpa_migration_name_valid(name)) {
            rc = bpa_reason(error, error_size, "'%s' in %s is not named NNNN_lower_case_name.sql",
                            name, dir);
            break;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        struct bpa_migration m = {.name = strdup(name)};
        size_t len = 0;
        m.sql = read_file(path, &len);
        struct bpa_migration *grown = realloc(out->items, (out->count + 1) * sizeof *grown);
        if (!m.name || !m.sql || !grown) {
            free(m.name);
            free(m.sql);
            if (grown)
                out->items = grown;
            rc = bpa_reason(error, error_size, "cannot read %s", path);
            break;
        }
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(digest, (const unsigned char *)m.sql, len);
        sodium_bin2hex(m.checksum, sizeof m.checksum, digest, sizeof digest);
        out->items = grown;
        out->items[out->count++] = m;
    }
    closedir(d);
    if (rc == 0 && out->count == 0)
        rc = bpa_reason(error, error_size, "no migrations in the schema folder '%s'", dir);
    if (rc == 0) {
        qsort(out->items, out->count, sizeof out->items[0], by_name);
        for (size_t i = 1; i < out->count; i++)
            if (strncmp(out->items[i - 1].name, out->items[i].name, 4) == 0)
                rc = bpa_reason(error, error_size, "%s and %s share a number",
                                out->items[i - 1].name, out->items[i].name);
    }
    if (rc == 0) {
        out->names_array = array_literal(out, false);
        out->checksums_array = array_literal(out, true);
        if (!out->names_array || !out->checksums_array)
            rc = bpa_reason(error, error_size, "out of memory");
    }
    if (rc != 0)
        bpa_migrations_free(out);
    return rc;
}

void bpa_migrations_free(struct bpa_migrations *set)
{
    for (size_t i = 0; i < set->count; i++) {
        free(set->items[i].name);
        free(set->items[i].sql);
    }
    free(set->items);
    free(set->names_array);
    free(set->checksums_array);
    *set = (struct bpa_migrations){0};
}

/* The name-to-checksum rows already recorded, or NULL with a reason. A
 * database that has never been migrated has no rows. */
static PGresult *applied_rows(PGconn *pg, char *error, size_t error_size)
{
    PGresult *r = PQexec(pg, "SELECT to_regclass('bpa_schema_migrations') IS NOT NULL");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
        bool exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
        PQclear(r);
        r = PQexec(pg, exists ? "SELECT name, checksum FROM bpa_schema_migrations"
                              : "SELECT NULL::text, NULL::text WHERE false");
        if (PQresultStatus(r) == PGRES_TUPLES_OK)
            return r;
    }
    bpa_reason(error, error_size, "cannot read the applied migrations: %s", PQerrorMessage(pg));
    PQclear(r);
    return NULL;
}

/* The checksum recorded for `name`, or NULL when it is not applied. */
static const char *recorded_checksum(const PGresult *rows, const char *name)
{
    for (int i = 0; i < PQntuples(rows); i++)
        if (strcmp(PQgetvalue(rows, i, 0), name) == 0)
            return PQgetvalue(rows, i, 1);
    return NULL;
}

static int check_unchanged(const struct bpa_migration *m, const char *recorded, char *error,
                           size_t error_size)
{
    if (strcmp(recorded, m->checksum) == 0)
        return 0;
    return bpa_reason(error, error_size,
                      "migration %s was changed after it was applied (applied checksum %.12s, file "
                      "%.12s); add a new migration instead",
                      m->name, recorded, m->checksum);
}

static int apply_one(PGconn *pg, const struct bpa_migration *m, char *error, size_t error_size)
{
    PGresult *r = PQexec(pg, "BEGIN");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        r = PQexec(pg, m->sql);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
        if (!ok)
            bpa_reason(error, error_size, "migration %s failed: %s", m->name,
                       PQresultErrorMessage(r));
        PQclear(r);
    }
    if (ok) {
        const char *params[] = {m->name, m->checksum};
        r = PQexecParams(pg, "INSERT INTO bpa_schema_migrations (name, checksum) VALUES ($1, $2)",
                         2, NULL, params, NULL, NULL, 0);
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            bpa_reason(error, error_size, "recording %s failed: %s", m->name,
                       PQresultErrorMessage(r));
        PQclear(r);
    }
    if (ok) {
        r = PQexec(pg, "COMMIT");
        ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok)
            bpa_reason(error, error_size, "committing %s failed: %s", m->name,
                       PQresultErrorMessage(r));
        PQclear(r);
    } else {
        PQclear(PQexec(pg, "ROLLBACK"));
    }
    return ok ? 0 : -1;
}

static int run_apply(PGconn *pg, const struct bpa_migrations *set, unsigned *applied, char *error,
                     size_t error_size)
{
    PGresult *r = PQexec(pg, "CREATE TABLE IF NOT EXISTS bpa_schema_migrations ("
                             " name text PRIMARY KEY,"
                             " checksum text NOT NULL,"
                             " applied_at timestamptz NOT NULL DEFAULT now())");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok)
        return bpa_reason(error, error_size, "cannot create bpa_schema_migrations: %s",
                          PQerrorMessage(pg));
    PGresult *rows = applied_rows(pg, error, error_size);
    if (!rows)
        return -1;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < set->count; i++) {
        const struct bpa_migration *m = &set->items[i];
        const char *recorded = recorded_checksum(rows, m->name);
        if (recorded) {
            rc = check_unchanged(m, recorded, error, error_size);
            continue;
        }
        bpa_log(BPA_LOG_INFO, "migration_applying", json_pack("{s:s}", "name", m->name));
        rc = apply_one(pg, m, error, error_size);
        if (rc == 0)
            (*applied)++;
    }
    PQclear(rows);
    return rc;
}

int bpa_migrations_apply(const char *url, const struct bpa_migrations *set, unsigned *applied,
                         char *error, size_t error_size)
{
    *applied = 0;
    PGconn *pg = bpa_db_open(url, error, error_size);
    if (!pg)
        return -1;
    PGresult *r = PQexec(pg, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")");
    int rc = PQresultStatus(r) == PGRES_TUPLES_OK
                 ? 0
                 : bpa_reason(error, error_size, "cannot take the migration lock: %s",
                              PQerrorMessage(pg));
    PQclear(r);
    if (rc == 0) {
        rc = run_apply(pg, set, applied, error, error_size);
        PQclear(PQexec(pg, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")"));
    }
    PQfinish(pg);
    return rc;
}

int bpa_migrations_verify(const char *url, const struct bpa_migrations *set, char *error,
                          size_t error_size)
{
    PGconn *pg = bpa_db_open(url, error, error_size);
    if (!pg)
        return -1;
    PGresult *rows = applied_rows(pg, error, error_size);
    int rc = rows ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < set->count; i++) {
        const struct bpa_migration *m = &set->items[i];
        const char *recorded = recorded_checksum(rows, m->name);
        if (!recorded)
            rc = bpa_reason(error, error_size,
                            "the database schema is behind: migration %s is not applied"
                            " (run with --migrate, or `bpa-server migrate`)",
                            m->name);
        else
            rc = check_unchanged(m, recorded, error, error_size);
    }
    if (rows && rc == 0 && PQntuples(rows) > (int)set->count)
        bpa_log(BPA_LOG_WARN, "schema_ahead",
                json_pack("{s:s}", "message",
                          "the database has migrations this build does not know; "
                          "a newer version has migrated it"));
    PQclear(rows);
    PQfinish(pg);
    return rc;
}
