/* /v1/matches: a seeker with a placement, from application (portal) or
 * proposal (coordinator) to completion. Every transition is checked against
 * the graph of match_life.c and the caller's role, recorded in the match's
 * history and the audit trail; approving counts the placement's places
 * under a lock on the placement, and a seeker can hold one place at most. */
#include "access.h"
#include "handlers.h"
#include "idempotency.h"
#include "match_json.h"
#include "match_life.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum bpa_actor actor_of(const struct bpa_request *request)
{
    switch (request->principal.role) {
    case BPA_ROLE_COORDINATOR:
        return BPA_ACTOR_COORDINATOR;
    case BPA_ROLE_EMPLOYER:
        return BPA_ACTOR_EMPLOYER;
    default:
        return BPA_ACTOR_PORTAL;
    }
}

enum bpa_db_status bpa_match_record(struct bpa_db_conn *conn, const struct bpa_request *request,
                                    const char *match, const char *action, const char *from,
                                    const char *to, const char *reason, const char *note)
{
    char actor_id[24];
    snprintf(actor_id, sizeof actor_id, "%lld", request->principal.id);
    const char *params[] = {
        match,    action, from, to,         bpa_role_name(request->principal.role),
        actor_id, reason, note, request->id};
    enum bpa_db_status status = bpa_db_call(conn, "match_history_insert", 9, params, NULL);
    if (status != BPA_DB_OK)
        return status;
    char audit_action[48];
    snprintf(audit_action, sizeof audit_action, "match.%s", action);
    status = bpa_access_audit(conn, request, audit_action, "match", match,
                              json_pack("{s:s?, s:s}", "from", from, "to", to));
    /* the outbox: who must hear of this, in this same transaction */
    static const char *const events[][2] = {
        {"apply", "application_received"}, {"approve", "match_approved"},
        {"accept", "employer_answered"},   {"decline", "employer_answered"},
        {"confirm", "seeker_answered"},    {"withdraw", "seeker_answered"},
        {"reject", "match_cancelled"},     {"cancel", "match_cancelled"},
    };
    for (size_t i = 0; status == BPA_DB_OK && i < sizeof events / sizeof events[0]; i++)
        if (strcmp(action, events[i][0]) == 0)
            status = bpa_db_call(conn, "notify_match", 2,
                                 (const char *const[]){match, events[i][1]}, NULL);
    return status;
}

/* The match as the caller may see it: employers get a pseudonymous seeker,
 * the seeker's contact once approved and confirmed by the seeker, and the
 * history without others' notes. */
static json_t *shown(struct bpa_request *request, const char *stored)
{
    json_t *doc = stored ? json_loads(stored, 0, NULL) : NULL;
    if (!doc || request->principal.role != BPA_ROLE_EMPLOYER)
        return doc;
    char seeker[24];
    snprintf(seeker, sizeof seeker, "%lld",
             (long long)json_integer_value(json_object_get(doc, "seeker_id")));
    const char *state = json_string_value(json_object_get(doc, "state"));
    bool shared = json_is_true(json_object_get(doc, "seeker_confirmed")) &&
                  (bpa_match_state_holds_place(state) || strcmp(state, "completed") == 0);
    json_object_del(doc, "seeker_id");
    json_object_del(doc, "portal_id");
    /* free-text notes and the actors' ids are the academy's and the portals' */
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(doc, "history"), i, step)
    {
        json_object_set_new(step, "note", json_null());
        json_object_set_new(step, "actor_id", json_null());
    }
    json_t *profile = bpa_seeker_profile(request->db, seeker);
    json_object_set_new(doc, "candidate", profile ? profile : json_null());
    char *contact = NULL;
    if (shared)
        bpa_db_call(request->db, "seeker_contact", 1, (const char *const[]){seeker}, &contact);
    json_object_set_new(doc, "seeker_contact",
                        contact ? json_loads(contact, 0, NULL) : json_null());
    free(contact);
    return doc;
}

/* --- create: apply (portal) or propose (coordinator) --- */

