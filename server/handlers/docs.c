/* The contract, served: /openapi.yaml and its HTML reference at /docs, both
 * compiled in from api-docs/ at build time (build/gen/api_docs.c). */
#include "handlers.h"

extern const char bpa_openapi_yaml[], bpa_docs_html[], bpa_docs_csp[];
extern const size_t bpa_openapi_yaml_len, bpa_docs_html_len;

int bpa_handle_openapi(struct bpa_request *request)
{
    return bpa_reply_text(request, 200, "application/yaml; charset=utf-8", bpa_openapi_yaml,
                          bpa_openapi_yaml_len);
}

int bpa_handle_docs(struct bpa_request *request)
{
    /* no scripts, one style sheet pinned by its hash */
    request->reply_csp = bpa_docs_csp;
    return bpa_reply_text(request, 200, "text/html; charset=utf-8", bpa_docs_html,
                          bpa_docs_html_len);
}
