/* The OpenAPI document against the server: every route is documented and
 * every documented operation is routed; the ErrorCode enum is exactly the
 * error table. Reads api-docs/openapi.yaml by the block layout it keeps:
 * paths at two spaces, operations at four, enum items as "- code". */
#include "errors.h"
#include "routes.h"
#include "suites.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOC       "api-docs/openapi.yaml"
#define MAX_ITEMS 512

struct documented {
    char operations[MAX_ITEMS][160]; /* "POST /v1/seekers" */
    size_t operation_count;
    char codes[MAX_ITEMS][64];
    size_t code_count;
};

static size_t indent_of(const char *line)
{
    return strspn(line, " ");
}

static void read_document(struct documented *doc)
{
    FILE *f = fopen(DOC, "r");
    ck_assert_msg(f != NULL, "cannot open %s (run from the project root)", DOC);
    memset(doc, 0, sizeof *doc);
    char line[512], path[128] = "";
    enum { ELSEWHERE, PATHS, ERROR_CODE, ERROR_ENUM } where = ELSEWHERE;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        size_t indent = indent_of(line);
        const char *text = line + indent;
        if (!*text || *text == '#')
            continue;
        if (indent == 0)
            where = strcmp(text, "paths:") == 0 ? PATHS : ELSEWHERE;
        if (where == PATHS && indent == 2 && text[0] == '/') {
            snprintf(path, sizeof path, "%.*s", (int)strcspn(text, ":"), text);
        } else if (where == PATHS && indent == 4) {
            static const char *const methods[] = {"get:", "post:", "put:", "patch:", "delete:"};
            for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
                if (strcmp(text, methods[i]) != 0)
                    continue;
                char *op = doc->operations[doc->operation_count++];
                size_t n = 0;
                for (; text[n] != ':'; n++)
                    op[n] = (char)toupper((unsigned char)text[n]);
                snprintf(op + n, sizeof doc->operations[0] - n, " %s", path);
            }
        } else if (where != PATHS && indent == 4 && strcmp(text, "ErrorCode:") == 0) {
            where = ERROR_CODE;
        } else if (where == ERROR_CODE && indent == 6 && strcmp(text, "enum:") == 0) {
            where = ERROR_ENUM;
        } else if (where == ERROR_ENUM && indent == 8 && strncmp(text, "- ", 2) == 0) {
            snprintf(doc->codes[doc->code_count++], sizeof doc->codes[0], "%.63s", text + 2);
        } else if ((where == ERROR_CODE || where == ERROR_ENUM) && indent <= 4) {
            where = ELSEWHERE;
        }
        ck_assert(doc->operation_count < MAX_ITEMS && doc->code_count < MAX_ITEMS);
    }
    fclose(f);
}

static bool listed(char (*items)[160], size_t count, const char *wanted)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(items[i], wanted) == 0)
            return true;
    return false;
}

START_TEST(every_route_is_documented_and_every_operation_routed)
{
    static struct documented doc;
    read_document(&doc);
    ck_assert_uint_gt(doc.operation_count, 0);
    static char routed[MAX_ITEMS][160];
    ck_assert_uint_lt(bpa_all_route_count, MAX_ITEMS);
    for (size_t i = 0; i < bpa_all_route_count; i++) {
        snprintf(routed[i], sizeof routed[i], "%s %s", bpa_all_routes[i].method,
                 bpa_all_routes[i].pattern);
        ck_assert_msg(listed(doc.operations, doc.operation_count, routed[i]),
                      "route %s is missing from %s", routed[i], DOC);
    }
    for (size_t i = 0; i < doc.operation_count; i++)
        ck_assert_msg(listed(routed, bpa_all_route_count, doc.operations[i]),
                      "%s documents %s, which the server does not route", DOC, doc.operations[i]);
}
END_TEST

START_TEST(error_codes_match_the_error_table)
{
    static struct documented doc;
    read_document(&doc);
    ck_assert_uint_eq(doc.code_count, BPA_ERR_COUNT);
    for (size_t i = 0; i < doc.code_count; i++)
        ck_assert_msg(bpa_error_by_code(doc.codes[i]) != BPA_ERR_COUNT,
                      "%s lists error code '%s', which errors.def does not have", DOC,
                      doc.codes[i]);
}
END_TEST

Suite *contract_suite(void)
{
    Suite *s = suite_create("openapi_contract");
    TCase *tc = tcase_create("document");
    tcase_add_test(tc, every_route_is_documented_and_every_operation_routed);
    tcase_add_test(tc, error_codes_match_the_error_table);
    suite_add_tcase(s, tc);
    return s;
}
