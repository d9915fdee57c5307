/* The error table and the error envelope. */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct bpa_error_info table[BPA_ERR_COUNT] = {
#define BPA_ERROR(id, code, status, message) [BPA_ERR_##id] = {code, status, message},
#include "errors.def"
#undef BPA_ERROR
};

const struct bpa_error_info *bpa_error_info(enum bpa_error error)
{
    if ((unsigned)error >= BPA_ERR_COUNT)
        error = BPA_ERR_INTERNAL_ERROR;
    return &table[error];
}

enum bpa_error bpa_error_by_code(const char *code)
{
    for (unsigned i = 0; i < BPA_ERR_COUNT; i++)
        if (strcmp(table[i].code, code) == 0)
            return (enum bpa_error)i;
    return BPA_ERR_COUNT;
}

json_t *bpa_error_envelope(enum bpa_error error, const char *message, json_t *details,
                           const char *request_id)
{
    const struct bpa_error_info *info = bpa_error_info(error);
    json_t *body = json_object();
    json_object_set_new(body, "code", json_string(info->code));
    json_object_set_new(body, "message", json_string(message ? message : info->message));
    json_object_set_new(body, "details", details ? details : json_array());
    if (request_id)
        json_object_set_new(body, "request_id", json_string(request_id));
    return json_pack("{s:o}", "error", body);
}

int bpa_reason(char *out, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(out, size, format, args);
    va_end(args);
    return -1;
}
