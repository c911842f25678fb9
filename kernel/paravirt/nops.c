/* nops.c: the recommended multi-byte NOPs (Intel SDM / AMD optimisation
 * guide forms, as gas's .nops emits them) and jmp rel8 over long padding. */
#include "patch.h"

#define PV_NOP_MAX 11

/* nop_tab[n] is the n-byte NOP; each uses at most three prefixes. */
static const uint8_t nop_tab[PV_NOP_MAX + 1][PV_NOP_MAX] = {
	[1] = { 0x90 },
	[2] = { 0x66, 0x90 },
	[3] = { 0x0f, 0x1f, 0x00 },
	[4] = { 0x0f, 0x1f, 0x40, 0x00 },
	[5] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[6] = { 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00 },
	[7] = { 0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00 },
	[8] = { 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	[9] = { 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	[10] = { 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00 },
	[11] = { 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00,
		 0x00 },
};

static void put_nops(uint8_t *buf, unsigned len)
{
	while (len) {
		unsigned n = len > PV_NOP_MAX ? PV_NOP_MAX : len;

		for (unsigned i = 0; i < n; i++)
			buf[i] = nop_tab[n][i];
		buf += n;
		len -= n;
	}
}

/*
 * Up to one NOP's worth the padding is one instruction.  Beyond that a
 * jmp rel8 over the rest costs one instruction too, where a chain of NOPs
 * would cost several; the skipped bytes stay NOPs so a linear disassembly
 * (and elfscan's re-check) still reads clean code.
 */
void pv_nops(uint8_t *buf, unsigned len)
{
	if (len <= PV_NOP_MAX || len - 2 > 127) {
		put_nops(buf, len);
		return;
	}
	buf[0] = 0xeb;
	buf[1] = (uint8_t)(len - 2);
	put_nops(buf + 2, len - 2);
}
