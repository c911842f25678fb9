/* disasm.h: human-readable x86-64 disassembly through Zydis (AT&T syntax),
 * for diagnostics and pvpatch --diff only; decisions use pv_insn_decode. */
#ifndef TOOLS_DISASM_H
#define TOOLS_DISASM_H

#include <stddef.h>
#include <stdint.h>

/* Disassembles one instruction at p (as if at addr) into buf; returns its
 * length, or 0 with "(bad)" in buf. */
unsigned disasm_one(const uint8_t *p, size_t avail, uint64_t addr, char *buf,
		    size_t len);
/* All instructions in [p, p+n) joined by "; ". */
void disasm_range(const uint8_t *p, size_t n, uint64_t addr, char *buf,
		  size_t len);
/* "ff 15 00 00 00 00" */
void hex_bytes(const uint8_t *p, size_t n, char *buf, size_t len);
#endif
