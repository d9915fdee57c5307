/* /v1/signup: an entrepreneur signs their organisation up and confirms
 * their e-mail address. The answer and the work are the same whatever is
 * known already, so that nobody learns which addresses or KvK numbers the
 * academy holds: a known address is told by e-mail, a known organisation's
 * contacts and the coordinators are told, and only a new pair creates an
 * unverified employer and an unconfirmed account. */
#include "access.h"
#include "handlers.h"
#include "onboarding.h"
#include "request.h"
#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const languages[] = {"nl", "en", NULL};

static const struct bpa_field organisation_fields[] = {
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"kvk_number", BPA_KVK, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"postcode", BPA_POSTCODE, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"address", BPA_TEXT, BPA_NULLABLE, 1, 300, NULL, NULL},
    {"sector", BPA_TEXT, BPA_NULLABLE, 1, 100, NULL, NULL},
    {0},
};

static const struct bpa_field contact_fields[] = {
    {"name", BPA_TEXT, BPA_REQUIRED, 1, 200, NULL, NULL},
    {"email", BPA_EMAIL, BPA_REQUIRED, 0, 0, NULL, NULL},
    {"phone", BPA_PHONE, BPA_NULLABLE, 0, 0, NULL, NULL},
    {"language", BPA_CHOICE, BPA_REQUIRED, 0, 0, languages, NULL},
    {0},
};

/* The password is read apart: it is checked by its own rules, never echoed. */
static const struct bpa_field signup_fields[] = {
    {"organisation", BPA_OBJECT, BPA_REQUIRED, 0, 0, NULL, organisation_fields},
    {"contact", BPA_OBJECT, BPA_REQUIRED, 0, 0, NULL, contact_fields},
    {0},
};

struct signup {
    const struct bpa_request *request;
    json_t *employer; /* the employer's document to save */
    const char *email, *name, *language, *kvk, *hash;
};

/* The employer (unverified, the person its contact), the account (its
 * address unconfirmed), the link, the e-mail and the coordinators' feed
 * item: all or nothing. */
static enum bpa_db_status create_new(struct bpa_db_conn *conn, const struct signup *s)
{
    char *text = json_dumps(s->employer, JSON_COMPACT), *employer = NULL, *account = NULL;
    enum bpa_db_status status =
        bpa_db_document_save(conn, BPA_EMPLOYER, NULL, NULL, text, &employer);
    free(text);
    const char *params[] = {s->email, s->hash, "employer", employer, s->name, s->language, "false"};
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "account_create_named", 7, params, &account);
    char link[BPA_LINK_SIZE];
    const struct bpa_config *config = s->request->server->config;
    if (status == BPA_DB_OK)
        status = bpa_link_issue(conn, config, "confirm", "confirm_email", account, NULL,
                                config->signup_token_h * 3600, link);
    json_int_t employer_id = employer ? strtoll(employer, NULL, 10) : 0;
    json_int_t account_id = account ? strtoll(account, NULL, 10) : 0;
    if (status == BPA_DB_OK)
        status = bpa_mail_to(conn, "email_confirmation", s->email, s->language,
                             json_pack("{s:s, s:s}", "link", link, "name", s->name));
    sodium_memzero(link, sizeof link);
    if (status == BPA_DB_OK)
        status = bpa_tell_coordinators(
            conn, "signup_received",
            json_pack("{s:I, s:I}", "employer_id", employer_id, "account_id", account_id));
    if (status == BPA_DB_OK)
        status = bpa_access_audit(conn, s->request, "signup.create", "employer", employer,
                                  json_pack("{s:I}", "account_id", account_id));
    free(employer);
    free(account);
    return status;
}

static enum bpa_db_status run_signup(struct bpa_db_conn *conn, void *context)
{
    const struct signup *s = context;
    char *account = NULL, *employer = NULL;
    enum bpa_db_status status = bpa_db_call(conn, "account_exists", 1, &s->email, &account);
    if (status == BPA_DB_OK && !account)
        status = bpa_db_call(conn, "employer_by_kvk", 1, &s->kvk, &employer);
    if (status == BPA_DB_OK && account) {
        /* the address is someone's already: tell its owner, make nothing */
        status = bpa_mail_to(conn, "signup_duplicate", s->email, s->language, json_object());
    } else if (status == BPA_DB_OK && employer) {
        /* the organisation is known: its people may invite a colleague */
        json_int_t id = strtoll(employer, NULL, 10);
        char *members = NULL;
        json_t *told = json_pack("{s:I, s:s}", "employer_id", id, "email", s->email);
        members = json_dumps(told, JSON_COMPACT);
        json_decref(told);
        const char *params[] = {"signup_known_kvk", employer, members};
        status = bpa_db_call(conn, "mail_to_employer_contacts", 3, params, NULL);
        free(members);
        if (status == BPA_DB_OK)
            status = bpa_tell_coordinators(conn, "signup_known_kvk",
                                           json_pack("{s:I}", "employer_id", id));
    } else if (status == BPA_DB_OK) {
        status = create_new(conn, s);
    }
    free(account);
    free(employer);
    return status;
}

