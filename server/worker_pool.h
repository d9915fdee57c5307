/* A fixed set of threads that run jobs from one queue in arrival order.
 * The HTTP event loops hand every request that may wait on the database
 * to it, so a slow query holds a worker, never an event loop. */
#ifndef BPA_WORKER_POOL_H
#define BPA_WORKER_POOL_H

struct bpa_worker_pool;

typedef void (*bpa_job_fn)(void *argument);

/* Starts `threads` workers; NULL when a thread or memory could not be had. */
struct bpa_worker_pool *bpa_worker_pool_start(unsigned threads);

/* Queues `run(argument)`. Never blocks; 0, or -1 when out of memory or
 * stopping (then the job does not run). */
int bpa_worker_pool_submit(struct bpa_worker_pool *pool, bpa_job_fn run, void *argument);

/* Runs what is queued, then stops and joins the workers and frees the pool. */
void bpa_worker_pool_stop(struct bpa_worker_pool *pool);

#endif
