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

/* auth.c: what password changes and invitations share with the login */
enum bpa_db_status bpa_login_throttled(struct bpa_request *request, const char *subject,
                                       unsigned long limit, unsigned *retry_after);
enum bpa_db_status bpa_login_failure_record(struct bpa_request *request, const char *subject);
/* Starts a session for `account` ({id, role, employer_id}) and answers as
 * a login does (the token, or the console's cookie) with `status_code`;
 * `account_subject` ("account:<email>"): its failed logins are cleared. */
int bpa_reply_new_session(struct bpa_request *request, const json_t *account,
                          const char *account_subject, unsigned status_code);

/* signup.c */
int bpa_handle_signup(struct bpa_request *request);
int bpa_handle_signup_confirm(struct bpa_request *request);

/* passwords.c: forgotten and changed passwords, one's own sessions */
int bpa_handle_password_reset(struct bpa_request *request);
int bpa_handle_password_reset_confirm(struct bpa_request *request);
int bpa_handle_password_change(struct bpa_request *request);
int bpa_handle_session_list(struct bpa_request *request);
int bpa_handle_session_end(struct bpa_request *request);
int bpa_handle_session_end_others(struct bpa_request *request);

/* invitations.c */
int bpa_handle_invitation_list(struct bpa_request *request);
int bpa_handle_invitation_create(struct bpa_request *request);
int bpa_handle_invitation_preview(struct bpa_request *request);
int bpa_handle_invitation_accept(struct bpa_request *request);
int bpa_handle_invitation_resend(struct bpa_request *request);
int bpa_handle_invitation_revoke(struct bpa_request *request);

/* accounts.c */
int bpa_handle_account_list(struct bpa_request *request);
int bpa_handle_account_get(struct bpa_request *request);
int bpa_handle_account_disable(struct bpa_request *request);
int bpa_handle_account_employer(struct bpa_request *request);

/* portals.c */
int bpa_handle_portal_rate_limit(struct bpa_request *request);
int bpa_handle_portal_list(struct bpa_request *request);
int bpa_handle_portal_create(struct bpa_request *request);
int bpa_handle_portal_get(struct bpa_request *request);
int bpa_handle_portal_update(struct bpa_request *request);
int bpa_handle_portal_active(struct bpa_request *request);
int bpa_handle_portal_key_list(struct bpa_request *request);
int bpa_handle_portal_key_create(struct bpa_request *request);
int bpa_handle_portal_key_revoke(struct bpa_request *request);

/* consents.c: consent per purpose, with its history */
int bpa_handle_consent_list(struct bpa_request *request);
int bpa_handle_consent_record(struct bpa_request *request);

/* erasure.c */
int bpa_handle_seeker_erase(struct bpa_request *request);
int bpa_handle_account_erase(struct bpa_request *request);
int bpa_handle_contact_erase(struct bpa_request *request);

/* export.c: what the service holds about a person, in one document */
int bpa_handle_seeker_export(struct bpa_request *request);
int bpa_handle_me_export(struct bpa_request *request);

/* retention.c */
int bpa_handle_retention_report(struct bpa_request *request);

/* match_workflow.c: a step of a match's life written down, in the caller's
 * transaction: its history row, the audit row and who must hear of it */
enum bpa_db_status bpa_match_record(struct bpa_db_conn *conn, const struct bpa_request *request,
                                    const char *match, const char *action, const char *from,
                                    const char *to, const char *reason, const char *note);

/* reports.c */
int bpa_handle_report_funnel(struct bpa_request *request);
int bpa_handle_report_time_in_stage(struct bpa_request *request);
int bpa_handle_report_unmet_demand(struct bpa_request *request);
int bpa_handle_report_skills_gap(struct bpa_request *request);
int bpa_handle_report_seekers_without_match(struct bpa_request *request);

/* changes.c */
int bpa_handle_changes(struct bpa_request *request);

/* rounds.c */
int bpa_handle_round_list(struct bpa_request *request);
int bpa_handle_round_create(struct bpa_request *request);
int bpa_handle_round_get(struct bpa_request *request);
int bpa_handle_round_pair_drop(struct bpa_request *request);
int bpa_handle_round_commit(struct bpa_request *request);
int bpa_handle_round_recompute(struct bpa_request *request);

#endif
