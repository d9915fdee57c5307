/* Deadlines for receiving requests. libmicrohttpd's own timeout is an idle
 * timeout, which a client sending one byte a second keeps alive forever;
 * here every connection must deliver a whole request (headers and body)
 * within the request deadline of its opening, or within the keep-alive
 * time plus the request deadline of its previous reply. A connection past
 * its deadline is shut down; the event loop then sees it close and frees
 * it. Connections whose request is being handled or answered have no
 * deadline. */
#ifndef BPA_DEADLINES_H
#define BPA_DEADLINES_H

struct bpa_deadlines;
struct bpa_deadline; /* one connection's */

/* Starts the thread that enforces them; NULL when out of memory. */
struct bpa_deadlines *bpa_deadlines_start(unsigned request_seconds, unsigned keepalive_seconds);
void bpa_deadlines_stop(struct bpa_deadlines *deadlines);

/* A connection opened on socket `fd`; NULL when out of memory (it then has
 * no deadline but the idle timeout). Thread-safe, like all below. */
struct bpa_deadline *bpa_deadline_open(struct bpa_deadlines *deadlines, int fd);
/* The connection is closing: forget it (before its socket is closed). */
void bpa_deadline_close(struct bpa_deadlines *deadlines, struct bpa_deadline *connection);
/* Its request is in: no deadline while it is handled and answered. */
void bpa_deadline_request_received(struct bpa_deadlines *deadlines,
                                   struct bpa_deadline *connection);
/* Its reply is done: the next request must arrive in time. */
void bpa_deadline_reply_done(struct bpa_deadlines *deadlines, struct bpa_deadline *connection);

#endif