struct creation {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *seeker, *placement, *state, *explanation, *score, *rules;
    bool no_consent; /* out: the seeker does not consent to matching */
    json_t *created; /* the match as answered */
    char location[64];
};

static enum bpa_db_status run_create(struct bpa_db_conn *conn, void *context)
{
    struct creation *c = context;
    json_decref(c->created);
    c->created = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, c->idempotency);
    char *id = NULL, *stored = NULL, *allowed = NULL;
    /* held until commit: a withdrawal of consent waits for this match, then cancels it */
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "seeker_matching_allowed", 1, &c->seeker, &allowed);
    c->no_consent = status == BPA_DB_OK && (!allowed || strcmp(allowed, "t") != 0);
    free(allowed);
    if (c->no_consent)
        return BPA_DB_ABORT;
    const char *params[] = {c->seeker, c->placement, c->state, c->score, c->explanation, c->rules};
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "match_insert", 6, params, &id);
    if (status == BPA_DB_OK)
        status = bpa_match_record(conn, c->request, id,
                                  strcmp(c->state, "applied") == 0 ? "apply" : "propose", NULL,
                                  c->state, NULL, NULL);
    if (status == BPA_DB_OK)
        status = bpa_db_call(conn, "match_get", 1, (const char *const[]){id}, &stored);
    if (status == BPA_DB_OK) {
        c->created = shown(c->request, stored);
        snprintf(c->location, sizeof c->location, "/v1/matches/%s", id);
        status = bpa_idempotency_keep(conn, c->idempotency, 201, c->created, c->location, NULL);
    }
    free(id);
    free(stored);
    return status;
}

/* 409: the live match the pair already has, named. */
static int reply_live_pair(struct bpa_request *request, const char *seeker, const char *placement)
{
    char *live = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "match_live_pair", 2,
                                            (const char *const[]){seeker, placement}, &live);
    if (status != BPA_DB_OK || !live) { /* ended since: a retry may succeed */
        free(live);
        return bpa_reply_error(request,
                               status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_CONFLICT,
                               NULL, NULL);
    }
    char message[96];
    snprintf(message, sizeof message,
             "this seeker already has a live match with this placement: %s", live);
    json_t *details = json_pack("[{s:s, s:s, s:I}]", "field", "placement_id", "problem", message,
                                "existing_id", (json_int_t)strtoll(live, NULL, 10));
    free(live);
    return bpa_reply_error(request, BPA_ERR_CONFLICT, message, details);
}

/* 404 naming the field: a seeker or placement the caller may not match is
 * as unknown as one that does not exist. */
static int reply_unknown(struct bpa_request *request, const char *field)
{
    bool seeker = strcmp(field, "seeker_id") == 0;
    return bpa_reply_error(
        request, BPA_ERR_NOT_FOUND,
        seeker ? "no such seeker of yours" : "no such placement open to you",
        json_pack("[{s:s, s:s}]", "field", field, "problem",
                  seeker ? "names no seeker you may match" : "names no placement you may match"));
}

/* True when the request's Idempotency-Key has a kept answer: *rc is the
 * reply (the replay, or an error). */
static bool answered_before(struct bpa_request *request, struct bpa_idempotency *idempotency,
                            int *rc)
{
    enum bpa_db_status status = bpa_idempotency_lookup(request->db, idempotency);
    if (status != BPA_DB_OK)
        *rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    else if (idempotency->first_answer)
        *rc = bpa_idempotency_replay(request, idempotency);
    bool answered = status != BPA_DB_OK || idempotency->first_answer;
    bpa_idempotency_end(idempotency);
    return answered;
}

