/* scan_flow.h: what a piece of code leaves changed when it returns: the
 * register-write analysis elfscan proves clobber masks with (scan_flow.c). */
#ifndef TOOLS_SCAN_FLOW_H
#define TOOLS_SCAN_FLOW_H

#include <stdint.h>

#include "scan.h"

#define FLOW_NREGS 16
#define FLOW_FLAGS FLOW_NREGS /* index of the arithmetic flags in at[] */

/*
 * The effect of code from its entry to each way out, as seen by whoever
 * runs it: a register counts as written when it may no longer hold its
 * entry value (a push/pop pair or a restore from the stack does not).
 */
struct flow_result {
	uint8_t returns;  /* some path gets back: ret, or a template's end */
	uint8_t leaves;   /* some path leaves for good: iret, sysret */
	uint16_t ret;     /* PV_REG_* changed there; RSP: stack not balanced */
	uint8_t ret_flags;
	uint16_t leave;   /* changed before iret/sysret/Xen's iret, rsp aside */
	/* address of the instruction that made each change (FLOW_FLAGS:
	 * the flags); the lowest one when several paths do */
	uint64_t ret_at[FLOW_NREGS + 1];
	uint64_t leave_at[FLOW_NREGS];
	unsigned ninsns;  /* instructions decoded */
};

struct flow_func; /* a function's summary, cached */

/* Shared by every analysis of one image. */
struct flow_ctx {
	struct scan *sc;
	uint64_t hcall_page; /* Xen's hypercall page, 0 if none */
	unsigned depth;      /* nesting of summaries being computed */
	struct flow_result all; /* what code that cannot be modelled does */
	struct flow_func *funcs;
	size_t nfuncs, cap;
	unsigned ninsns;
};

/* A template's bytes [start, end): it falls out of its end into the site. */
int flow_template(struct flow_ctx *cx, uint64_t start, uint64_t end,
		  struct flow_result *r);
/* A function from its entry, following direct calls (cached summaries). */
const struct flow_result *flow_function(struct flow_ctx *cx, uint64_t entry);
void flow_free(struct flow_ctx *cx);
#endif
