/* The e-mails' texts: the right language, the payload's members in their
 * places, a link on a line of its own, and no placeholder left behind. */
#include "email_text.h"
#include "suites.h"

#include <string.h>

static void text_of(const char *type, const char *language, json_t *payload, char subject[128],
                    char text[2048])
{
    json_t *item =
        json_pack("{s:s, s:s?, s:o}", "event_type", type, "language", language, "payload", payload);
    bpa_email_text(item, subject, 128, text, 2048);
    json_decref(item);
}

START_TEST(a_link_stands_on_its_own_line)
{
    char subject[128], text[2048];
    const char *link = "https://bpa.example/#/reset/bpa_t_abc";
    text_of("password_reset", "en", json_pack("{s:s}", "link", link), subject, text);
    ck_assert_str_eq(subject, "Setting a new password");
    ck_assert_ptr_nonnull(strstr(text, "\r\n\r\nhttps://bpa.example/#/reset/bpa_t_abc\r\n"));
    ck_assert_ptr_null(strchr(text, '{'));
    text_of("password_reset", "nl", json_pack("{s:s}", "link", link), subject, text);
    ck_assert_str_eq(subject, "Een nieuw wachtwoord instellen");
    ck_assert_ptr_nonnull(strstr(text, "Goedendag"));
}
END_TEST

START_TEST(an_invitation_names_the_organisation_when_there_is_one)
{
    char subject[128], text[2048];
    text_of("invitation", "nl",
            json_pack("{s:s, s:s, s:s}", "link", "L", "role", "employer", "organisation",
                      "Bakkerij Binck"),
            subject, text);
    ck_assert_ptr_nonnull(strstr(text, "Academie, voor Bakkerij Binck. Maak"));
    text_of("invitation", "en", json_pack("{s:s, s:s}", "link", "L", "role", "coordinator"),
            subject, text);
    ck_assert_ptr_nonnull(strstr(text, "Praktijk Academie. Create"));
}
END_TEST

START_TEST(match_mail_names_the_match_and_place_by_number)
{
    char subject[128], text[2048];
    text_of("match_approved", NULL, json_pack("{s:i, s:i}", "match_id", 12, "placement_id", 7),
            subject, text);
    ck_assert_str_eq(subject, "Een kandidaat voor uw werkleerplek");
    ck_assert_ptr_nonnull(
        strstr(text, "Een kandidaat voor uw werkleerplek (match 12, werkleerplek 7)."));
}
END_TEST

START_TEST(an_unknown_event_still_reads_well)
{
    char subject[128], text[2048];
    text_of("something_new", "en", json_object(), subject, text);
    ck_assert_str_eq(subject, "A message from the Binck Praktijk Academie");
    ck_assert_ptr_nonnull(strstr(text, "Log in to the Binck Praktijk Academie"));
}
END_TEST

Suite *email_text_suite(void)
{
    Suite *s = suite_create("email_text");
    TCase *tc = tcase_create("texts");
    tcase_add_test(tc, a_link_stands_on_its_own_line);
    tcase_add_test(tc, an_invitation_names_the_organisation_when_there_is_one);
    tcase_add_test(tc, match_mail_names_the_match_and_place_by_number);
    tcase_add_test(tc, an_unknown_event_still_reads_well);
    suite_add_tcase(s, tc);
    return s;
}
