/* up_32.c: the i386 kernel runs on one CPU with writable text (issue 17's
 * SMP, W^X and int3 re-patching are x86-64 only): what the shared sources
 * call of kernel/smp/ and of W^X paging, for one CPU. */
#include "core/kernel.h"
#include "core/mm.h"
#include "pv/errno.h"
#include "smp/smp.h"
#include "smp/textpoke.h"

struct percpu smp_percpu[SMP_MAX_CPUS] = { [0] = { .online = 1 } };
volatile int smp_quiet;

unsigned smp_cpu_id(void) { return 0; }
struct percpu *this_cpu(void) { return &smp_percpu[0]; }
unsigned smp_nr_cpus(void) { return 1; }
void smp_init(const struct boot_info *bi) { (void)bi; }
void smp_call_others(smp_call_fn fn, void *arg) { (void)fn, (void)arg; }
void smp_flush_tlb_others(uint64_t va) { (void)va; }
void smp_poll(void) {}

int smp_recover_fault(struct trap_frame *f, uint64_t cr2)
{
	(void)f, (void)cr2;
	return 0;
}

/* lock_wait on one CPU: nobody else can release, so one pause. */
void smp_lock_halt(volatile unsigned char *ptr, unsigned char val)
{
	(void)ptr, (void)val;
	__builtin_ia32_pause();
}

void smp_lock_kick(int cpu) { (void)cpu; }

int paging_text_ro(void) { return 0; }
void paging_text_open(void) {}
void paging_text_close(void) {}

void paging_text_write(uint64_t addr, const uint8_t *buf, uint32_t len)
{
	memcpy((void *)(uintptr_t)addr, buf, len);
}

/* One CPU: the walker writes in place, nothing to queue or sync. */
const struct pv_mem *text_poke_begin(const struct pv_mem *m) { return m; }

int text_poke_end(const struct pv_mem *m, struct text_poke_stats *ts)
{
	(void)m, (void)ts;
	return 0;
}

int text_poke_trap(struct trap_frame *f)
{
	(void)f;
	return 0;
}

int repatch_run(unsigned n, int plain)
{
	(void)n, (void)plain;
	printk("repatch: not in the i386 kernel (one CPU; x86-64 only)\n");
	return -PV_ENOSYS;
}

void repatch_register(void) {}
