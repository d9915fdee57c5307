/* Consent per purpose and erasure: the statements behind
 * 0016_personal_data.sql's functions. */
#include "internal.h"

#define CONSENT_ROW                                                                                \
    "json_build_object('id', c.id, 'purpose', c.purpose, 'given', c.given, 'text_version',"        \
    " c.text_version, 'recorded_at', c.recorded_at, 'recorded_by', json_build_object('role',"      \
    " c.recorded_by_role, 'id', c.recorded_by), 'portal_id', c.portal_id)"

const struct bpa_db_statement bpa_db_privacy_statements[] = {
    /* seeker, purpose, given, text version, recorder's role, recorder: the
     * new history row, or no row for an erased seeker */
    {"consent_record",
     "INSERT INTO consents AS c (seeker_id, purpose, given, text_version, recorded_by_role,"
     " recorded_by, portal_id) SELECT id, $2, $3, $4, $5, $6, portal_id FROM seekers"
     " WHERE id = $1 AND erased_at IS NULL RETURNING " CONSENT_ROW},
    {"consent_history", "SELECT COALESCE(json_agg(" CONSENT_ROW " ORDER BY c.id DESC), '[]')"
                        " FROM consents c WHERE c.seeker_id = $1"},
    {"consent_current", "SELECT doc->'consents' FROM seeker_documents WHERE id = $1"},
    /* seeker, request id: its open matches cancelled, how many */
    {"consent_cancel_matches", "SELECT bpa_cancel_open_matches($1, $2, 'consent_withdrawn')"},
    /* seeker, locked against a concurrent withdrawal until the transaction ends */
    {"seeker_matching_allowed", "SELECT matching_consent AND erased_at IS NULL FROM seekers"
                                " WHERE id = $1 FOR SHARE"},
    {"seeker_erased", "SELECT erased_at IS NOT NULL FROM seekers WHERE id = $1"},
    {"erase_seeker", "SELECT bpa_erase_seeker($1)"},
    {"erase_account", "SELECT bpa_erase_account($1)"},
    /* employer, address */
    {"erase_contact", "SELECT bpa_erase_contact($1, $2)"},
    {NULL, NULL},
};
