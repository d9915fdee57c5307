/* The e-mails the dispatcher sends, in Dutch or English: about matches
 * (to employers' contacts) and about accounts (sign-up, invitations,
 * password resets), made from an outbox row. Subjects are plain ASCII, so
 * the header needs no encoding. */
#ifndef BPA_EMAIL_TEXT_H
#define BPA_EMAIL_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* The subject and body (CRLF lines) for `item`: an outbox row with
 * event_type, language and payload. */
void bpa_email_text(const json_t *item, char *subject, size_t subject_size, char *text,
                    size_t text_size);

#endif
