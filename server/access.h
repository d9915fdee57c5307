/* Who is calling, and what they may do: the one place that decides.
 *
 * Authentication turns the Authorization header (a session token from
 * POST /v1/auth/login, or a portal's API key) into a principal. Route
 * flags (routes.c) say which roles may call a route at all; the functions
 * below decide about a given resource: coordinators may do everything,
 * employers their own organisation and its placements, portals their own
 * seekers and reading open placements. A resource that exists but is not
 * the caller's is "not found", so ids cannot be probed. */
#ifndef BPA_ACCESS_H
#define BPA_ACCESS_H

#include "auth.h"
#include "http.h"
#include "request.h"

#include <jansson.h>

/* Resolves request->principal from the Authorization header. BPA_ERR_COUNT
 * on success; BPA_ERR_UNAUTHENTICATED for a missing, malformed, unknown,
 * expired or revoked credential; a database error otherwise. */
enum bpa_error bpa_access_authenticate(struct bpa_request *request);

/* Resolves request->principal from what the daemon remembers of the
 * credential (credential_cache.h), without the database; false when it
 * remembers nothing of it: then bpa_access_authenticate. */
bool bpa_access_remembered(struct bpa_request *request);

/* Whether the principal may read (or, `writing`, change) resource `id` of
 * `kind`: BPA_ERR_COUNT when it may; BPA_ERR_NOT_FOUND when the resource is
 * missing or not theirs; BPA_ERR_FORBIDDEN when their role never may. */
enum bpa_error bpa_access_resource(struct bpa_request *request, enum bpa_document kind,
                                   const char *id, bool writing);

/* The same for reading a document already read (NULL: there was none),
 * from the owner facts it carries (employer_id, portal_id, status). */
enum bpa_error bpa_access_document(const struct bpa_request *request, enum bpa_document kind,
                                   const json_t *doc);

/* The owner filters a list must carry for the principal; empty strings for
 * none. False when the caller's own filter (`asked_owner`, `asked_status`,
 * NULL when not given) lies outside what they may see: the page is empty. */
struct bpa_scope {
    char owner[24];     /* employer_id for employers' lists, portal_id for seekers */
    const char *status; /* "open" for portals reading placements */
};
bool bpa_access_scope(const struct bpa_request *request, enum bpa_document kind,
                      const char *asked_owner, const char *asked_status, struct bpa_scope *scope);

/* On create: fills in or checks the owner of a new document (employer_id of
 * a placement, portal_id of a seeker) from the principal. */
void bpa_access_claim(const struct bpa_request *request, enum bpa_document kind, json_t *doc,
                      json_t *details);

/* Appends a row to the audit trail for the request's principal and client
 * address (request->client_address). `detail` (an object or NULL) is
 * stolen. */
enum bpa_db_status bpa_access_audit(struct bpa_db_conn *conn, const struct bpa_request *request,
                                    const char *action, const char *resource_type,
                                    const char *resource_id, json_t *detail);

/* The same for the operator's command line (no request). */
enum bpa_db_status bpa_access_audit_operator(struct bpa_db_conn *conn, const char *action,
                                             const char *resource_type, const char *resource_id,
                                             json_t *detail);

const char *bpa_role_name(enum bpa_role role);

#endif
