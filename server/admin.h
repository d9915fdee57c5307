/* The operator's command line: accounts, portals and their API keys.
 * Results go to stdout as JSON; secrets (a new key) are shown once there
 * and never logged. Every change is audited as the operator's. */
#ifndef BPA_ADMIN_H
#define BPA_ADMIN_H

#include "config.h"

/* Runs `config->command`; returns the process exit code. */
int bpa_admin_run(const struct bpa_config *config);

#endif
