/* The endpoint handlers, one file per resource. */
#ifndef BPA_HANDLERS_H
#define BPA_HANDLERS_H

#include "http.h"

/* health.c */
int bpa_handle_healthz(struct bpa_request *request);
int bpa_handle_readyz(struct bpa_request *request);
int bpa_handle_metrics(struct bpa_request *request);

/* test_routes.c: only served with --enable-test-routes */
int bpa_handle_test_echo(struct bpa_request *request);

#endif
