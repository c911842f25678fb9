/* dump_regs_32.h: traps.c's register dump for an i386 frame (the esp the
 * trap arrived with is just above the frame: no privilege change). */
static void dump_regs(const struct trap_frame *f)
{
	const struct {
		const char *name;
		uint32_t v;
	} r[] = {
		{ "eax", f->eax }, { "ebx", f->ebx }, { "ecx", f->ecx },
		{ "edx", f->edx }, { "esi", f->esi }, { "edi", f->edi },
		{ "ebp", f->ebp }, { "esp", (uint32_t)(uintptr_t)(f + 1) },
		{ "cs", f->cs },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(r); i++)
		printk("%s%-3s %08x%s", i % 3 ? "" : "trap: ", r[i].name,
		       (unsigned)r[i].v, i % 3 == 2 ? "\n" : "  ");
}
