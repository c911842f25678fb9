/* lapic.c: the local APIC (xAPIC, MMIO): enable, EOI, the per-CPU timer
 * calibrated against the TSC, and IPIs (INIT, STARTUP, fixed vectors). */
#include "core/kernel.h"
#include "core/mm.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "smp/smp.h"

#define LAPIC_VA MMIO_VA_BASE
#define R_ID 0x20
#define R_TPR 0x80
#define R_EOI 0xb0
#define R_SVR 0xf0
#define R_ICR_LO 0x300
#define R_ICR_HI 0x310
#define R_LVT_TIMER 0x320
#define R_TIMER_INIT 0x380
#define R_TIMER_CUR 0x390
#define R_TIMER_DIV 0x3e0
#define SVR_ENABLE 0x100
#define ICR_PENDING (1u << 12)
#define ICR_INIT 0x4500u    /* INIT, level assert */
#define ICR_STARTUP 0x4600u /* STARTUP, level assert */
#define ICR_OTHERS (3u << 18) /* shorthand: all excluding self */
#define TIMER_PERIODIC (1u << 17)
#define TIMER_DIV_16 0x3
#define CALIBRATE_NS 10000000ull

static volatile uint32_t *lapic;
static uint32_t ticks_per_s; /* timer counts per second at divide 16 */

static uint32_t rd(unsigned reg)
{
	return lapic[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

/* Maps the registers uncached; 0 or -PV_ENOMEM. */
int lapic_init(uint64_t pa)
{
	int err = pt_map(LAPIC_VA, pa, PTE_W | PTE_PCD | PTE_PWT | pte_nx);

	if (!err)
		lapic = (volatile uint32_t *)LAPIC_VA;
	return err;
}

void lapic_enable(void)
{
	wr(R_TPR, 0);
	wr(R_SVR, SVR_ENABLE | APIC_SPURIOUS_VECTOR);
}

unsigned lapic_id(void)
{
	return rd(R_ID) >> 24;
}

void lapic_eoi(void)
{
	wr(R_EOI, 0);
}

static void spin_ns(unsigned long long ns)
{
	unsigned long long end = native_sched_clock() + ns;

	while (native_sched_clock() < end)
		__native_pause();
}

/* Timer counts in 10 ms of TSC time, one-shot and masked. */
int lapic_calibrate(void)
{
	uint32_t left;

	wr(R_TIMER_DIV, TIMER_DIV_16);
	wr(R_LVT_TIMER, 1u << 16 | APIC_TIMER_VECTOR);
	wr(R_TIMER_INIT, 0xffffffffu);
	spin_ns(CALIBRATE_NS);
	left = rd(R_TIMER_CUR);
	wr(R_TIMER_INIT, 0);
	ticks_per_s = (0xffffffffu - left) * (uint32_t)(1000000000ull /
							CALIBRATE_NS);
	return ticks_per_s ? 0 : -PV_ETIMEDOUT;
}

/* This CPU's timer, periodic at hz (APIC_TIMER_VECTOR). */
void lapic_timer_start(unsigned hz)
{
	wr(R_TIMER_DIV, TIMER_DIV_16);
	wr(R_LVT_TIMER, TIMER_PERIODIC | APIC_TIMER_VECTOR);
	wr(R_TIMER_INIT, ticks_per_s / hz ? ticks_per_s / hz : 1);
}

static int icr_send(unsigned dest, uint32_t lo)
{
	unsigned long long end = native_sched_clock() + 100000000ull;

	wr(R_ICR_HI, dest << 24);
	wr(R_ICR_LO, lo);
	while (rd(R_ICR_LO) & ICR_PENDING)
		if (native_sched_clock() > end)
			return -PV_ETIMEDOUT;
	return 0;
}

/* INIT, 10 ms, STARTUP, 200 us, STARTUP (Intel SDM 8.4.4.1). */
int lapic_start_ap(unsigned apic_id, uint32_t tramp_pa)
{
	int err = icr_send(apic_id, ICR_INIT);

	spin_ns(10000000ull);
	for (int i = 0; i < 2 && !err; i++) {
		err = icr_send(apic_id, ICR_STARTUP | tramp_pa >> 12);
		spin_ns(200000ull);
	}
	return err;
}

void lapic_send(unsigned apic_id, unsigned vec)
{
	(void)icr_send(apic_id, vec);
}

void lapic_send_others(unsigned vec)
{
	(void)icr_send(0, ICR_OTHERS | vec);
}
