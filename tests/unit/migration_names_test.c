/* Migration file names and loading a folder of migrations. */
#include "db/migrate.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(names)
{
    ck_assert(bpa_migration_name_valid("0001_common.sql"));
    ck_assert(bpa_migration_name_valid("0042_add_2_columns.sql"));
    ck_assert(!bpa_migration_name_valid("001_short.sql"));
    ck_assert(!bpa_migration_name_valid("0001-dash.sql"));
    ck_assert(!bpa_migration_name_valid("0001_Upper.sql"));
    ck_assert(!bpa_migration_name_valid("0001_.sql"));
    ck_assert(!bpa_migration_name_valid("0001_x.SQL"));
    ck_assert(!bpa_migration_name_valid("abcd_name.sql"));
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(folder_is_loaded_in_order_with_checksums)
{
    char dir[] = "/tmp/bpa-migrations-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    write_file(dir, "0002_second.sql", "SELECT 2;");
    write_file(dir, "0001_first.sql", "SELECT 1;");
    write_file(dir, "README.md", "not a migration");
    struct bpa_migrations set;
    char error[256];
    ck_assert_int_eq(bpa_migrations_load(dir, &set, error, sizeof error), 0);
    ck_assert_uint_eq(set.count, 2);
    ck_assert_str_eq(set.items[0].name, "0001_first.sql");
    ck_assert_str_eq(set.items[1].sql, "SELECT 2;");
    ck_assert_uint_eq(strlen(set.items[0].checksum), 64);
    ck_assert_str_ne(set.items[0].checksum, set.items[1].checksum);
    ck_assert_str_eq(set.names_array, "{0001_first.sql,0002_second.sql}");
    ck_assert_ptr_nonnull(strstr(set.checksums_array, set.items[1].checksum));
    bpa_migrations_free(&set);

    write_file(dir, "0002_clash.sql", "SELECT 3;");
    ck_assert_int_eq(bpa_migrations_load(dir, &set, error, sizeof error), -1);
    ck_assert_ptr_nonnull(strstr(error, "share a number"));
    write_file(dir, "9_bad.sql", "");
    ck_assert_int_eq(bpa_migrations_load(dir, &set, error, sizeof error), -1);
    ck_assert_ptr_nonnull(strstr(error, "9_bad.sql"));

    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(command), 0);
    ck_assert_int_eq(bpa_migrations_load(dir, &set, error, sizeof error), -1);
    ck_assert_ptr_nonnull(strstr(error, "cannot open"));
}
END_TEST

Suite *migration_names_suite(void)
{
    Suite *s = suite_create("migrations");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, names);
    tcase_add_test(tc, folder_is_loaded_in_order_with_checksums);
    suite_add_tcase(s, tc);
    return s;
}