/* POST /v1/signup */
int bpa_handle_signup(struct bpa_request *request)
{
    json_t *details = json_array();
    json_t *given = json_is_object(request->json) ? json_copy(request->json) : NULL;
    const char *password = json_string_value(json_object_get(given, "password"));
    json_object_del(given, "password");
    json_t *body = given ? bpa_fields_check(given, signup_fields, "", details)
                         : (bpa_field_problem(details, "body", "a JSON object is required"), NULL);
    json_t *organisation = json_object_get(body, "organisation");
    json_t *contact = json_object_get(body, "contact");
    const char *email = json_string_value(json_object_get(contact, "email"));
    /* the employer's document, the person its contact; its postcode looked up */
    json_t *employer = json_deep_copy(organisation);
    if (employer && contact)
        json_object_set_new(employer, "contacts", json_pack("[O]", contact));
    enum bpa_db_status status =
        employer ? bpa_complete_location(request->db, employer, details) : BPA_DB_OK;
    for (size_t i = 0; i < json_array_size(details); i++) { /* name the body's paths */
        json_t *problem = json_array_get(details, i);
        const char *field = json_string_value(json_object_get(problem, "field"));
        if (field && strcmp(field, "postcode") == 0) { /* sign-up takes no coordinates */
            json_object_set_new(problem, "field", json_string("organisation.postcode"));
            json_object_set_new(problem, "problem", json_string("is not a known postcode"));
        }
    }
    /* hashed every time: the same work whatever is known */
    char hash[crypto_pwhash_STRBYTES] = "";
    bool hashed = status != BPA_DB_OK || !request->json ||
                  bpa_new_password(request, password, "password", details, hash);
    int rc;
    if (status != BPA_DB_OK || !hashed) {
        rc = bpa_reply_error(
            request, status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_INTERNAL_ERROR, NULL,
            NULL);
    } else if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else if (bpa_throttle_attempt(request, email, &rc)) {
        struct signup s = {
            .request = request,
            .employer = employer,
            .email = email,
            .name = json_string_value(json_object_get(contact, "name")),
            .language = json_string_value(json_object_get(contact, "language")),
            .kvk = json_string_value(json_object_get(organisation, "kvk_number")),
            .hash = hash,
        };
        status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_signup, &s);
        rc = status == BPA_DB_OK
                 ? bpa_reply_json(request, 202, json_pack("{s:s}", "status", "confirmation_sent"))
                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    sodium_memzero(hash, sizeof hash);
    json_decref(employer);
    json_decref(body);
    json_decref(given);
    json_decref(details);
    return rc;
}

struct confirmation {
    const struct bpa_request *request;
    const char *hash;
    char *email; /* out: the address confirmed; NULL: the link is not good */
};

static enum bpa_db_status run_confirm(struct bpa_db_conn *conn, void *context)
{
    struct confirmation *c = context;
    free(c->email);
    c->email = NULL;
    char *used = NULL;
    enum bpa_db_status status =
        bpa_db_call(conn, "link_use", 2, (const char *const[]){c->hash, "confirm_email"}, &used);
    json_t *link = used ? json_loads(used, 0, NULL) : NULL;
    free(used);
    char account[24];
    snprintf(account, sizeof account, "%lld",
             (long long)json_integer_value(json_object_get(link, "account_id")));
    if (status == BPA_DB_OK && link)
        status = bpa_db_call(conn, "account_confirm_email", 1, (const char *const[]){account},
                             &c->email);
    if (status == BPA_DB_OK && c->email)
        status = bpa_access_audit(conn, c->request, "signup.confirm", "account", account, NULL);
    json_decref(link);
    return status;
}

/* POST /v1/signup/confirm {"token"} */
int bpa_handle_signup_confirm(struct bpa_request *request)
{
    char hash[BPA_TOKEN_HASH_SIZE];
    if (!bpa_link_token_hash(json_object_get(request->json, "token"), hash))
        return bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL);
    struct confirmation c = {.request = request, .hash = hash};
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_confirm, &c);
    int rc = status != BPA_DB_OK ? bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL)
             : c.email
                 ? bpa_reply_json(request, 200,
                                  json_pack("{s:s, s:s}", "status", "confirmed", "email", c.email))
                 : bpa_reply_error(request, BPA_ERR_TOKEN_INVALID, NULL, NULL);
    free(c.email);
    return rc;
}
