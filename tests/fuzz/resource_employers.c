/* The employer table for resources_fuzz.c. The handler keeps its field table
 * and `complete` step static, so the handler is compiled in whole here and
 * only its resource description leaves; the functions it calls that the
 * harness never reaches are stubs (scripts/fuzz.sh). */
#include "../../server/handlers/employers.c"

const struct bpa_resource *fuzz_resource_employers(void);

const struct bpa_resource *fuzz_resource_employers(void)
{
    return &employers;
}
