/* xenbus.h: the DomU's xenstore client over the store ring: read, write,
 * directory, rm, watches, transactions; errors are -PV_E* values. */
#ifndef XEN_XENBUS_H
#define XEN_XENBUS_H

#include <stdint.h>

/* A transaction id; XENBUS_NO_TX for a request outside any transaction. */
typedef uint32_t xenbus_tx;
#define XENBUS_NO_TX 0u

/* A request without an answer in this time fails with -PV_ETIMEDOUT. */
#define XENBUS_TIMEOUT_MS 5000u

/*
 * Paths are absolute ("/local/domain/3/name") or relative to the domain's
 * home ("control/shutdown"), as the store resolves them.  Every call but
 * xenbus_poll is for process context; none may run inside a watch
 * callback's own request (they return -PV_EBUSY there).
 */

/* Connects to the ring of start_info; 0, or -PV_ETIMEDOUT if the store
 * does not answer (then every later request fails -PV_ENOTCONN). */
int xenbus_init(void);
int xenbus_connected(void);
/* After a resume in a new domain: the new ring, every watch set again. */
int xenbus_resume(void);

/* The value at path into buf (NUL-terminated); its length, -PV_ERANGE if
 * it does not fit, or the store's error (-PV_ENOENT ...). */
int xenbus_read(xenbus_tx tx, const char *path, char *buf, unsigned size);
/* Reads an unsigned decimal value: 0 or -PV_E*. */
int xenbus_read_ul(xenbus_tx tx, const char *path, unsigned long *v);
int xenbus_write(xenbus_tx tx, const char *path, const char *value);
int xenbus_rm(xenbus_tx tx, const char *path);
/* The children's names, each NUL-terminated, one after the other in buf;
 * returns how many, or -PV_E*. */
int xenbus_directory(xenbus_tx tx, const char *path, char *buf,
		     unsigned size);

/* A transaction: start, requests with its id, end.  xenbus_tx_end returns
 * -PV_EAGAIN when another writer got in between: start again. */
int xenbus_tx_start(xenbus_tx *tx);
int xenbus_tx_end(xenbus_tx tx, int abort);

/*
 * A watch: fn runs from xenbus_poll (process context) with the path that
 * changed, once after registration (the store fires every new watch) and
 * after each change at or below w->path.
 */
struct xenbus_watch {
	const char *path;
	void (*fn)(struct xenbus_watch *w, const char *path);
	unsigned id; /* set by xenbus_watch_add: the token is "pv<id>" */
};
int xenbus_watch_add(struct xenbus_watch *w);
int xenbus_watch_remove(struct xenbus_watch *w);
/* Runs the callbacks of the watch events received so far; returns how
 * many ran.  Called by the console loop whenever it wakes up. */
int xenbus_poll(void);

/* Counters for the console loop's `xs` command. */
struct xenbus_stats {
	unsigned long requests, errors, timeouts, events, events_lost;
	unsigned long stale; /* replies to requests that had timed out */
};
void xenbus_get_stats(struct xenbus_stats *st);

/* "ENOENT" for -PV_ENOENT and the other errors the store can return. */
const char *xenbus_errname(int err);
#endif /* XEN_XENBUS_H */
