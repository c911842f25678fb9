/* pit.c: the native timer: PIT channel 0 at hz through the legacy 8259 PIC
 * (IRQ0, vector 32), and the PIC's acknowledgement of each interrupt. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/traps.h"
#include "native/native.h"
#include "native/native_inline.h"
#include "pv/pvcalls.h"

#define PIC1 0x20
#define PIC2 0xa0
#define PIC_EOI 0x20
#define PIT_HZ 1193182u

/* ICW1..4: edge, cascade on IRQ2, 8086 mode, vectors from IRQ_VECTOR_BASE.
 * io_delay between writes, as old PICs need (and as Linux's outb_p). */
static void pic_init(void)
{
	static const uint8_t icw[][2] = {
		{ 0x11, 0x11 },
		{ IRQ_VECTOR_BASE, IRQ_VECTOR_BASE + 8 },
		{ 0x04, 0x02 },
		{ 0x01, 0x01 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(icw); i++) {
		outb(i ? PIC1 + 1 : PIC1, icw[i][0]);
		pv_io_delay();
		outb(i ? PIC2 + 1 : PIC2, icw[i][1]);
		pv_io_delay();
	}
	outb(PIC1 + 1, 0xfe); /* only IRQ0 */
	outb(PIC2 + 1, 0xff);
}

/* IRQ7/15 with no ISR bit set is the PIC's spurious interrupt: no EOI. */
static int pic_spurious(unsigned irq)
{
	uint16_t port = irq == 7 ? PIC1 : PIC2;

	if (irq != 7 && irq != 15)
		return 0;
	outb(port, 0x0b); /* OCW3: read ISR */
	if (inb(port) & 0x80)
		return 0;
	if (irq == 15)
		outb(PIC1, PIC_EOI); /* the master saw a real IRQ2 */
	return 1;
}

static void native_irq(unsigned vec)
{
	unsigned irq = vec - IRQ_VECTOR_BASE;

	if (pic_spurious(irq))
		return;
	if (irq == 0)
		timer_tick();
	if (irq >= 8)
		outb(PIC2, PIC_EOI);
	outb(PIC1, PIC_EOI);
}

int native_timer_init(unsigned hz)
{
	unsigned div;

	if (!hz || hz > PIT_HZ)
		return -PV_EINVAL;
	div = PIT_HZ / hz;
	if (div > 0xffff)
		return -PV_ERANGE;
	for (unsigned v = 0; v < IRQ_VECTORS; v++)
		trap_set_irq(IRQ_VECTOR_BASE + v, native_irq);
	pic_init();
	outb(0x43, 0x34); /* channel 0, lo/hi byte, mode 2 (rate) */
	outb(0x40, (uint8_t)div);
	outb(0x40, (uint8_t)(div >> 8));
	return 0;
}
