/* time.c: native time ops: sched_clock from the TSC, calibrated once
 * against PIT channel 2; no stolen time on bare metal. */
#include "core/kernel.h"
#include "native/native.h"
#include "native/native_inline.h"

#define PIT_HZ 1193182ull
#define CALIBRATE_MS 10
#define SCHED_SHIFT 22

unsigned long long native_tsc_khz;
static unsigned long long tsc_base;
static unsigned long long tsc_mult; /* ns = cycles * mult >> SCHED_SHIFT */

/* Counts TSC cycles while PIT channel 2 counts down CALIBRATE_MS. */
static unsigned long long pit_measure_cycles(void)
{
	unsigned latch = (unsigned)(PIT_HZ * CALIBRATE_MS / 1000);
	unsigned long long t0, t1, spins = 0;

	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on */
	outb(0x43, 0xb0); /* channel 2, lo/hi byte, mode 0 */
	outb(0x42, (uint8_t)latch);
	outb(0x42, (uint8_t)(latch >> 8));
	t0 = __native_read_tsc();
	while (!(inb(0x61) & 0x20)) /* OUT2 rises at terminal count */
		if (++spins > 100000000ull)
			return 0;
	t1 = __native_read_tsc();
	return t1 - t0;
}

/* Returns 0, or -PV_ETIMEDOUT if the PIT never counted (1 GHz assumed). */
int native_tsc_calibrate(void)
{
	unsigned long long cycles = pit_measure_cycles();
	int err = 0;

	if (!cycles) {
		cycles = 1000000ull * CALIBRATE_MS;
		err = -PV_ETIMEDOUT;
	}
	native_tsc_khz = cycles / CALIBRATE_MS;
	if (!native_tsc_khz)
		native_tsc_khz = 1;
	tsc_mult = (1000000ull << SCHED_SHIFT) / native_tsc_khz;
	tsc_base = __native_read_tsc();
	return err;
}

unsigned long long native_sched_clock(void)
{
	unsigned long long d = __native_read_tsc() - tsc_base;

#ifdef __SIZEOF_INT128__
	return (unsigned long long)(((unsigned __int128)d * tsc_mult) >>
				    SCHED_SHIFT);
#else /* i386: the 96-bit product from two 32x32 halves */
	return ((d >> 32) * tsc_mult << (32 - SCHED_SHIFT)) +
	       ((d & 0xffffffffull) * tsc_mult >> SCHED_SHIFT);
#endif
}

unsigned long long native_steal_clock(int cpu)
{
	(void)cpu;
	return 0;
}
