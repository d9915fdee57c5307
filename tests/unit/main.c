/* Runs every unit suite; exits non-zero when any test fails. */
#include "suites.h"

#include <sodium.h>
#include <stdlib.h>

Suite *client_address_suite(void); /* not in suites.h, which is shared */

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    SRunner *runner = srunner_create(router_suite());
    srunner_add_suite(runner, request_id_suite());
    srunner_add_suite(runner, config_suite());
    srunner_add_suite(runner, errors_suite());
    srunner_add_suite(runner, metrics_suite());
    srunner_add_suite(runner, migration_names_suite());
    srunner_add_suite(runner, contract_suite());
    srunner_add_suite(runner, schedule_suite());
    srunner_add_suite(runner, fields_suite());
    srunner_add_suite(runner, csv_suite());
    srunner_add_suite(runner, auth_suite());
    srunner_add_suite(runner, matcher_suite());
    srunner_add_suite(runner, match_life_suite());
    srunner_add_suite(runner, address_suite());
    srunner_add_suite(runner, log_suite());
    srunner_add_suite(runner, email_text_suite());
    srunner_add_suite(runner, blindness_suite());
    srunner_add_suite(runner, round_suite());
    srunner_add_suite(runner, unmet_suite());
    srunner_add_suite(runner, report_funnel_suite());
    srunner_add_suite(runner, client_address_suite());
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
