/* Who may call the service, as it is registered: accounts, partner portals
 * and their API keys. The steps the operator's command line (admin.c) and
 * the coordinators' API (handlers/accounts.c, handlers/portal_admin.c)
 * share, so that both make the same rows and the same audit rows.
 *
 * Each step runs on `conn` inside the caller's transaction and appends its
 * audit row there; `actor` is the request whose principal acts, or NULL
 * for the operator. A step that ends a credential (a revoked key, an
 * inactive portal) is announced to every daemon at commit (schema/0012);
 * the daemon that made it also forgets at once with
 * bpa_credential_cache_forget_all. */
#ifndef BPA_REGISTRY_H
#define BPA_REGISTRY_H

#include "auth.h"
#include "http.h"

#include <stdbool.h>

/* A new API key: shown once, then wiped (bpa_registry_key_wipe). */
struct bpa_new_key {
    char key_id[24];
    char api_key[BPA_TOKEN_SIZE];
};

void bpa_registry_key_wipe(struct bpa_new_key *key);

struct bpa_new_account {
    const char *email;
    const char *password_hash; /* argon2id (auth.h) */
    const char *role;          /* "coordinator" or "employer" */
    const char *employer_id;   /* employer users: a stored employer */
    const char *name;          /* NULL: none */
    const char *language;      /* "nl" or "en"; NULL: "nl" */
};

/* An account whose e-mail address counts as confirmed (whoever creates it
 * knows the person); its id into `id`. CONFLICT when the address is taken. */
enum bpa_db_status bpa_registry_account_create(struct bpa_db_conn *conn,
                                               const struct bpa_request *actor,
                                               const struct bpa_new_account *account, char id[24]);

/* A portal and its first key; its id into `portal_id`. CONFLICT when the
 * name is taken, INVALID when the database refuses the name or e-mail
 * (`contact_email` may be NULL). */
enum bpa_db_status bpa_registry_portal_create(struct bpa_db_conn *conn,
                                              const struct bpa_request *actor, const char *name,
                                              const char *contact_email, char portal_id[24],
                                              struct bpa_new_key *key);

/* Another key for `portal_id` (an inactive portal's too: it works once the
 * portal is active again). *found is false when there is no such portal. */
enum bpa_db_status bpa_registry_key_issue(struct bpa_db_conn *conn, const struct bpa_request *actor,
                                          const char *portal_id, struct bpa_new_key *key,
                                          bool *found);

enum bpa_registry_outcome {
    BPA_REGISTRY_DONE,
    BPA_REGISTRY_MISSING,   /* no such key (of that portal), or no such portal */
    BPA_REGISTRY_UNCHANGED, /* the key was revoked already */
};

/* Revokes key `key_id` (of `portal_id`, unless NULL): it stops at once. */
enum bpa_db_status bpa_registry_key_revoke(struct bpa_db_conn *conn,
                                           const struct bpa_request *actor, const char *key_id,
                                           const char *portal_id,
                                           enum bpa_registry_outcome *outcome);

/* Makes a portal active or inactive (every key of an inactive portal is
 * refused). Setting what is already set succeeds (UNCHANGED). */
enum bpa_db_status bpa_registry_portal_set_active(struct bpa_db_conn *conn,
                                                  const struct bpa_request *actor,
                                                  const char *portal_id, bool active,
                                                  enum bpa_registry_outcome *outcome);

/* The portal's keys, ids and dates only, as a JSON array (*keys malloc'd),
 * NULL when there is no such portal. */
enum bpa_db_status bpa_registry_key_list(struct bpa_db_conn *conn, const char *portal_id,
                                         char **keys);

#endif
