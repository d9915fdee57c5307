/* The reports benchmark (issue 15): a year of the academy in PostgreSQL
 * (10,000 placements, 20,000 active seekers, 100,000 matches with their
 * history) and each GET /v1/reports/... timed through a running release
 * bpa-server, JSON and CSV. */
#ifndef BPA_BENCH_REPORT_BENCH_H
#define BPA_BENCH_REPORT_BENCH_H

#include <stdbool.h>

/* Writes the world into the migrated database at `url` (ESCO skills and
 * occupations imported, nothing else in it), then prints the Markdown
 * table on stdout. `quick`: 5 requests per report instead of 20. 0, or -1. */
int bench_reports(const char *url, const char *geonames, bool quick);

#endif
