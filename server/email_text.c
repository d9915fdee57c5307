/* E-mail texts, by event and language. */
#include "email_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define GREETING_NL "Goedendag,\r\n\r\n"
#define GREETING_EN "Hello,\r\n\r\n"
#define SIGNED_NL   "\r\nMet vriendelijke groet,\r\nBinck Praktijk Academie\r\n"
#define SIGNED_EN   "\r\nKind regards,\r\nBinck Praktijk Academie\r\n"

struct event_text {
    const char *type;
    const char *subject[2]; /* Dutch, English */
    /* the body between greeting and signature: {name} stands for the
     * payload's member `name`, {subject} for the subject */
    const char *body[2];
};

/* Matches: about a match and a place, by id; the employer logs in to see more. */
#define MATCH_BODY_NL                                                                              \
    "{subject} (match {match_id}, werkleerplek {placement_id}).\r\nLog in bij de Binck "           \
    "Praktijk Academie om de match te bekijken en te beantwoorden.\r\n"
#define MATCH_BODY_EN                                                                              \
    "{subject} (match {match_id}, work-learning place {placement_id}).\r\nLog in to the Binck "    \
    "Praktijk Academie to see and answer the match.\r\n"

static const struct event_text texts[] = {
    {
        "match_approved",
        {"Een kandidaat voor uw werkleerplek", "A candidate for your work-learning place"},
        {MATCH_BODY_NL, MATCH_BODY_EN},
    },
    {
        "seeker_answered",
        {"De kandidaat heeft gereageerd", "The candidate has answered"},
        {MATCH_BODY_NL, MATCH_BODY_EN},
    },
    {
        "match_cancelled",
        {"Een match is geannuleerd", "A match was cancelled"},
        {MATCH_BODY_NL, MATCH_BODY_EN},
    },
    {
        "reminder",
        {"Herinnering: een kandidaat wacht op uw antwoord",
         "Reminder: a candidate is waiting for your answer"},
        {MATCH_BODY_NL, MATCH_BODY_EN},
    },
    {
        "email_confirmation",
        {"Bevestig uw e-mailadres", "Confirm your e-mail address"},
        {"U heeft uw organisatie aangemeld bij de Binck Praktijk Academie. Bevestig uw "
         "e-mailadres met deze link; hij werkt een keer:\r\n\r\n{link}\r\n\r\nDaarna kijkt een "
         "coordinator uw aanmelding na. Heeft u zich niet aangemeld? Dan hoeft u niets te "
         "doen.\r\n",
         "You signed your organisation up with the Binck Praktijk Academie. Confirm your e-mail "
         "address with this link; it works once:\r\n\r\n{link}\r\n\r\nA coordinator then checks "
         "your "
         "sign-up. Did you not sign up? Then there is nothing to do.\r\n"},
    },
    {
        "signup_duplicate",
        {"Een aanmelding met uw e-mailadres", "A sign-up with your e-mail address"},
        {"Iemand heeft zich aangemeld met dit e-mailadres, maar er is al een account mee. Was u "
         "dat? Log dan in, of vraag een nieuw wachtwoord aan als u het niet meer weet. Zo niet, "
         "dan "
         "hoeft u niets te doen.\r\n",
         "Someone signed up with this e-mail address, but it has an account already. Was it you? "
         "Then log in, or ask for a new password if you forgot it. If not, there is nothing to "
         "do.\r\n"},
    },
    {
        "signup_known_kvk",
        {"Iemand wil uw organisatie aanmelden", "Someone wants to sign your organisation up"},
        {"Iemand met het e-mailadres {email} probeerde uw organisatie opnieuw aan te melden bij de "
         "Binck Praktijk Academie. Is dat een collega? Nodig hem of haar dan uit: log in en kies "
         "Collega's uitnodigen. Zo niet, dan hoeft u niets te doen.\r\n",
         "Someone with the e-mail address {email} tried to sign your organisation up with the "
         "Binck "
         "Praktijk Academie again. Is it a colleague? Then invite them: log in and choose Invite "
         "colleagues. If not, there is nothing to do.\r\n"},
    },
    {
        "invitation",
        {"Uitnodiging voor de Binck Praktijk Academie",
         "An invitation to the Binck Praktijk Academie"},
        {"U bent uitgenodigd voor de Binck Praktijk Academie{for_organisation}. Maak uw account "
         "aan "
         "met deze link; hij werkt een keer:\r\n\r\n{link}\r\n",
         "You are invited to the Binck Praktijk Academie{for_organisation}. Create your account "
         "with this link; it works once:\r\n\r\n{link}\r\n"},
    },
    {
        "password_reset",
        {"Een nieuw wachtwoord instellen", "Setting a new password"},
        {"Met deze link stelt u een nieuw wachtwoord in. Hij werkt een keer en een uur "
         "lang:\r\n\r\n{link}\r\n\r\nHeeft u dit niet gevraagd? Dan hoeft u niets te doen: uw "
         "wachtwoord blijft hetzelfde.\r\n",
         "With this link you set a new password. It works once, for an "
         "hour:\r\n\r\n{link}\r\n\r\nDid "
         "you not ask for this? Then there is nothing to do: your password stays the same.\r\n"},
    },
};

