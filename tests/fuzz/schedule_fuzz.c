/* Fuzzes weekly schedules (server/schedule.c): the API's intervals parsed
 * into 168 slots, and slots formatted back into intervals. The input is a
 * JSON value, parsed as the daemon parses a body.
 *
 * Invariants: a schedule accepted holds only well-formed intervals
 * ({day, from, to} and nothing else, on one day, not overlapping), its
 * slots are 168 '0'/'1' and formatting then parsing them gives the same
 * slots back; a schedule refused says why, in problems that serialise.
 *
 * fuzz-links: server/schedule.c
 * fuzz-flags: -max_len=4096
 */
#include "fuzz.h"
#include "schedule.h"

static int minutes(const json_t *value)
{
    const char *t = json_string_value(value);
    if (!t || strlen(t) != 5 || t[2] != ':' || strspn(t, "0123456789:") != 5)
        return -1;
    int m = ((t[0] - '0') * 10 + t[1] - '0') * 60 + (t[3] - '0') * 10 + t[4] - '0';
    return t[3] > '5' || m > 24 * 60 ? -1 : m;
}

/* An accepted list, checked again without the parser's code. */
static void check_accepted(const json_t *intervals)
{
    static const char *const days = "mon tue wed thu fri sat sun";
    unsigned char covered[7][24 * 60] = {{0}};
    size_t i;
    json_t *interval;
    json_array_foreach(intervals, i, interval)
    {
        FUZZ_CHECK(json_is_object(interval) && json_object_size(interval) == 3);
        const char *day = json_string_value(json_object_get(interval, "day"));
        int from = minutes(json_object_get(interval, "from"));
        int to = minutes(json_object_get(interval, "to"));
        FUZZ_CHECK(day && strlen(day) == 3 && strstr(days, day));
        FUZZ_CHECK(from >= 0 && to > from);
        int d = (int)(strstr(days, day) - days) / 4;
        for (int m = from; m < to; m++) {
            FUZZ_CHECK(!covered[d][m]);
            covered[d][m] = 1;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* slots as stored, read back */
    if (size == BPA_WEEK_SLOTS) {
        struct fuzz_bytes in = {data, size};
        char *slots = fuzz_rest(&in);
        json_t *shown = bpa_schedule_format(slots);
        FUZZ_CHECK((shown != NULL) == (strspn(slots, "01") == BPA_WEEK_SLOTS));
        json_decref(shown);
        free(slots);
    }

    json_t *intervals =
        json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!intervals)
        return 0;
    bpa_week_text slots;
    json_t *details = json_array();
    bool ok = bpa_schedule_parse(intervals, "availability", slots, details);
    FUZZ_CHECK(strlen(slots) == BPA_WEEK_SLOTS && strspn(slots, "01") == BPA_WEEK_SLOTS);
    char *text = json_dumps(details, JSON_COMPACT);
    FUZZ_CHECK(text != NULL);
    free(text);
    if (!ok) {
        FUZZ_CHECK(json_array_size(details) > 0);
    } else {
        FUZZ_CHECK(json_array_size(details) == 0);
        check_accepted(intervals);
        json_t *shown = bpa_schedule_format(slots);
        FUZZ_CHECK(shown != NULL);
        /* merged: shown intervals never touch on one day */
        for (size_t i = 1; i < json_array_size(shown); i++) {
            const json_t *a = json_array_get(shown, i - 1), *b = json_array_get(shown, i);
            FUZZ_CHECK(!json_equal(json_object_get(a, "day"), json_object_get(b, "day")) ||
                       !json_equal(json_object_get(a, "to"), json_object_get(b, "from")));
        }
        bpa_week_text again;
        FUZZ_CHECK(bpa_schedule_parse(shown, "availability", again, details));
        FUZZ_CHECK(strcmp(slots, again) == 0);
        FUZZ_CHECK(bpa_schedule_hours(again) == bpa_schedule_hours(slots));
        json_decref(shown);
    }
    json_decref(details);
    json_decref(intervals);
    return 0;
}
