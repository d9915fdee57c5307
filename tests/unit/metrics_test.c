/* Metrics: counting by route and status, cumulative histogram buckets. */
#include "metrics.h"
#include "suites.h"

#include <stdlib.h>
#include <string.h>

static char *render(struct bpa_metrics *m)
{
    struct bpa_db_pool_stats db = {.size = 8, .in_use = 3, .connect_failures = 2, .tx_retries = 5};
    char *text = bpa_metrics_render(m, &db);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "bpa_db_pool_size 8\n"));
    ck_assert_ptr_nonnull(strstr(text, "bpa_db_pool_in_use 3\n"));
    ck_assert_ptr_nonnull(strstr(text, "bpa_db_errors_total{kind=\"connect\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "bpa_db_transaction_retries_total 5\n"));
    return text;
}

START_TEST(requests_are_counted_by_route_and_status)
{
    const char *methods[] = {"GET", "POST"};
    const char *patterns[] = {"/healthz", "/v1/seekers"};
    struct bpa_metrics *m = bpa_metrics_new(2, methods, patterns);
    bpa_metrics_observe(m, 0, 200, 0.0004);
    bpa_metrics_observe(m, 0, 200, 0.02);
    bpa_metrics_observe(m, 1, 422, 0.3);
    bpa_metrics_observe(m, 2, 404, 0.001);
    char *text = render(m);
    ck_assert_ptr_nonnull(strstr(
        text, "bpa_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "bpa_http_requests_total{method=\"POST\",route=\"/v1/seekers\",status=\"422\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(
        text, "bpa_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1\n"));
    /* cumulative: 0.0004 is in every bucket, 0.02 from le=0.025 on */
    ck_assert_ptr_nonnull(strstr(text, "bpa_http_request_duration_seconds_bucket{method=\"GET\","
                                       "route=\"/healthz\",le=\"0.001\"} 1\n"));
    ck_assert_ptr_nonnull(strstr(text, "bpa_http_request_duration_seconds_bucket{method=\"GET\","
                                       "route=\"/healthz\",le=\"0.025\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "bpa_http_request_duration_seconds_bucket{method=\"GET\","
                                       "route=\"/healthz\",le=\"+Inf\"} 2\n"));
    ck_assert_ptr_nonnull(strstr(
        text,
        "bpa_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/seekers\"} 1\n"));
    free(text);
    bpa_metrics_free(m);
}
END_TEST

START_TEST(slow_requests_land_only_in_inf)
{
    const char *methods[] = {"GET"};
    const char *patterns[] = {"/slow"};
    struct bpa_metrics *m = bpa_metrics_new(1, methods, patterns);
    bpa_metrics_observe(m, 0, 200, 60.0);
    char *text = render(m);
    ck_assert_ptr_nonnull(strstr(text, "route=\"/slow\",le=\"10\"} 0\n"));
    ck_assert_ptr_nonnull(strstr(text, "route=\"/slow\",le=\"+Inf\"} 1\n"));
    free(text);
    bpa_metrics_free(m);
}
END_TEST

Suite *metrics_suite(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("render");
    tcase_add_test(tc, requests_are_counted_by_route_and_status);
    tcase_add_test(tc, slow_requests_land_only_in_inf);
    suite_add_tcase(s, tc);
    return s;
}
