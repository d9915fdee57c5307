/* The endpoint handlers, one file per resource. */
#ifndef BPA_HANDLERS_H
#define BPA_HANDLERS_H

#include "http.h"

/* health.c */
int bpa_handle_healthz(struct bpa_request *request);
int bpa_handle_readyz(struct bpa_request *request);
int bpa_handle_metrics(struct bpa_request *request);

/* auth.c */
int bpa_handle_login(struct bpa_request *request);
int bpa_handle_logout(struct bpa_request *request);
int bpa_handle_me(struct bpa_request *request);

/* audit.c */
int bpa_handle_audit_list(struct bpa_request *request);

/* docs.c */
int bpa_handle_openapi(struct bpa_request *request);
int bpa_handle_console(struct bpa_request *request);
int bpa_handle_console_asset(struct bpa_request *request);
int bpa_handle_docs(struct bpa_request *request);

/* employers.c */
int bpa_handle_employer_create(struct bpa_request *request);
int bpa_handle_employer_get(struct bpa_request *request);
extern const struct bpa_single_read bpa_employer_read; /* the get without a worker */
int bpa_handle_employer_update(struct bpa_request *request);
int bpa_handle_employer_list(struct bpa_request *request);
int bpa_handle_employer_verify(struct bpa_request *request);
int bpa_handle_portal_rate_limit(struct bpa_request *request);

/* match_workflow.c */
int bpa_handle_match_create(struct bpa_request *request);
int bpa_handle_match_get(struct bpa_request *request);
int bpa_handle_match_list(struct bpa_request *request);
int bpa_handle_match_queue(struct bpa_request *request);
int bpa_handle_match_transition(struct bpa_request *request);

/* matches.c */
int bpa_handle_seeker_matches(struct bpa_request *request);
int bpa_handle_placement_candidates(struct bpa_request *request);
int bpa_handle_match_pair(struct bpa_request *request);

/* webhooks.c */
int bpa_handle_webhook_register(struct bpa_request *request);
int bpa_handle_webhook_status(struct bpa_request *request);
int bpa_handle_webhook_rotate(struct bpa_request *request);
int bpa_handle_webhook_test(struct bpa_request *request);

/* notifications.c */
int bpa_handle_feed(struct bpa_request *request);
int bpa_handle_feed_read(struct bpa_request *request);
int bpa_handle_deliveries(struct bpa_request *request);
int bpa_handle_delivery_retry(struct bpa_request *request);

/* placements.c */
extern const char *const bpa_cefr_levels[];
int bpa_handle_placement_create(struct bpa_request *request);
int bpa_handle_placement_get(struct bpa_request *request);
extern const struct bpa_single_read bpa_placement_read; /* the get without a worker */
int bpa_handle_placement_update(struct bpa_request *request);
int bpa_handle_placement_list(struct bpa_request *request);
int bpa_handle_placement_open(struct bpa_request *request);
int bpa_handle_placement_close(struct bpa_request *request);
int bpa_handle_placement_delete(struct bpa_request *request);

/* seekers.c */
int bpa_handle_seeker_create(struct bpa_request *request);
int bpa_handle_seeker_get(struct bpa_request *request);
int bpa_handle_seeker_update(struct bpa_request *request);
int bpa_handle_seeker_list(struct bpa_request *request);
int bpa_handle_seeker_delete(struct bpa_request *request);

/* profiles.c: a seeker as an employer may see them (a new reference, or
 * NULL when there is no such seeker or the database failed) */
json_t *bpa_seeker_profile(struct bpa_db_conn *conn, const char *seeker_id);

/* reference.c */
int bpa_handle_skill_search(struct bpa_request *request);
int bpa_handle_skill_get(struct bpa_request *request);
int bpa_handle_occupation_search(struct bpa_request *request);
int bpa_handle_occupation_get(struct bpa_request *request);
int bpa_handle_postcode_get(struct bpa_request *request);

/* test_routes.c: only served with --enable-test-routes */
int bpa_handle_test_echo(struct bpa_request *request);

#endif