int bpa_handle_match_create(struct bpa_request *request)
{
    static const struct bpa_field fields[] = {
        {"seeker_id", BPA_INTEGER, BPA_REQUIRED, 1, 1e15, NULL, NULL},
        {"placement_id", BPA_INTEGER, BPA_REQUIRED, 1, 1e15, NULL, NULL},
        {0},
    };
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body =
        bpa_idempotent_body(request, fields, "a JSON object is required", &idempotency, details);
    char seeker[24], placement[24];
    snprintf(seeker, sizeof seeker, "%lld",
             (long long)json_integer_value(json_object_get(body, "seeker_id")));
    snprintf(placement, sizeof placement, "%lld",
             (long long)json_integer_value(json_object_get(body, "placement_id")));
    json_decref(body);
    if (json_array_size(details))
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    json_decref(details);
    /* a retry is answered as the first request was, even when the
     * placement has closed since */
    int rc;
    if (answered_before(request, &idempotency, &rc))
        return rc;
    /* a portal applies for its own seekers to open placements */
    enum bpa_error refused = bpa_access_resource(request, BPA_SEEKER, seeker, true);
    if (refused == BPA_ERR_NOT_FOUND)
        return reply_unknown(request, "seeker_id");
    if (refused == BPA_ERR_COUNT)
        refused = bpa_access_resource(request, BPA_PLACEMENT, placement, false);
    if (refused == BPA_ERR_NOT_FOUND)
        return reply_unknown(request, "placement_id");
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);

    /* the score and its explanation as they are now */
    const struct bpa_server *server = request->server;
    static __thread struct bpa_seeker_holder s;
    static __thread struct bpa_placement_holder p;
    bool seeker_found = false, placement_found = false;
    pthread_rwlock_rdlock(&server->index->lock);
    enum bpa_db_status status =
        bpa_match_load_seeker(request->db, server->index->vocab, seeker, &s, &seeker_found);
    if (status == BPA_DB_OK)
        status = bpa_match_load_placement(request->db, server->index->vocab, placement, &p,
                                          &placement_found);
    json_t *scored = NULL;
    if (status == BPA_DB_OK && seeker_found && placement_found) {
        struct bpa_match_result r;
        bpa_match_evaluate(&server->rules, &s.seeker, &p.placement, &r);
        scored = bpa_match_json(&server->rules, server->index->vocab, &p.placement, &r);
    }
    pthread_rwlock_unlock(&server->index->lock);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    if (!scored) /* deleted since the access check */
        return reply_unknown(request, seeker_found ? "placement_id" : "seeker_id");
    char score[8], *explanation = json_dumps(json_object_get(scored, "explanation"), JSON_COMPACT);
    snprintf(score, sizeof score, "%lld",
             (long long)json_integer_value(json_object_get(scored, "score")));
    json_decref(scored);

    struct creation c = {.request = request,
                         .idempotency = &idempotency,
                         .seeker = seeker,
                         .placement = placement,
                         .state =
                             request->principal.role == BPA_ROLE_PORTAL ? "applied" : "proposed",
                         .explanation = explanation,
                         .score = score,
                         .rules = server->rules.version};
    status = bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_create, &c);
    free(explanation);
    if (status == BPA_DB_OK && c.created) {
        request->reply_location = c.location;
        rc = bpa_reply_json(request, 201, c.created);
        c.created = NULL; /* the reply has it */
        request->reply_location = NULL;
    } else if (idempotency.first_answer) {
        rc = bpa_idempotency_replay(request, &idempotency);
    } else if (c.no_consent) {
        rc = bpa_reply_error(request, BPA_ERR_CONSENT_MISSING, NULL,
                             json_pack("[{s:s, s:s}]", "field", "seeker_id", "problem",
                                       "has not given consent for matching"));
    } else if (status == BPA_DB_CONFLICT) {
        rc = reply_live_pair(request, seeker, placement);
    } else {
        rc = bpa_reply_error(request,
                             status != BPA_DB_OK ? bpa_error_from_db(status) : BPA_ERR_NOT_FOUND,
                             NULL, NULL);
    }
    json_decref(c.created);
    bpa_idempotency_end(&idempotency);
    return rc;
}

/* --- read --- */

int bpa_handle_match_get(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_MATCH, id, false);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    char *stored = NULL;
    enum bpa_db_status status =
        bpa_db_call(request->db, "match_get", 1, (const char *const[]){id}, &stored);
    json_t *doc = status == BPA_DB_OK ? shown(request, stored) : NULL;
    free(stored);
    if (status != BPA_DB_OK)
        return bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    return doc ? bpa_reply_json(request, 200, doc)
               : bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}

