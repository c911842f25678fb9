/* cmdloop.h: a small command loop on the console, after the selftests, for
 * a person (or a test) to look inside a running kernel; its input queue. */
#ifndef CMDLOOP_H
#define CMDLOOP_H

/*
 * The loop runs when the command line says `console.loop`, or on a
 * platform that asked for it (a Xen DomU: its life is `xl console`, `xl
 * shutdown`) if the run passed and the command line does not say
 * `console.noloop`.  It starts after the two closing lines (pv-summary,
 * RESULT), so a test reads the run's result as always, and it ends only
 * in the platform's shutdown.
 */
struct cmdloop_cmd {
	const char *name;
	const char *args; /* for help: "PATH [VALUE]", or "" */
	const char *help;
	/* argv[0] is the name; 0 or -PV_E* (the loop prints the error). */
	int (*fn)(int argc, char **argv);
};

/* A platform's own commands (`xs` on a Xen DomU); 0 or -PV_ENOSPC. */
int cmdloop_register(const struct cmdloop_cmd *c);
/* Called whenever the waiting loop wakes up (xenbus_poll on a DomU). */
int cmdloop_add_idle(void (*fn)(void));
/* Runs the idle hooks once (long commands call it between steps). */
void cmdloop_idle(void);
void cmdloop_default_on(void);
int cmdloop_wanted(int pass);
/* Prints the closing lines for pass, then reads and runs commands. */
void cmdloop_run(int pass) __attribute__((noreturn));

/*
 * Console input.  An interrupt handler queues what arrived with
 * console_input; a device without an interrupt registers a poll function
 * (a byte, or -PV_EAGAIN) that console_getc calls when the queue is empty.
 */
void console_input(char c);
void console_set_poll(int (*poll)(void));
int console_getc(void); /* a byte, or -PV_EAGAIN */

#ifndef PV_NO_PARAVIRT
#include "patch.h"
/* Sites per strategy and op group, planned again and compared with their
 * bytes (`sites`; the DomU screen's patch report). */
#define CMDLOOP_MAX_GROUPS 8
struct site_counts {
	const char *group[CMDLOOP_MAX_GROUPS];
	unsigned ngroups, bad;
	unsigned n[PV_NR_STRATS][CMDLOOP_MAX_GROUPS + 1]; /* last: total */
};
void cmdloop_count_sites(struct site_counts *k);
#endif
#endif /* CMDLOOP_H */
