/* Accounts, portals and keys: the steps the operator's command line and
 * the coordinators' API share (registry.h). */
#include "registry.h"

#include "access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audit row of the request's principal, or of the operator. */
static enum bpa_db_status audit(struct bpa_db_conn *conn, const struct bpa_request *actor,
                                const char *action, const char *resource_type,
                                const char *resource_id, json_t *detail)
{
    return actor ? bpa_access_audit(conn, actor, action, resource_type, resource_id, detail)
                 : bpa_access_audit_operator(conn, action, resource_type, resource_id, detail);
}

/* Copies a statement's text result into `out` (and frees it). */
static void take_id(char *result, char out[24])
{
    snprintf(out, 24, "%s", result ? result : "");
    free(result);
}

void bpa_registry_key_wipe(struct bpa_new_key *key)
{
    sodium_memzero(key->api_key, sizeof key->api_key);
}

enum bpa_db_status bpa_registry_account_create(struct bpa_db_conn *conn,
                                               const struct bpa_request *actor,
                                               const struct bpa_new_account *account, char id[24])
{
    const char *params[] = {account->email,       account->password_hash, account->role,
                            account->employer_id, account->name,          account->language};
    char *created = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_account_create", 6, params, &created);
    take_id(created, id);
    if (status != BPA_DB_OK)
        return status;
    return audit(conn, actor, "account.create", "account", id,
                 json_pack("{s:s, s:s}", "email", account->email, "role", account->role));
}

enum bpa_db_status bpa_registry_key_issue(struct bpa_db_conn *conn, const struct bpa_request *actor,
                                          const char *portal_id, struct bpa_new_key *key,
                                          bool *found)
{
    char hash[BPA_TOKEN_HASH_SIZE];
    bpa_token_new(BPA_KEY_PREFIX, key->api_key);
    bpa_token_hash(key->api_key, hash);
    const char *params[] = {hash, portal_id};
    char *created = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_key_issue", 2, params, &created);
    *found = created != NULL;
    take_id(created, key->key_id);
    if (status != BPA_DB_OK || !*found) {
        bpa_registry_key_wipe(key);
        return status;
    }
    return audit(conn, actor, "api_key.create", "portal", portal_id,
                 json_pack("{s:s}", "key_id", key->key_id));
}

enum bpa_db_status bpa_registry_portal_create(struct bpa_db_conn *conn,
                                              const struct bpa_request *actor, const char *name,
                                              const char *contact_email, char portal_id[24],
                                              struct bpa_new_key *key)
{
    const char *params[] = {name, contact_email};
    char *created = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_portal_create", 2, params, &created);
    take_id(created, portal_id);
    if (status == BPA_DB_OK)
        status = audit(conn, actor, "portal.create", "portal", portal_id,
                       json_pack("{s:s}", "name", name));
    bool found = false;
    if (status == BPA_DB_OK)
        status = bpa_registry_key_issue(conn, actor, portal_id, key, &found);
    return status == BPA_DB_OK && !found ? BPA_DB_HARD : status; /* made just now */
}

enum bpa_db_status bpa_registry_key_revoke(struct bpa_db_conn *conn,
                                           const struct bpa_request *actor, const char *key_id,
                                           const char *portal_id,
                                           enum bpa_registry_outcome *outcome)
{
    const char *params[] = {key_id, portal_id};
    char *result = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_key_revoke", 2, params, &result);
    json_t *revoked = result ? json_loads(result, 0, NULL) : NULL;
    free(result);
    *outcome = !revoked                                            ? BPA_REGISTRY_MISSING
               : json_is_true(json_object_get(revoked, "revoked")) ? BPA_REGISTRY_DONE
                                                                   : BPA_REGISTRY_UNCHANGED;
    if (status == BPA_DB_OK && *outcome == BPA_REGISTRY_DONE)
        status = audit(conn, actor, "api_key.revoke", "api_key", key_id,
                       json_pack("{s:O}", "portal_id", json_object_get(revoked, "portal_id")));
    json_decref(revoked);
    return status;
}

enum bpa_db_status bpa_registry_portal_set_active(struct bpa_db_conn *conn,
                                                  const struct bpa_request *actor,
                                                  const char *portal_id, bool active,
                                                  enum bpa_registry_outcome *outcome)
{
    const char *params[] = {portal_id, active ? "true" : "false"};
    char *result = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "admin_portal_set_active", 2, params, &result);
    json_t *set = result ? json_loads(result, 0, NULL) : NULL;
    free(result);
    bool changed = json_is_true(json_object_get(set, "changed"));
    *outcome = !set ? BPA_REGISTRY_MISSING : changed ? BPA_REGISTRY_DONE : BPA_REGISTRY_UNCHANGED;
    json_decref(set);
    if (status != BPA_DB_OK || *outcome == BPA_REGISTRY_MISSING)
        return status;
    return audit(conn, actor, active ? "portal.enable" : "portal.disable", "portal", portal_id,
                 json_pack("{s:b}", "changed", changed));
}

enum bpa_db_status bpa_registry_key_list(struct bpa_db_conn *conn, const char *portal_id,
                                         char **keys)
{
    return bpa_db_call(conn, "admin_key_list", 1, &portal_id, keys);
}