static int reply_matches(struct bpa_request *request, const char *items,
                         const struct bpa_page *page)
{
    json_t *stored = json_loads(items, 0, NULL), *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(stored, i, item)
    {
        char *text = json_dumps(item, 0);
        json_array_append_new(out, shown(request, text));
        free(text);
    }
    json_decref(stored);
    if (page)
        return bpa_reply_page(request, out, page, "id");
    return bpa_reply_json(request, 200, json_pack("{s:o}", "items", out));
}

int bpa_handle_match_list(struct bpa_request *request)
{
    static const char *const states[] = {"applied",   "proposed",  "approved",    "confirmed",
                                         "started",   "completed", "dropped_out", "declined",
                                         "withdrawn", "rejected",  "cancelled",   NULL};
    json_t *details = json_array();
    struct bpa_page page;
    bpa_page_parse(request, true, &page, details);
    char *state = bpa_query_checked(request, "state", BPA_CHOICE, 0, 0, states, details);
    char *placement =
        bpa_query_checked(request, "placement_id", BPA_INTEGER, 1, 1e15, NULL, details);
    char *seeker = bpa_query_checked(request, "seeker_id", BPA_INTEGER, 1, 1e15, NULL, details);
    char *employer = bpa_query_checked(request, "employer_id", BPA_INTEGER, 1, 1e15, NULL, details);
    const struct bpa_principal *p = &request->principal;
    char own_employer[24] = "", own_portal[24] = "";
    if (p->role == BPA_ROLE_EMPLOYER)
        snprintf(own_employer, sizeof own_employer, "%lld", p->employer_id);
    if (p->role == BPA_ROLE_EMPLOYER && seeker) /* it would tell who is behind a pseudonym */
        bpa_field_problem(details, "seeker_id", "not a filter employers may use");
    if (p->role == BPA_ROLE_PORTAL)
        snprintf(own_portal, sizeof own_portal, "%lld", p->portal_id);
    bool outside = own_employer[0] && employer && strcmp(employer, own_employer) != 0;
    int rc;
    if (json_array_size(details)) {
        rc = bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, json_incref(details));
    } else if (outside) {
        rc = bpa_reply_page(request, json_array(), &page, "id");
    } else {
        const char *params[] = {page.after,
                                state,
                                placement,
                                seeker,
                                own_employer[0] ? own_employer : employer,
                                own_portal[0] ? own_portal : NULL,
                                page.limit,
                                own_employer[0] ? "true" : "false"};
        char *items = NULL;
        enum bpa_db_status status = bpa_db_call(request->db, "match_list", 8, params, &items);
        rc = status == BPA_DB_OK ? reply_matches(request, items, &page)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
        free(items);
    }
    free(state);
    free(placement);
    free(seeker);
    free(employer);
    bpa_page_free(&page);
    json_decref(details);
    return rc;
}

int bpa_handle_match_queue(struct bpa_request *request)
{
    json_t *details = json_array();
    char *limit = bpa_query_checked(request, "limit", BPA_INTEGER, 1, 500, NULL, details);
    if (json_array_size(details)) {
        free(limit);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    }
    json_decref(details);
    char *items = NULL;
    enum bpa_db_status status = bpa_db_call(request->db, "match_queue", 1,
                                            (const char *const[]){limit ? limit : "100"}, &items);
    free(limit);
    int rc = status == BPA_DB_OK ? reply_matches(request, items, NULL)
                                 : bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    free(items);
    return rc;
}

/* --- transitions --- */

struct transition {
    struct bpa_request *request;
    struct bpa_idempotency *idempotency;
    const char *id;
    const struct bpa_match_action *action;
    const char *reason, *note;
    /* outcome */
    enum bpa_error refusal;
    char state[16];
    bool said_already; /* a second accept or confirm */
    json_t *changed;   /* the match as answered */
};

