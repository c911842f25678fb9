/* serial.c: the native console: COM1, a 16550 UART at 115200 8N1, polled.
 * QEMU's -serial stdio carries it to the host. */
#include "core/kernel.h"
#include "native/native.h"
#include "native/native_inline.h"

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20
#define LSR_DR 0x01   /* a byte received */
#define UART_RBR 0    /* receive buffer (DLAB=0) */

void native_serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80); /* DLAB: divisor follows */
	outb(COM1 + 0, 1);           /* 115200 / 1 */
	outb(COM1 + 1, 0);
	outb(COM1 + UART_LCR, 0x03); /* 8N1 */
	outb(COM1 + UART_FCR, 0xc7); /* FIFO on, cleared */
	outb(COM1 + UART_MCR, 0x03); /* DTR, RTS; no interrupts (OUT2 off) */
}

static void put_char(char c)
{
	unsigned spins = 0;

	/* Bounded: a missing UART reads 0xff, a stuck one must not hang us. */
	while (!(inb(COM1 + UART_LSR) & LSR_THRE) && ++spins < 100000)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}

/* The console loop's input (core/cmdloop.c, issue 9): polled, no IRQ4. */
int native_serial_getc(void)
{
	if (!(inb(COM1 + UART_LSR) & LSR_DR))
		return -PV_EAGAIN;
	return inb(COM1 + UART_RBR);
}

void native_console_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		put_char(s[i]);
	console_out_bytes += n;
}
