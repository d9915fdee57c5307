/* Weekly schedules. */
#include "schedule.h"

#include <stdio.h>
#include <string.h>

static const char *const days[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Appends {field, problem}. A field name cut inside a UTF-8 character (a
 * long unknown member's) cannot be packed, but the problem must still
 * count: a schedule with an uncounted problem passes, its interval ignored. */
static void add_problem(json_t *details, const char *field, const char *text)
{
    json_t *detail = json_pack("{s:s, s:s}", "field", field, "problem", text);
    if (!detail)
        detail = json_pack("{s:s, s:s}", "field", "(not UTF-8 text)", "problem", text);
    json_array_append_new(details, detail);
}

static void problem(json_t *details, const char *path, size_t index, const char *member,
                    const char *text)
{
    char field[128];
    if (member)
        snprintf(field, sizeof field, "%s[%zu].%s", path, index, member);
    else
        snprintf(field, sizeof field, "%s[%zu]", path, index);
    add_problem(details, field, text);
}

/* Minutes since midnight for "HH:MM" (00:00..24:00), or -1. */
static int parse_time(const json_t *value)
{
    const char *t = json_string_value(value);
    if (!t || strlen(t) != 5 || t[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (t[i] < '0' || t[i] > '9'))
            return -1;
    int hours = (t[0] - '0') * 10 + (t[1] - '0');
    int minutes = (t[3] - '0') * 10 + (t[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
        return -1;
    return hours * 60 + minutes;
}

static int parse_day(const json_t *value)
{
    const char *d = json_string_value(value);
    for (int i = 0; d && i < 7; i++)
        if (strcmp(d, days[i]) == 0)
            return i;
    return -1;
}

bool bpa_schedule_parse(const json_t *intervals, const char *path, bpa_week_text out,
                        json_t *details)
{
    memset(out, '0', BPA_WEEK_SLOTS);
    out[BPA_WEEK_SLOTS] = '\0';
    size_t before = json_array_size(details);
    if (!json_is_array(intervals)) {
        add_problem(details, path, "must be a list of {day, from, to} intervals");
        return false;
    }
    if (json_array_size(intervals) > 100) {
        add_problem(details, path, "at most 100 intervals");
        return false;
    }
    /* minutes[day][i] marks covered minutes, to find overlaps exactly */
    static const int day_minutes = 24 * 60;
    unsigned char covered[7][24 * 60];
    memset(covered, 0, sizeof covered);
    size_t index;
    json_t *interval;
    json_array_foreach(intervals, index, interval)
    {
        if (!json_is_object(interval)) {
            problem(details, path, index, NULL, "must be an object {day, from, to}");
            continue;
        }
        const char *key;
        json_t *ignored;
        bool extra = false;
        json_object_foreach((json_t *)interval, key, ignored)
        {
            if (strcmp(key, "day") && strcmp(key, "from") && strcmp(key, "to")) {
                problem(details, path, index, key, "unknown field");
                extra = true;
            }
        }
        int day = parse_day(json_object_get(interval, "day"));
        int from = parse_time(json_object_get(interval, "from"));
        int to = parse_time(json_object_get(interval, "to"));
        if (day < 0)
            problem(details, path, index, "day",
                    "must be one of mon, tue, wed, thu, fri, sat, sun");
        if (from < 0 || from == day_minutes)
            problem(details, path, index, "from", "must be a time HH:MM from 00:00 to 23:59");
        if (to < 0)
            problem(details, path, index, "to", "must be a time HH:MM from 00:01 to 24:00");
        if (day < 0 || from < 0 || from == day_minutes || to < 0 || extra)
            continue;
        if (to <= from) {
            problem(details, path, index, "to",
                    "must be after 'from' (an interval cannot pass midnight; split it)");
            continue;
        }
        bool overlaps = false;
        for (int m = from; m < to; m++) {
            overlaps |= covered[day][m];
            covered[day][m] = 1;
        }
        if (overlaps) {
            problem(details, path, index, NULL, "overlaps another interval on the same day");
            continue;
        }
        bool any = false;
        for (int hour = from / 60; hour * 60 < to; hour++) {
            int start = hour * 60 > from ? hour * 60 : from;
            int end = (hour + 1) * 60 < to ? (hour + 1) * 60 : to;
            if (end - start >= 30) {
                out[day * 24 + hour] = '1';
                any = true;
            }
        }
        if (!any)
            problem(details, path, index, NULL,
                    "covers no hour (an hour counts when at least 30 minutes of it are covered)");
    }
    return json_array_size(details) == before;
}

json_t *bpa_schedule_format(const char *slots)
{
    if (!slots || strlen(slots) != BPA_WEEK_SLOTS || strspn(slots, "01") != BPA_WEEK_SLOTS)
        return NULL;
    json_t *intervals = json_array();
    for (int day = 0; day < 7; day++) {
        for (int hour = 0; hour < 24; hour++) {
            if (slots[day * 24 + hour] != '1')
                continue;
            int end = hour;
            while (end < 24 && slots[day * 24 + end] == '1')
                end++;
            char from[16], to[16];
            snprintf(from, sizeof from, "%02d:00", hour);
            snprintf(to, sizeof to, "%02d:00", end);
            json_array_append_new(
                intervals, json_pack("{s:s, s:s, s:s}", "day", days[day], "from", from, "to", to));
            hour = end;
        }
    }
    return intervals;
}

unsigned bpa_schedule_hours(const bpa_week_text slots)
{
    unsigned n = 0;
    for (int i = 0; i < BPA_WEEK_SLOTS; i++)
        n += slots[i] == '1';
    return n;
}
