/* The daemon's configuration: environment variables, overridden by
 * command-line flags. One table of options drives parsing and --help. */
#ifndef BPA_CONFIG_H
#define BPA_CONFIG_H

#include "log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum bpa_command {
    BPA_CMD_SERVE,
    BPA_CMD_MIGRATE,
    BPA_CMD_IMPORT_SKILLS,
    BPA_CMD_IMPORT_OCCUPATIONS,
    BPA_CMD_IMPORT_POSTCODES,
};

/* Strings are borrowed from argv, the environment or static defaults. */
struct bpa_config {
    enum bpa_command command;
    const char *command_file; /* the file an import command reads */
    const char *language;     /* of the labels in an ESCO file: "en", "nl" or NULL */
    const char *listen_address;
    unsigned long port;
    const char *database_url;
    unsigned long workers;
    unsigned long db_connections;
    unsigned long max_body_bytes;
    unsigned long shutdown_timeout_s;
    enum bpa_log_level log_level;
    const char *schema_dir;
    bool migrate;
    bool test_routes;
    bool help;
};

typedef const char *(*bpa_getenv_fn)(const char *name);

/* Fills `config` from defaults, then `getenv_fn`, then argv[1..argc-1].
 * Returns 0, or -1 with a one-line reason in `error`. */
int bpa_config_load(struct bpa_config *config, int argc, char *const argv[],
                    bpa_getenv_fn getenv_fn, char *error, size_t error_size);

/* Writes the --help text. */
void bpa_config_usage(FILE *out, const char *program);

#endif
