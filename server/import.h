/* The operator's reference-data imports: ESCO skills and occupations (the
 * official CSV download, in English or Dutch, or the project's subset files
 * with both labels) and the GeoNames postal-code dump for the Netherlands.
 * Idempotent upserts in batches, keyed on URI or PC4, with a progress line
 * per batch and a summary of what was inserted, updated, unchanged and
 * skipped (with reasons). */
#ifndef BPA_IMPORT_H
#define BPA_IMPORT_H

#include "db/db.h"

#include <jansson.h>

/* `language` ("en", "nl" or NULL: from the file name, `_nl.` meaning Dutch)
 * says which label the official files' preferredLabel fills. Returns 0 and
 * the summary in *summary (a new reference), or -1 with a reason. */
int bpa_import_terms(const char *url, enum bpa_term kind, const char *path, const char *language,
                     json_t **summary, char *error, size_t error_size);

int bpa_import_postcodes(const char *url, const char *path, json_t **summary, char *error,
                         size_t error_size);

#endif
