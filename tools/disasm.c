/* disasm.c: Zydis-backed disassembly for messages and diffs; the patcher's
 * own decoder (insn.c) stays the only one that decides anything. */
#include <stdio.h>
#include <string.h>
#include <Zydis/Zydis.h>

#include "disasm.h"
#include "insn.h"

unsigned disasm_one(const uint8_t *p, size_t avail, uint64_t addr, char *buf,
		    size_t len)
{
	static ZydisDecoder dec;
	static ZydisFormatter fmt;
	static int ready; /* the pv_code_mode the decoder was set up for */
	ZydisDecodedInstruction in;
	ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];

	if (ready != (int)pv_code_mode) { /* the image's word size */
		if (pv_code_mode == PV_MODE_32)
			ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LEGACY_32,
					 ZYDIS_STACK_WIDTH_32);
		else
			ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64,
					 ZYDIS_STACK_WIDTH_64);
		ZydisFormatterInit(&fmt, ZYDIS_FORMATTER_STYLE_ATT);
		ZydisFormatterSetProperty(
		    &fmt, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, ZYAN_FALSE);
		ready = (int)pv_code_mode;
	}
	if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&dec, p, avail, &in, ops)) ||
	    !ZYAN_SUCCESS(ZydisFormatterFormatInstruction(
		&fmt, &in, ops, in.operand_count_visible, buf, len, addr,
		NULL))) {
		snprintf(buf, len, "(bad)");
		return 0;
	}
	return in.length;
}

void disasm_range(const uint8_t *p, size_t n, uint64_t addr, char *buf,
		  size_t len)
{
	size_t off = 0, used = 0;
	char one[96];

	buf[0] = 0;
	while (off < n && used + 1 < len) {
		unsigned l =
		    disasm_one(p + off, n - off, addr + off, one, sizeof(one));
		int w = snprintf(buf + used, len - used, "%s%s",
				 off ? "; " : "", one);

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		off += l ? l : 1;
	}
}

void hex_bytes(const uint8_t *p, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < n && used + 4 <= len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%02x",
					 i ? " " : "", p[i]);
}
