/* Route matching: parameters, 404 against 405, Allow, HEAD. */
#include "router.h"
#include "suites.h"

#include <string.h>

static int dummy(struct bpa_request *request)
{
    (void)request;
    return 0;
}

/* The tables leave out the routes' single reads (router.h). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct bpa_route routes[] = {
    {"GET", "/v1/seekers", dummy, 0},
    {"POST", "/v1/seekers", dummy, 0},
    {"GET", "/v1/seekers/{id}", dummy, 0},
    {"PATCH", "/v1/seekers/{id}", dummy, 0},
    {"GET", "/v1/seekers/{id}/matches/{placement_id}", dummy, 0},
    {"POST", "/v1/placements/{id}/open", dummy, 0},
};
#define COUNT (sizeof routes / sizeof routes[0])

static enum bpa_route_outcome match(const char *method, const char *path, size_t *index,
                                    struct bpa_route_params *params, char *allow)
{
    return bpa_router_match(routes, COUNT, method, path, index, params, allow, 64);
}

START_TEST(exact_path_and_method)
{
    size_t index = 99;
    struct bpa_route_params params;
    char allow[64];
    ck_assert_int_eq(match("POST", "/v1/seekers", &index, &params, allow), BPA_ROUTE_FOUND);
    ck_assert_uint_eq(index, 1);
    ck_assert_uint_eq(params.count, 0);
}
END_TEST

START_TEST(parameters_are_captured)
{
    size_t index;
    struct bpa_route_params params;
    char allow[64];
    ck_assert_int_eq(match("GET", "/v1/seekers/42/matches/p-7", &index, &params, allow),
                     BPA_ROUTE_FOUND);
    ck_assert_uint_eq(index, 4);
    ck_assert_uint_eq(params.count, 2);
    ck_assert_int_eq(strncmp(params.items[0].name, "id", params.items[0].name_len), 0);
    ck_assert_uint_eq(params.items[0].value_len, 2);
    ck_assert_int_eq(strncmp(params.items[0].value, "42", 2), 0);
    ck_assert_int_eq(strncmp(params.items[1].name, "placement_id", params.items[1].name_len), 0);
    ck_assert_uint_eq(params.items[1].value_len, 3);
    ck_assert_int_eq(strncmp(params.items[1].value, "p-7", 3), 0);
}
END_TEST

START_TEST(unknown_paths_are_not_found)
{
    size_t index;
    struct bpa_route_params params;
    char allow[64];
    const char *paths[] = {"/",
                           "/v1",
                           "/v1/seekers/",
                           "/v1/seekers//matches/1",
                           "/v1/seekers/1/2",
                           "/v1/seekersx",
                           "/V1/seekers",
                           ""};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(match("GET", paths[i], &index, &params, allow) == BPA_ROUTE_NOT_FOUND,
                      "%s should not match", paths[i]);
}
END_TEST

START_TEST(wrong_method_lists_allowed_ones)
{
    size_t index;
    struct bpa_route_params params;
    char allow[64];
    ck_assert_int_eq(match("DELETE", "/v1/seekers/9", &index, &params, allow),
                     BPA_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(allow, "GET, HEAD, PATCH");
    ck_assert_int_eq(match("GET", "/v1/placements/3/open", &index, &params, allow),
                     BPA_ROUTE_METHOD_NOT_ALLOWED);
    ck_assert_str_eq(allow, "POST");
}
END_TEST

START_TEST(head_is_served_by_get)
{
    size_t index;
    struct bpa_route_params params;
    char allow[64];
    ck_assert_int_eq(match("HEAD", "/v1/seekers/1", &index, &params, allow), BPA_ROUTE_FOUND);
    ck_assert_uint_eq(index, 2);
    ck_assert_int_eq(match("HEAD", "/v1/placements/1/open", &index, &params, allow),
                     BPA_ROUTE_METHOD_NOT_ALLOWED);
}
END_TEST

START_TEST(too_many_parameters_do_not_match)
{
    static const struct bpa_route deep[] = {{"GET", "/{a}/{b}/{c}/{d}/{e}", dummy, 0}};
    size_t index;
    char allow[8];
    ck_assert_int_eq(bpa_router_match(deep, 1, "GET", "/1/2/3/4/5", &index, NULL, allow, 8),
                     BPA_ROUTE_NOT_FOUND);
}
END_TEST

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, exact_path_and_method);
    tcase_add_test(tc, parameters_are_captured);
    tcase_add_test(tc, unknown_paths_are_not_found);
    tcase_add_test(tc, wrong_method_lists_allowed_ones);
    tcase_add_test(tc, head_is_served_by_get);
    tcase_add_test(tc, too_many_parameters_do_not_match);
    suite_add_tcase(s, tc);
    return s;
}
