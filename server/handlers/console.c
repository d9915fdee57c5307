/* The console, served: its page at / and its scripts and style sheets at
 * /assets/<build>/<name>, compiled in from console/ (console_assets.h). */
#include "handlers.h"

#include "console_assets.h"
#include "request.h"

#include <string.h>

/* Every script and style from the daemon itself; no inline code, no
 * frames around the console, forms post only here. */
static const char console_csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

int bpa_handle_console(struct bpa_request *request)
{
    /* The page is the same for everyone and holds no personal data, but it
     * names the current build's assets: always asked for afresh. */
    request->reply_csp = console_csp;
    return bpa_reply_static(request, 200, bpa_console_index.type, bpa_console_index.bytes,
                            bpa_console_index.len);
}

int bpa_handle_console_asset(struct bpa_request *request)
{
    char build[32], name[64];
    if (!bpa_param_text(request, "build", build, sizeof build) ||
        !bpa_param_text(request, "file", name, sizeof name) ||
        strcmp(build, bpa_console_build) != 0)
        return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
    for (size_t i = 0; i < bpa_console_asset_count; i++) {
        const struct bpa_console_asset *asset = &bpa_console_assets[i];
        if (strcmp(asset->name, name) == 0) {
            /* the build is in the URL: what is there never changes */
            request->reply_cache_control = "public, max-age=31536000, immutable";
            return bpa_reply_static(request, 200, asset->type, asset->bytes, asset->len);
        }
    }
    return bpa_reply_error(request, BPA_ERR_NOT_FOUND, NULL, NULL);
}
