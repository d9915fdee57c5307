/* The console's files, compiled in from console/ at build time
 * (console/build-console.mjs writes build/gen/console_assets.c). */
#ifndef BPA_CONSOLE_ASSETS_H
#define BPA_CONSOLE_ASSETS_H

#include <stddef.h>

struct bpa_console_asset {
    const char *name; /* "app.js": served as /assets/<build>/app.js */
    const char *type; /* Content-Type */
    const unsigned char *bytes;
    size_t len;
};

extern const char bpa_console_build[]; /* a hash of every asset */
extern const struct bpa_console_asset bpa_console_index;
extern const struct bpa_console_asset bpa_console_assets[];
extern const size_t bpa_console_asset_count;

#endif
