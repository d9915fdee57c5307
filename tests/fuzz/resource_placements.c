/* The placement table for resources_fuzz.c. The handler keeps its field table
 * and `complete` step static, so the handler is compiled in whole here and
 * only its resource description leaves; the functions it calls that the
 * harness never reaches are stubs (scripts/fuzz.sh). */
#include "../../server/handlers/placements.c"

const struct bpa_resource *fuzz_resource_placements(void);

const struct bpa_resource *fuzz_resource_placements(void)
{
    return &placements;
}
