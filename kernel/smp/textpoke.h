/* textpoke.h: live re-patching while other CPUs run (textpoke.c) and the
 * repatch stress (repatch.c). */
#ifndef TEXTPOKE_H
#define TEXTPOKE_H

#include "patch.h"
#include "core/traps.h"

struct text_poke_stats {
	unsigned long writes, passes, busy;
};

/* With more than one CPU (and not plain): a pv_mem that queues the
 * walker's writes; text_poke_end applies them (int3 protocol).  Else m. */
extern struct text_poke_stats poke_stats; /* core/pvboot.c: since boot */
const struct pv_mem *text_poke_begin(const struct pv_mem *m);
int text_poke_end(const struct pv_mem *m, struct text_poke_stats *ts);
void text_poke_set_plain(int on);
int text_poke_trap(struct trap_frame *f);
extern unsigned long text_poke_stalls;
/* A #BP not at a site being written (textpoke.c): its address, the byte
 * there when the handler ran (0xcc: not ours; else the int3 was gone and
 * the site ran again by a single step), the batch edges then and at the
 * CPU's last stress step, the batch's view of the address. */
struct text_poke_stray {
	uint64_t rip;
	unsigned long gen, step_gen;
	int byte, state;
	unsigned cpu;
};
extern struct text_poke_stray text_poke_stray;
extern unsigned long text_poke_gone, text_poke_gen, text_poke_iter_gen[];

/* repatch.c: 0 if all n rounds applied with no fault and nothing wrong. */
int repatch_run(unsigned n, int plain);
void repatch_register(void);
#endif /* TEXTPOKE_H */
