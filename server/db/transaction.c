/* The transaction helper: whole transactions retried on serialization
 * failure and deadlock, with a cap and jittered exponential back-off. */
#include "internal.h"

#include <sodium.h>
#include <time.h>

static const char *const begin_sql[] = {
    [BPA_DB_READ_COMMITTED] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    [BPA_DB_REPEATABLE_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ",
    [BPA_DB_SERIALIZABLE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
};

static void back_off(unsigned attempt)
{
    /* Up to 5 ms, 10 ms, 20 ms ...: random, so that racing transactions
     * do not collide again in lock step. */
    uint32_t ceiling_us = 5000u << (attempt - 1);
    uint32_t wait_us = randombytes_uniform(ceiling_us) + 1;
    struct timespec pause = {.tv_sec = wait_us / 1000000, .tv_nsec = (wait_us % 1000000) * 1000L};
    nanosleep(&pause, NULL);
}

enum bpa_db_status bpa_db_transaction(struct bpa_db_conn *conn, enum bpa_db_isolation isolation,
                                      bpa_db_work_fn work, void *context)
{
    for (unsigned attempt = 1;; attempt++) {
        conn->last_attempts = attempt;
        /* BEGIN reconnects once by itself when the connection broke idle. */
        enum bpa_db_status status = bpa_db_command(conn, begin_sql[isolation]);
        if (status != BPA_DB_OK)
            return status;

        status = work(conn, context);
        if (status == BPA_DB_OK)
            status = bpa_db_command(conn, "COMMIT");
        else
            bpa_db_abandon_transaction(conn);

        if (status != BPA_DB_RETRY || attempt >= BPA_DB_TX_MAX_ATTEMPTS)
            return status;
        atomic_fetch_add(&conn->counters->tx_retries, 1);
        back_off(attempt);
    }
}

unsigned bpa_db_last_attempts(const struct bpa_db_conn *conn)
{
    return conn->last_attempts;
}
