/* The reference-data imports through the real binary: a small file with
 * every kind of bad row, and the full ESCO v1.1.1 skills and the GeoNames
 * NL postcodes from ../shared/data, each imported twice with the same
 * result. */
#include "harness.h"

#include <check.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define SHARED "../shared/data/"

static struct harness_db db;
static char scratch[] = "/tmp/bpa-import-XXXXXX";

/* Runs an import command; returns its summary (parsed from the output). */
static json_t *import(const char *command, const char *file, const char *language)
{
    const char *args[] = {command,  file, "--database-url", db.url, language ? "--language" : NULL,
                          language, NULL};
    char *out;
    int status = harness_run_command(args, &out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s %s: %s", command, file, out);
    const char *start = strstr(out, "{\n  \"import\"");
    ck_assert_msg(start != NULL, "no summary in: %s", out);
    json_t *summary = json_loads(start, JSON_DISABLE_EOF_CHECK, NULL);
    ck_assert_ptr_nonnull(summary);
    free(out);
    return summary;
}

static long long member(const json_t *summary, const char *name)
{
    return json_integer_value(json_object_get(summary, name));
}

static bool shared_data(const char *path)
{
    if (access(path, R_OK) == 0)
        return true;
    fprintf(stderr, "skipped: %s is absent (the shared data folder is not beside the project)\n",
            path);
    return false;
}

START_TEST(bad_rows_are_skipped_with_reasons)
{
    json_t *s = import("import-skills", "tests/integration/fixtures/import/skills_small.csv", NULL);
    ck_assert_int_eq(member(s, "rows"), 7);
    ck_assert_int_eq(member(s, "inserted"), 2);
    ck_assert_int_eq(member(s, "skipped"), 5);
    json_t *reasons = json_object_get(s, "skipped_reasons");
    ck_assert_int_eq(member(reasons, "not an http(s) URI"), 1);
    ck_assert_int_eq(member(reasons, "no label"), 1);
    ck_assert_int_eq(member(reasons, "unknown skill type"), 1);
    ck_assert_int_eq(member(reasons, "listed twice in the file (the first was kept)"), 1);
    ck_assert_int_eq(member(reasons, "a value that is not valid UTF-8 text or not a finite number"),
                     1);
    json_decref(s);
    char value[128];
    ck_assert(harness_db_value(&db,
                               "SELECT label_nl FROM skills WHERE uri ="
                               " 'http://data.europa.eu/esco/skill/fx-1'",
                               value, sizeof value));
    ck_assert_str_eq(value, "lassen en \"solderen\"");
    ck_assert(harness_db_value(&db,
                               "SELECT label_en FROM skills WHERE uri ="
                               " 'http://data.europa.eu/esco/skill/fx-2'",
                               value, sizeof value));
    ck_assert_str_eq(value, "read\nplans");

    const char *args[] = {"import-skills", "/nonexistent.csv", "--database-url", db.url, NULL};
    char *out;
    int status = harness_run_command(args, &out);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    ck_assert_ptr_nonnull(strstr(out, "cannot open /nonexistent.csv"));
    free(out);
}
END_TEST

START_TEST(full_esco_skills_twice_then_dutch_labels)
{
    const char *zip = SHARED "esco/esco-v1.1.1-classification-en-csv.zip";
    if (!shared_data(zip))
        return;
    char command[512], file[128];
    snprintf(command, sizeof command, "unzip -o -q '%s' skills_en.csv occupations_en.csv -d '%s'",
             zip, scratch);
    ck_assert_int_eq(system(command), 0);
    snprintf(file, sizeof file, "%s/skills_en.csv", scratch);

    json_t *first = import("import-skills", file, NULL);
    long long rows = member(first, "rows");
    ck_assert_int_gt(rows, 13000);
    ck_assert_int_eq(member(first, "skipped"), 0);
    long long before_inserted = member(first, "inserted");
    json_decref(first);
    json_t *second = import("import-skills", file, NULL);
    ck_assert_int_eq(member(second, "rows"), rows);
    ck_assert_int_eq(member(second, "inserted"), 0);
    ck_assert_int_eq(member(second, "updated"), 0);
    ck_assert_int_eq(member(second, "unchanged"), rows);
    json_decref(second);
    char count[32];
    ck_assert(harness_db_value(&db,
                               "SELECT count(*) FROM skills WHERE uri LIKE "
                               "'http://data.europa.eu/esco/skill/%-%-%'",
                               count, sizeof count));
    ck_assert_int_ge(atoll(count), before_inserted);

    /* the subset adds Dutch labels to skills already there */
    json_t *dutch = import("import-skills", SHARED "esco/esco_skills_subset.csv", NULL);
    ck_assert_int_eq(member(dutch, "inserted"), 0);
    ck_assert_int_gt(member(dutch, "updated"), 0);
    json_decref(dutch);
    ck_assert(harness_db_value(&db,
                               "SELECT label_nl FROM skills WHERE uri = 'http://data.europa.eu/"
                               "esco/skill/86df7af2-f9f3-4c06-a500-7f1fba9e78fe'",
                               count, sizeof count));
    ck_assert_ptr_nonnull(strstr(count, "gezondheids"));

    snprintf(file, sizeof file, "%s/occupations_en.csv", scratch);
    json_t *occupations = import("import-occupations", file, "en");
    ck_assert_int_gt(member(occupations, "inserted"), 2900);
    json_decref(occupations);
}
END_TEST

START_TEST(geonames_postcodes_twice)
{
    const char *tsv = SHARED "postcodes/geonames_NL.tsv";
    if (!shared_data(tsv))
        return;
    json_t *first = import("import-postcodes", tsv, NULL);
    long long inserted = member(first, "inserted");
    ck_assert_int_gt(inserted, 4000);
    ck_assert_int_eq(member(first, "rows"), inserted + member(first, "skipped"));
    json_decref(first);
    json_t *second = import("import-postcodes", tsv, NULL);
    ck_assert_int_eq(member(second, "inserted"), 0);
    ck_assert_int_eq(member(second, "unchanged"), inserted);
    json_decref(second);
    char place[64];
    ck_assert(harness_db_value(&db, "SELECT municipality FROM postcodes WHERE pc4 = 2516", place,
                               sizeof place));
    ck_assert_ptr_nonnull(strstr(place, "Den Haag"));
}
END_TEST

START_TEST(the_demo_world_loads)
{
    FILE *f = fopen("scripts/demo.sql", "r");
    ck_assert_ptr_nonnull(f);
    static char sql[1 << 16];
    size_t n = fread(sql, 1, sizeof sql - 1, f);
    fclose(f);
    sql[n] = '\0';
    ck_assert_int_eq(harness_db_sql(&db, sql), 0);
    char value[32];
    ck_assert(harness_db_value(&db,
                               "SELECT count(*) FROM placement_documents WHERE status = 'open'",
                               value, sizeof value));
    ck_assert_str_eq(value, "4");
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM seekers WHERE postcode LIKE '25%'", value,
                               sizeof value));
    ck_assert_str_eq(value, "5");
    ck_assert(harness_db_value(&db, "SELECT count(*) FROM employers WHERE verified", value,
                               sizeof value));
    ck_assert_str_eq(value, "3");
}
END_TEST

int main(void)
{
    if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || !mkdtemp(scratch))
        return 2;
    harness_db_create(&db);
    const char *migrate[] = {"migrate", "--database-url", db.url, NULL};
    char *out;
    int status = harness_run_command(migrate, &out);
    free(out);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 2;
    Suite *s = suite_create("imports");
    TCase *tc = tcase_create("reference");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, bad_rows_are_skipped_with_reasons);
    tcase_add_test(tc, full_esco_skills_twice_then_dutch_labels);
    tcase_add_test(tc, geonames_postcodes_twice);
    tcase_add_test(tc, the_demo_world_loads);
    suite_add_tcase(s, tc);
    int failed = harness_run_suite(s);
    harness_db_destroy(&db);
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", scratch);
    if (system(command) != 0)
        failed++;
    curl_global_cleanup();
    return failed ? 1 : 0;
}
