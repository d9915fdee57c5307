/* The route table. */
#include "routes.h"

#include "handlers/handlers.h"

#include <stdlib.h>
#include <string.h>

#define TEST_PREFIX "/v1/_test/"

/* Who may call each route at all (role flags); whose resource it is,
 * access.c decides. */
#define PUBLIC         BPA_ROUTE_PUBLIC
#define DB             BPA_ROUTE_NEEDS_DB
#define COORD          (BPA_ROUTE_NEEDS_DB | BPA_ROUTE_COORDINATOR)
#define COORD_EMPLOYER (COORD | BPA_ROUTE_EMPLOYER)
#define COORD_PORTAL   (COORD | BPA_ROUTE_PORTAL)
#define ANY_ROLE       (BPA_ROUTE_NEEDS_DB | BPA_ROUTE_ANY_ROLE)

/* Most routes have no single read (router.h): they leave the member out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

const struct bpa_route bpa_all_routes[] = {
    {"GET", "/healthz", bpa_handle_healthz, PUBLIC},
    {"GET", "/readyz", bpa_handle_readyz, PUBLIC | DB},
    {"GET", "/metrics", bpa_handle_metrics, PUBLIC},
    {"GET", "/openapi.yaml", bpa_handle_openapi, PUBLIC},
    {"GET", "/docs", bpa_handle_docs, PUBLIC},
    {"GET", "/", bpa_handle_console, PUBLIC},
    {"GET", "/assets/{build}/{file}", bpa_handle_console_asset, PUBLIC},
    {"POST", "/v1/auth/login", bpa_handle_login, PUBLIC | DB},
    {"POST", "/v1/auth/logout", bpa_handle_logout, COORD_EMPLOYER},
    {"GET", "/v1/auth/me", bpa_handle_me, ANY_ROLE},
    {"PUT", "/v1/auth/password", bpa_handle_password_change, COORD_EMPLOYER},
    {"POST", "/v1/auth/password-reset", bpa_handle_password_reset, PUBLIC | DB},
    {"POST", "/v1/auth/password-reset/confirm", bpa_handle_password_reset_confirm, PUBLIC | DB},
    {"GET", "/v1/auth/sessions", bpa_handle_session_list, COORD_EMPLOYER},
    {"DELETE", "/v1/auth/sessions", bpa_handle_session_end_others, COORD_EMPLOYER},
    {"DELETE", "/v1/auth/sessions/{id}", bpa_handle_session_end, COORD_EMPLOYER},
    {"POST", "/v1/signup", bpa_handle_signup, PUBLIC | DB},
    {"POST", "/v1/signup/confirm", bpa_handle_signup_confirm, PUBLIC | DB},
    {"GET", "/v1/invitations", bpa_handle_invitation_list, COORD_EMPLOYER},
    {"POST", "/v1/invitations", bpa_handle_invitation_create, COORD_EMPLOYER},
    {"POST", "/v1/invitations/preview", bpa_handle_invitation_preview, PUBLIC | DB},
    {"POST", "/v1/invitations/accept", bpa_handle_invitation_accept, PUBLIC | DB},
    {"POST", "/v1/invitations/{id}/resend", bpa_handle_invitation_resend, COORD_EMPLOYER},
    {"DELETE", "/v1/invitations/{id}", bpa_handle_invitation_revoke, COORD_EMPLOYER},
    {"GET", "/v1/accounts", bpa_handle_account_list, COORD},
    {"GET", "/v1/accounts/{id}", bpa_handle_account_get, COORD},
    {"PUT", "/v1/accounts/{id}/disabled", bpa_handle_account_disable, COORD},
    {"PUT", "/v1/accounts/{id}/employer", bpa_handle_account_employer, COORD},
    {"POST", "/v1/accounts/{id}/erase", bpa_handle_account_erase, COORD},
    {"GET", "/v1/auth/me/export", bpa_handle_me_export, COORD_EMPLOYER},
    {"GET", "/v1/retention/report", bpa_handle_retention_report, COORD},
    {"GET", "/v1/reports/funnel", bpa_handle_report_funnel, COORD},
    {"GET", "/v1/reports/time-in-stage", bpa_handle_report_time_in_stage, COORD},
    {"GET", "/v1/reports/unmet-demand", bpa_handle_report_unmet_demand, COORD},
    {"GET", "/v1/reports/skills-gap", bpa_handle_report_skills_gap, COORD},
    {"GET", "/v1/reports/seekers-without-match", bpa_handle_report_seekers_without_match, COORD},
    {"GET", "/v1/changes", bpa_handle_changes, COORD_PORTAL},
    {"GET", "/v1/rounds", bpa_handle_round_list, COORD},
    {"POST", "/v1/rounds", bpa_handle_round_create, COORD},
    {"GET", "/v1/rounds/{id}", bpa_handle_round_get, COORD},
    {"PATCH", "/v1/rounds/{id}/pairs/{seeker_id}", bpa_handle_round_pair_drop, COORD},
    {"POST", "/v1/rounds/{id}/commit", bpa_handle_round_commit, COORD},
    {"POST", "/v1/rounds/{id}/recompute", bpa_handle_round_recompute, COORD},
    {"GET", "/v1/audit", bpa_handle_audit_list, COORD},
    {"GET", "/v1/matches", bpa_handle_match_list, ANY_ROLE},
    {"POST", "/v1/matches", bpa_handle_match_create, COORD_PORTAL},
    {"GET", "/v1/matches/queue", bpa_handle_match_queue, COORD},
    {"GET", "/v1/matches/{id}", bpa_handle_match_get, ANY_ROLE},
    {"POST", "/v1/matches/{id}/transitions", bpa_handle_match_transition, ANY_ROLE},
    {"GET", "/v1/portal/webhook", bpa_handle_webhook_status, DB | BPA_ROUTE_PORTAL},
    {"PUT", "/v1/portal/webhook", bpa_handle_webhook_register, DB | BPA_ROUTE_PORTAL},
    {"POST", "/v1/portal/webhook/secret", bpa_handle_webhook_rotate, DB | BPA_ROUTE_PORTAL},
    {"POST", "/v1/portal/webhook/test", bpa_handle_webhook_test, DB | BPA_ROUTE_PORTAL},
    {"GET", "/v1/notifications", bpa_handle_feed, ANY_ROLE},
    {"POST", "/v1/notifications/{id}/read", bpa_handle_feed_read, ANY_ROLE},
    {"GET", "/v1/notifications/deliveries", bpa_handle_deliveries, COORD_PORTAL},
    {"POST", "/v1/notifications/{id}/retry", bpa_handle_delivery_retry, COORD_PORTAL},
    {"GET", "/v1/employers", bpa_handle_employer_list, COORD_EMPLOYER},
    {"POST", "/v1/employers", bpa_handle_employer_create, COORD},
    {"GET", "/v1/employers/{id}", bpa_handle_employer_get, COORD_EMPLOYER, &bpa_employer_read},
    {"PATCH", "/v1/employers/{id}", bpa_handle_employer_update, COORD_EMPLOYER},
    {"PUT", "/v1/employers/{id}/verified", bpa_handle_employer_verify, COORD},
    {"POST", "/v1/employers/{id}/contacts/erase", bpa_handle_contact_erase, COORD},
    {"GET", "/v1/portals", bpa_handle_portal_list, COORD},
    {"POST", "/v1/portals", bpa_handle_portal_create, COORD},
    {"GET", "/v1/portals/{id}", bpa_handle_portal_get, COORD},
    {"PATCH", "/v1/portals/{id}", bpa_handle_portal_update, COORD},
    {"PUT", "/v1/portals/{id}/active", bpa_handle_portal_active, COORD},
    {"GET", "/v1/portals/{id}/keys", bpa_handle_portal_key_list, COORD},
    {"POST", "/v1/portals/{id}/keys", bpa_handle_portal_key_create, COORD},
    {"DELETE", "/v1/portals/{id}/keys/{key_id}", bpa_handle_portal_key_revoke, COORD},
    {"PUT", "/v1/portals/{id}/rate-limit", bpa_handle_portal_rate_limit, COORD},
    {"GET", "/v1/placements", bpa_handle_placement_list, ANY_ROLE},
    {"POST", "/v1/placements", bpa_handle_placement_create, COORD_EMPLOYER},
    {"GET", "/v1/placements/{id}", bpa_handle_placement_get, ANY_ROLE, &bpa_placement_read},
    {"PATCH", "/v1/placements/{id}", bpa_handle_placement_update, COORD_EMPLOYER},
    {"DELETE", "/v1/placements/{id}", bpa_handle_placement_delete, COORD_EMPLOYER},
    {"POST", "/v1/placements/{id}/open", bpa_handle_placement_open, COORD_EMPLOYER},
    {"POST", "/v1/placements/{id}/close", bpa_handle_placement_close, COORD_EMPLOYER},
    {"GET", "/v1/placements/{id}/candidates", bpa_handle_placement_candidates, COORD_EMPLOYER},
    {"GET", "/v1/seekers", bpa_handle_seeker_list, COORD_PORTAL},
    {"POST", "/v1/seekers", bpa_handle_seeker_create, COORD_PORTAL},
    {"GET", "/v1/seekers/{id}", bpa_handle_seeker_get, COORD_PORTAL},
    {"PATCH", "/v1/seekers/{id}", bpa_handle_seeker_update, COORD_PORTAL},
    {"DELETE", "/v1/seekers/{id}", bpa_handle_seeker_delete, COORD_PORTAL},
    {"GET", "/v1/seekers/{id}/consents", bpa_handle_consent_list, COORD_PORTAL},
    {"POST", "/v1/seekers/{id}/consents", bpa_handle_consent_record, COORD_PORTAL},
    {"GET", "/v1/seekers/{id}/export", bpa_handle_seeker_export, COORD_PORTAL},
    {"POST", "/v1/seekers/{id}/erase", bpa_handle_seeker_erase, COORD_PORTAL},
    {"GET", "/v1/seekers/{id}/matches", bpa_handle_seeker_matches, COORD_PORTAL},
    {"GET", "/v1/seekers/{id}/matches/{placement_id}", bpa_handle_match_pair, COORD_PORTAL},
    {"GET", "/v1/skills", bpa_handle_skill_search, ANY_ROLE},
    {"GET", "/v1/skills/{id}", bpa_handle_skill_get, ANY_ROLE},
    {"GET", "/v1/occupations", bpa_handle_occupation_search, ANY_ROLE},
    {"GET", "/v1/occupations/{id}", bpa_handle_occupation_get, ANY_ROLE},
    {"GET", "/v1/postcodes/{pc4}", bpa_handle_postcode_get, ANY_ROLE},
    /* only with --enable-test-routes */
    {"POST", TEST_PREFIX "echo", bpa_handle_test_echo, PUBLIC | DB},
};

const size_t bpa_all_route_count = sizeof bpa_all_routes / sizeof bpa_all_routes[0];

bool bpa_route_is_test(const struct bpa_route *route)
{
    return strncmp(route->pattern, TEST_PREFIX, strlen(TEST_PREFIX)) == 0;
}

struct bpa_route *bpa_routes_enabled(bool test_routes, bool metrics_public, size_t *count)
{
    struct bpa_route *routes = malloc(sizeof bpa_all_routes);
    *count = 0;
    if (!routes)
        return NULL;
    for (size_t i = 0; i < bpa_all_route_count; i++)
        if (test_routes || !bpa_route_is_test(&bpa_all_routes[i]))
            routes[(*count)++] = bpa_all_routes[i];
    for (size_t i = 0; i < *count && !metrics_public; i++)
        if (strcmp(routes[i].pattern, "/metrics") == 0)
            routes[i].flags = COORD;
    return routes;
}