/* The match after the change, as the caller sees it, kept for a retry. */
static enum bpa_db_status answer_transition(struct bpa_db_conn *conn, struct transition *t)
{
    char *stored = NULL;
    enum bpa_db_status status =
        bpa_db_call(conn, "match_get", 1, (const char *const[]){t->id}, &stored);
    t->changed = status == BPA_DB_OK ? shown(t->request, stored) : NULL;
    free(stored);
    if (status == BPA_DB_OK && !t->changed) {
        t->refusal = BPA_ERR_INTERNAL_ERROR; /* the match it just changed is unreadable */
        return BPA_DB_ABORT;
    }
    if (status == BPA_DB_OK)
        status = bpa_idempotency_keep(conn, t->idempotency, 200, t->changed, NULL, NULL);
    return status;
}

static enum bpa_db_status run_transition(struct bpa_db_conn *conn, void *context)
{
    struct transition *t = context;
    t->refusal = BPA_ERR_COUNT;
    json_decref(t->changed);
    t->changed = NULL;
    enum bpa_db_status status = bpa_idempotency_claim(conn, t->idempotency);
    if (status != BPA_DB_OK)
        return status;
    char *locked = NULL;
    status = bpa_db_call(conn, "match_lock", 1, (const char *const[]){t->id}, &locked);
    json_t *match = locked ? json_loads(locked, 0, NULL) : NULL;
    free(locked);
    if (status != BPA_DB_OK || !match) {
        json_decref(match);
        t->refusal = status == BPA_DB_OK ? BPA_ERR_NOT_FOUND : BPA_ERR_COUNT;
        return status == BPA_DB_OK ? BPA_DB_ABORT : status;
    }
    snprintf(t->state, sizeof t->state, "%s", json_string_value(json_object_get(match, "state")));
    bool accepted = json_is_true(json_object_get(match, "employer_accepted"));
    bool confirmed = json_is_true(json_object_get(match, "seeker_confirmed"));
    char placement[24];
    snprintf(placement, sizeof placement, "%lld",
             (long long)json_integer_value(json_object_get(match, "placement_id")));
    json_decref(match);
    t->said_already = (accepted && strcmp(t->action->name, "accept") == 0) ||
                      (confirmed && strcmp(t->action->name, "confirm") == 0);
    if (t->said_already || !bpa_match_action_allowed(t->action, t->state, actor_of(t->request))) {
        t->refusal = BPA_ERR_INVALID_TRANSITION;
        return BPA_DB_ABORT;
    }
    const char *to = t->action->to;
    if (!to) { /* accept or confirm: both sides must agree */
        accepted |= strcmp(t->action->name, "accept") == 0;
        confirmed |= strcmp(t->action->name, "confirm") == 0;
        to = bpa_match_after_agreement(accepted, confirmed);
    }
    if (strcmp(to, "approved") == 0 && strcmp(t->state, "approved") != 0) {
        /* the lock makes approvals of one placement wait for each other */
        char *occupancy = NULL;
        status = bpa_db_call(conn, "placement_lock", 1, (const char *const[]){placement}, NULL);
        if (status == BPA_DB_OK)
            status = bpa_db_call(conn, "placement_occupancy", 1, (const char *const[]){placement},
                                 &occupancy);
        json_t *o = occupancy ? json_loads(occupancy, 0, NULL) : NULL;
        free(occupancy);
        bool room = o && json_integer_value(json_object_get(o, "taken")) <
                             json_integer_value(json_object_get(o, "capacity"));
        json_decref(o);
        if (status != BPA_DB_OK)
            return status;
        if (!room) {
            t->refusal = BPA_ERR_PLACEMENT_FULL;
            return BPA_DB_ABORT;
        }
    }
    const char *params[] = {t->id, to, accepted ? "true" : "false", confirmed ? "true" : "false"};
    status = bpa_db_call(conn, "match_set_state", 4, params, NULL);
    if (status == BPA_DB_CONFLICT) { /* the one-held-match-per-seeker index */
        t->refusal = BPA_ERR_SEEKER_TAKEN;
        return BPA_DB_ABORT;
    }
    if (status == BPA_DB_OK)
        status = bpa_match_record(conn, t->request, t->id, t->action->name, t->state, to, t->reason,
                                  t->note);
    if (status == BPA_DB_OK)
        status = answer_transition(conn, t);
    return status;
}

