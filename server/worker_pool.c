/* The worker pool: a mutex, a condition and a singly linked FIFO. */
#include "worker_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
    bpa_job_fn run;
    void *argument;
    struct job *next;
};

struct bpa_worker_pool {
    pthread_mutex_t lock;
    pthread_cond_t work;
    struct job *head, *tail; /* under lock */
    bool stopping;           /* under lock */
    unsigned count;
    pthread_t threads[];
};

static void *work(void *argument)
{
    struct bpa_worker_pool *pool = argument;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (!pool->head && !pool->stopping)
            pthread_cond_wait(&pool->work, &pool->lock);
        struct job *job = pool->head;
        if (!job)
            break; /* stopping, and nothing is left */
        pool->head = job->next;
        if (!pool->head)
            pool->tail = NULL;
        pthread_mutex_unlock(&pool->lock);
        job->run(job->argument);
        free(job);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

struct bpa_worker_pool *bpa_worker_pool_start(unsigned threads)
{
    struct bpa_worker_pool *pool = calloc(1, sizeof *pool + threads * sizeof(pthread_t));
    if (!pool)
        return NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work, NULL);
    for (; pool->count < threads; pool->count++)
        if (pthread_create(&pool->threads[pool->count], NULL, work, pool) != 0) {
            bpa_worker_pool_stop(pool);
            return NULL;
        }
    return pool;
}

int bpa_worker_pool_submit(struct bpa_worker_pool *pool, bpa_job_fn run, void *argument)
{
    struct job *job = malloc(sizeof *job);
    if (!job)
        return -1;
    *job = (struct job){.run = run, .argument = argument};
    pthread_mutex_lock(&pool->lock);
    if (pool->stopping) {
        pthread_mutex_unlock(&pool->lock);
        free(job);
        return -1;
    }
    if (pool->tail)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    pthread_cond_signal(&pool->work);
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

void bpa_worker_pool_stop(struct bpa_worker_pool *pool)
{
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->work);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->count; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_cond_destroy(&pool->work);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}
