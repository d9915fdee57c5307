/* A match's life, as the brief draws it:
 *
 *   applied (portal) / proposed (coordinator) --approve--> approved
 *   approved --accept (employer) + confirm (seeker, via portal)--> confirmed
 *   approved --decline (employer)--> declined; --withdraw (portal)--> withdrawn
 *   confirmed --start--> started --complete--> completed | --drop_out--> dropped_out
 *   any open state --reject | cancel (coordinator)--> rejected | cancelled */
#include "match_life.h"

#include <stdio.h>
#include <string.h>

static const struct bpa_match_action actions[] = {
    {"approve", "applied proposed", BPA_ACTOR_COORDINATOR, "approved", false},
    {"reject", "applied proposed approved confirmed", BPA_ACTOR_COORDINATOR, "rejected", true},
    {"accept", "approved", BPA_ACTOR_EMPLOYER, NULL, false},
    {"decline", "approved", BPA_ACTOR_EMPLOYER, "declined", true},
    {"confirm", "approved", BPA_ACTOR_PORTAL, NULL, false},
    {"withdraw", "applied proposed approved confirmed", BPA_ACTOR_PORTAL, "withdrawn", true},
    {"start", "confirmed", BPA_ACTOR_COORDINATOR, "started", false},
    {"complete", "started", BPA_ACTOR_COORDINATOR, "completed", false},
    {"drop_out", "started", BPA_ACTOR_COORDINATOR, "dropped_out", true},
    {"cancel", "applied proposed approved confirmed started", BPA_ACTOR_COORDINATOR, "cancelled",
     true},
};

#define ACTION_COUNT (sizeof actions / sizeof actions[0])

const struct bpa_match_action *bpa_match_action(const char *name)
{
    for (size_t i = 0; name && i < ACTION_COUNT; i++)
        if (strcmp(actions[i].name, name) == 0)
            return &actions[i];
    return NULL;
}

static bool listed(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

bool bpa_match_action_allowed(const struct bpa_match_action *action, const char *state,
                              enum bpa_actor actor)
{
    return action && (action->actors & actor) && listed(action->from, state);
}

void bpa_match_actions_from(const char *state, enum bpa_actor actor, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < ACTION_COUNT; i++)
        if (bpa_match_action_allowed(&actions[i], state, actor))
            snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? " " : "",
                     actions[i].name);
}

const char *bpa_match_after_agreement(bool employer_accepted, bool seeker_confirmed)
{
    return employer_accepted && seeker_confirmed ? "confirmed" : "approved";
}

bool bpa_match_state_holds_place(const char *state)
{
    return listed("approved confirmed started", state);
}
