/* Schema migrations: schema/NNNN_name.sql files, applied in name order,
 * each in its own transaction, recorded in bpa_schema_migrations with a
 * SHA-256 checksum of the file. A migration must not contain BEGIN or
 * COMMIT of its own. */
#ifndef BPA_DB_MIGRATE_H
#define BPA_DB_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

struct bpa_migration {
    char *name;        /* file name, e.g. "0001_common.sql" */
    char checksum[65]; /* lower-case hex SHA-256 of the file */
    char *sql;
};

struct bpa_migrations {
    struct bpa_migration *items; /* sorted by name */
    size_t count;
    char *names_array;     /* PostgreSQL array literals of the names and */
    char *checksums_array; /* checksums, for the readiness query */
};

/* True for NNNN_name.sql with a lower-case, digit or underscore name. */
bool bpa_migration_name_valid(const char *name);

/* Reads every migration file in `dir`. Returns 0, or -1 with a reason. */
int bpa_migrations_load(const char *dir, struct bpa_migrations *out, char *error,
                        size_t error_size);
void bpa_migrations_free(struct bpa_migrations *set);

/* Applies what is pending, under an advisory lock so several daemons may
 * start with --migrate at once. *applied counts the files applied now.
 * Fails when an applied file has changed since. */
int bpa_migrations_apply(const char *url, const struct bpa_migrations *set, unsigned *applied,
                         char *error, size_t error_size);

/* Fails, naming the first missing or changed migration, unless the
 * database has every migration of `set` applied unchanged. */
int bpa_migrations_verify(const char *url, const struct bpa_migrations *set, char *error,
                          size_t error_size);

#endif
