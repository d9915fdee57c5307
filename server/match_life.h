/* A match's life as a table: which action takes a match from which states
 * to which, and who may take it. Pure: the handlers and the tests read it. */
#ifndef BPA_MATCH_LIFE_H
#define BPA_MATCH_LIFE_H

#include <stdbool.h>
#include <stddef.h>

enum bpa_actor { BPA_ACTOR_COORDINATOR = 1, BPA_ACTOR_EMPLOYER = 2, BPA_ACTOR_PORTAL = 4 };

struct bpa_match_action {
    const char *name;  /* "approve" */
    const char *from;  /* space-separated states it may start from */
    unsigned actors;   /* enum bpa_actor bits */
    const char *to;    /* the new state; NULL: decided by agreement (accept, confirm) */
    bool needs_reason; /* a reason_code is required */
};

/* The action named `name`, or NULL. */
const struct bpa_match_action *bpa_match_action(const char *name);

/* Whether `actor` may take `action` on a match in `state`. */
bool bpa_match_action_allowed(const struct bpa_match_action *action, const char *state,
                              enum bpa_actor actor);

/* The actions `actor` may take from `state`, space-separated into `out`. */
void bpa_match_actions_from(const char *state, enum bpa_actor actor, char *out, size_t size);

/* The state after an agreement step: accept (employer) or confirm (seeker)
 * moves an approved match to confirmed once both sides agreed. */
const char *bpa_match_after_agreement(bool employer_accepted, bool seeker_confirmed);

/* True for the states in which a match holds a place. */
bool bpa_match_state_holds_place(const char *state);

#endif
