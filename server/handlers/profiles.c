/* What an employer may see of a job seeker before a coordinator approved a
 * match and the seeker consented to sharing: the seeker_profiles view of
 * 0007_access.sql (skills, levels, availability, area, no name, contact or
 * exact address), with the availability as intervals. The candidate lists
 * of the matcher show employers this and nothing more. */
#include "handlers.h"

#include "schedule.h"

#include <stdlib.h>

json_t *bpa_seeker_profile(struct bpa_db_conn *conn, const char *seeker_id)
{
    char *text = NULL;
    if (bpa_db_call(conn, "seeker_profile", 1, &seeker_id, &text) != BPA_DB_OK || !text)
        return NULL;
    json_t *profile = json_loads(text, 0, NULL);
    free(text);
    json_t *intervals =
        bpa_schedule_format(json_string_value(json_object_get(profile, "availability")));
    json_object_set_new(profile, "availability", intervals ? intervals : json_null());
    return profile;
}
