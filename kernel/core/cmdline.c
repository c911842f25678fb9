/* cmdline.c: the kernel command line: space-separated flags, from PVH
 * start_info (QEMU -append) or, on Xen PV, from start_info.cmd_line. */
#include "core/kernel.h"

struct kernel_flags kflags;

static const struct {
	const char *name;
	int *flag;
} flag_names[] = {
	{ "pv.nopatch", &kflags.nopatch }, { "pv.noinline", &kflags.noinline },
	{ "pv.debug", &kflags.debug },     { "selftest", &kflags.selftest },
	{ "bench", &kflags.bench },       { "fault", &kflags.fault },
	{ "console.loop", &kflags.console_loop },
	{ "console.noloop", &kflags.console_noloop },
	{ "repatch.plain", &kflags.repatch_plain },
	{ "repatch.int3", &kflags.repatch_int3 },
};

static void set_flag(const char *w, size_t len)
{
	char word[64];

	for (unsigned i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (strlen(flag_names[i].name) == len &&
		    !strncmp(flag_names[i].name, w, len)) {
			*flag_names[i].flag = 1;
			return;
		}
	}
	if (len >= sizeof(word))
		len = sizeof(word) - 1;
	memcpy(word, w, len);
	word[len] = 0;
	printk("cmdline: ignoring '%s'\n", word);
}

/* `repatch N` (kernel/smp/repatch.c): the count is the next word. */
static const char *repatch_count(const char *s)
{
	unsigned n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9') {
		printk("cmdline: repatch wants a count\n");
		return s;
	}
	for (; *s >= '0' && *s <= '9'; s++)
		n = n < 100000000u ? n * 10 + (unsigned)(*s - '0') : n;
	kflags.repatch = n;
	return s;
}

void cmdline_parse(const char *s)
{
	while (*s) {
		size_t len = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		while (s[len] && s[len] != ' ' && s[len] != '\t')
			len++;
		if (len == 7 && !strncmp(s, "repatch", 7))
			s = repatch_count(s + 7) - len;
		else if (len)
			set_flag(s, len);
		s += len;
	}
}