int bpa_handle_match_transition(struct bpa_request *request)
{
    char id[20];
    if (!bpa_param_id(request, "id", id))
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    enum bpa_error refused = bpa_access_resource(request, BPA_MATCH, id, true);
    if (refused != BPA_ERR_COUNT)
        return bpa_reply_error(request, refused, NULL, NULL);
    static const char *const names[] = {"approve",  "reject",   "accept", "decline",
                                        "confirm",  "withdraw", "start",  "complete",
                                        "drop_out", "cancel",   NULL};
    static const struct bpa_field fields[] = {
        {"action", BPA_CHOICE, BPA_REQUIRED, 0, 0, names, NULL},
        {"reason_code", BPA_TEXT, BPA_NULLABLE, 2, 40, NULL, NULL},
        {"note", BPA_TEXT, BPA_NULLABLE | BPA_MULTILINE, 0, 2000, NULL, NULL},
        {0},
    };
    json_t *details = json_array();
    struct bpa_idempotency idempotency;
    json_t *body =
        bpa_idempotent_body(request, fields, "a JSON object is required", &idempotency, details);
    const struct bpa_match_action *action =
        bpa_match_action(json_string_value(json_object_get(body, "action")));
    const char *reason = json_string_value(json_object_get(body, "reason_code"));
    if (reason && strspn(reason, "abcdefghijklmnopqrstuvwxyz_") != strlen(reason))
        bpa_field_problem(details, "reason_code", "must be a code of a-z and _");
    if (action && action->needs_reason && !reason)
        bpa_field_problem(details, "reason_code", "is required for this action");
    if (json_array_size(details)) {
        json_decref(body);
        return bpa_reply_error(request, BPA_ERR_VALIDATION_FAILED, NULL, details);
    }
    json_decref(details);
    struct transition t = {.request = request,
                           .idempotency = &idempotency,
                           .id = id,
                           .action = action,
                           .reason = reason,
                           .note = json_string_value(json_object_get(body, "note")),
                           .refusal = BPA_ERR_COUNT}; /* when BEGIN itself fails */
    enum bpa_db_status status =
        bpa_db_transaction(request->db, BPA_DB_READ_COMMITTED, run_transition, &t);
    int rc;
    if (status == BPA_DB_OK) {
        rc = bpa_reply_json(request, 200, t.changed);
        t.changed = NULL; /* the reply has it */
    } else if (idempotency.first_answer) {
        rc = bpa_idempotency_replay(request, &idempotency);
    } else if (t.refusal == BPA_ERR_INVALID_TRANSITION) {
        char allowed[128], message[192], *rest = NULL;
        bpa_match_actions_from(t.state, actor_of(request), allowed, sizeof allowed);
        if (t.said_already)
            snprintf(message, sizeof message, "this match was already %s",
                     strcmp(action->name, "accept") == 0 ? "accepted" : "confirmed");
        else
            snprintf(message, sizeof message, "cannot %s a match that is %s", action->name,
                     t.state);
        json_t *allowed_list = json_array();
        for (char *word = strtok_r(allowed, " ", &rest); word; word = strtok_r(NULL, " ", &rest))
            if (!t.said_already || strcmp(word, action->name) != 0)
                json_array_append_new(allowed_list, json_string(word));
        rc = bpa_reply_error(request, BPA_ERR_INVALID_TRANSITION, message,
                             json_pack("[{s:s, s:s, s:s, s:o}]", "field", "action", "problem",
                                       message, "current_state", t.state, "allowed_actions",
                                       allowed_list));
    } else if (t.refusal != BPA_ERR_COUNT) {
        rc = bpa_reply_error(request, t.refusal, NULL, NULL);
    } else {
        rc = bpa_reply_error(request, bpa_error_from_db(status), NULL, NULL);
    }
    json_decref(t.changed);
    bpa_idempotency_end(&idempotency);
    json_decref(body);
    return rc;
}
