/* scan_flow_state.h: the abstract state scan_flow.c follows code with,
 * shared with scan_flow_insn.c (one instruction's effect on it). */
#ifndef TOOLS_SCAN_FLOW_STATE_H
#define TOOLS_SCAN_FLOW_STATE_H

#include <stdint.h>

#include "elf_image.h"
#include "insn.h"
#include "scan_flow.h"

#define FLOW_SLOTS 32 /* pushed words tracked */
#define RSP 4         /* x86 register number */

/*
 * A value is where a register's (or stack word's) contents came from:
 * 0-15 the entry value of that register, V_FLAGS the entry flags, or
 * V_W | node: written by the instruction of that node.
 */
#define V_FLAGS 16
#define V_W 0x8000

struct flow_state {
	uint16_t reg[FLOW_NREGS]; /* reg[RSP]: RSP while tracked */
	uint16_t flags;
	uint16_t slot[FLOW_SLOTS]; /* slot[i]: the (i+1)th word pushed */
	int16_t depth; /* words pushed since entry less those popped */
	uint8_t lost;  /* rsp is no longer a known offset from entry */
	uint8_t valid;
};

/* Loses track of rsp (and so of the pushed words) at node me. */
void flow_set_lost(struct flow_state *s, unsigned me);
/* What code that cannot be modelled does: writes everything. */
void flow_write_all(struct flow_state *s, unsigned me);
/* Decodes the instruction at a in an executable section; its bytes, or
 * NULL if there is none there or it does not decode. */
const uint8_t *flow_insn_at(const struct elf_image *img, uint64_t a,
			    struct pv_insn *in);
int flow_insn_is_ud(const struct pv_insn *in);
int flow_insn_is_hlt(const struct pv_insn *in);
/* Registers, flags and pushed words after the instruction at node me. */
void flow_insn_apply(struct flow_state *s, const struct pv_insn *in,
		     const uint8_t *p, unsigned me);
#endif
