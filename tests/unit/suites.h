/* The unit test suites, one per module, run by main.c. */
#ifndef BPA_UNIT_SUITES_H
#define BPA_UNIT_SUITES_H

#include <check.h>

Suite *router_suite(void);
Suite *request_id_suite(void);
Suite *config_suite(void);
Suite *errors_suite(void);
Suite *metrics_suite(void);
Suite *migration_names_suite(void);
Suite *contract_suite(void);
Suite *schedule_suite(void);
Suite *fields_suite(void);
Suite *csv_suite(void);
Suite *auth_suite(void);
Suite *matcher_suite(void);
Suite *match_life_suite(void);
Suite *address_suite(void);
Suite *log_suite(void);
Suite *email_text_suite(void);
Suite *blindness_suite(void);
Suite *round_suite(void);
Suite *unmet_suite(void);
Suite *report_funnel_suite(void);

#endif
