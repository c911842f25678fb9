/* platform.c: the native platform's cold hooks: console bring-up, the TSC
 * calibration, the PIT timer, and the end of a run (QEMU isa-debug-exit). */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/platform.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "pv/sites.h"

#define DEBUG_EXIT_PORT 0xf4

static void native_early_init(struct boot_info *bi)
{
	(void)bi;
	native_serial_init();
	console_set_poll(native_serial_getc); /* core/cmdloop.c (issue 9) */
}

static int native_timer_start(unsigned hz)
{
	int err = native_tsc_calibrate();

	if (err)
		printk("native: PIT did not count; TSC assumed 1 GHz\n");
	printk("native: TSC %llu kHz, PIT timer %u Hz\n", native_tsc_khz, hz);
	return native_timer_init(hz);
}

/*
 * QEMU's isa-debug-exit ends QEMU with status (code << 1) | 1.  Without
 * that device (real hardware, other VMMs) an empty IDT and a breakpoint
 * triple-fault the CPU, which -no-reboot also turns into an exit.
 */
static void __noreturn native_shutdown(int code)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = { 0, 0 };

	outb(DEBUG_EXIT_PORT, (uint8_t)code);
	__native_load_idt(&no_idt);
	__asm__ volatile("int3");
	for (;;)
		__native_halt();
}

const struct platform native_platform = {
	.native_pt = 1,
	.name = "native",
	.backend = PV_BACKEND_NATIVE,
#ifndef PV_NO_PARAVIRT
	.ops = &native_pv_ops,
#endif
	.early_init = native_early_init,
	.timer_init = native_timer_start,
	.shutdown = native_shutdown,
};
