/* The error table (errors.def) and the one error envelope every error
 * response uses: {"error": {"code", "message", "details", "request_id"}}. */
#ifndef BPA_ERRORS_H
#define BPA_ERRORS_H

#include <jansson.h>

enum bpa_error {
#define BPA_ERROR(id, code, status, message) BPA_ERR_##id,
#include "errors.def"
#undef BPA_ERROR
    BPA_ERR_COUNT
};

struct bpa_error_info {
    const char *code;
    unsigned status;
    const char *message;
};

/* The table row of an error; static storage. */
const struct bpa_error_info *bpa_error_info(enum bpa_error error);

/* The error whose stable code is `code`, or BPA_ERR_COUNT when none is. */
enum bpa_error bpa_error_by_code(const char *code);

/* A new envelope. `message` NULL takes the table's message; `details`
 * (an array or NULL) is stolen; `request_id` is copied and may be NULL. */
json_t *bpa_error_envelope(enum bpa_error error, const char *message, json_t *details,
                           const char *request_id);

/* Writes a one-line reason into `out` and returns -1, for functions that
 * report failure as -1 with a reason. */
int bpa_reason(char *out, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

#endif