/* A payload member as text: strings as they are, numbers written out;
 * {subject} is the subject, {for_organisation} ", voor <name>" when the
 * payload names an organisation. */
static void member_text(const json_t *payload, const char *name, size_t length, bool en,
                        const char *subject, char *out, size_t size)
{
    char member[64];
    snprintf(member, sizeof member, "%.*s", (int)length, name);
    const json_t *organisation = json_object_get(payload, "organisation");
    const json_t *value = json_object_get(payload, member);
    out[0] = '\0';
    if (strcmp(member, "subject") == 0)
        snprintf(out, size, "%s", subject);
    else if (strcmp(member, "for_organisation") == 0 && json_is_string(organisation))
        snprintf(out, size, "%s%s", en ? ", for " : ", voor ", json_string_value(organisation));
    else if (json_is_string(value))
        snprintf(out, size, "%s", json_string_value(value));
    else if (json_is_integer(value))
        snprintf(out, size, "%lld", (long long)json_integer_value(value));
}

/* `template` with each {name} replaced, cut to `size`. */
static void expand(const char *template, const json_t *payload, bool en, const char *subject,
                   char *out, size_t size)
{
    size_t used = 0;
    for (const char *p = template; *p && used + 1 < size;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (close) {
            char value[512];
            member_text(payload, p + 1, (size_t)(close - p - 1), en, subject, value, sizeof value);
            used += (size_t)snprintf(out + used, size - used, "%s", value);
            used = used < size ? used : size - 1;
            p = close + 1;
        } else {
            out[used++] = *p++;
        }
    }
    out[used] = '\0';
}

void bpa_email_text(const json_t *item, char *subject, size_t subject_size, char *text,
                    size_t text_size)
{
    const char *type = json_string_value(json_object_get(item, "event_type"));
    const char *language = json_string_value(json_object_get(item, "language"));
    bool en = language && strcmp(language, "en") == 0;
    const struct event_text *found = NULL;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (type && strcmp(type, texts[i].type) == 0)
            found = &texts[i];
    const char *body = found ? found->body[en]
                       : en  ? "Log in to the Binck Praktijk Academie to read it.\r\n"
                             : "Log in bij de Binck Praktijk Academie om het te lezen.\r\n";
    snprintf(subject, subject_size, "%s",
             found ? found->subject[en]
             : en  ? "A message from the Binck Praktijk Academie"
                   : "Bericht van de Binck Praktijk Academie");
    char expanded[1600];
    expand(body, json_object_get(item, "payload"), en, subject, expanded, sizeof expanded);
    snprintf(text, text_size, "%s%s%s", en ? GREETING_EN : GREETING_NL, expanded,
             en ? SIGNED_EN : SIGNED_NL);
}
