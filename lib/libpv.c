/* libpv.c: the userspace self-patching runtime: finds the program's own site
 * table and templates, and patches its text with the kernel's patcher. */
#include <cpuid.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "libpv.h"
#include "pv/errno.h"

struct pv_ops pv_ops;

extern char __pv_table_start[], __pv_table_end[];
extern char __pv_templates_start[], __pv_templates_end[];
extern char __pv_hcalls_start[], __pv_hcalls_end[];
extern struct pv_inline_facts __pv_inline;

static const uint8_t *user_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	(void)ctx;
	(void)len;
	return (const uint8_t *)(uintptr_t)addr;
}

static int user_read(void *ctx, uint64_t addr, uint8_t *buf, uint32_t len)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return 0;
}

/* Opens the pages of [addr, addr+len) with prot; 0 or -PV_EPERM. */
static int protect(uint64_t addr, uint64_t len, int prot)
{
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = addr & ~(pg - 1);

	if (mprotect((void *)(uintptr_t)start, addr + len - start, prot))
		return -PV_EPERM;
	return 0;
}

/* text_poke for a process: writable for the copy, back to r-x after. */
static int user_write(void *ctx, uint64_t addr, const uint8_t *buf,
		      uint32_t len)
{
	int err = protect(addr, len, PROT_READ | PROT_WRITE | PROT_EXEC);

	(void)ctx;
	if (err)
		return err;
	memcpy((void *)(uintptr_t)addr, buf, len);
	__builtin___clear_cache((char *)(uintptr_t)addr,
				(char *)(uintptr_t)addr + len);
	return protect(addr, len, PROT_READ | PROT_EXEC);
}

const struct pv_mem pv_user_mem = { user_ptr, user_read, user_write, 0 };

/* PV_FEAT_* of the CPU this program runs on. */
static unsigned host_features(void)
{
	unsigned a, b, c, d, f = 0;

	if (__get_cpuid(0x80000001u, &a, &b, &c, &d) && (d & (1u << 27)))
		f |= PV_FEAT_RDTSCP;
	return f;
}

int pv_user_init(struct pv_user *u, enum pv_patch_mode mode, pv_site_cb cb,
		 void *ctx)
{
	struct pv_table_hdr *h = (struct pv_table_hdr *)__pv_table_start;
	size_t bytes = (size_t)(__pv_table_end - __pv_table_start);
	int err;

	memset(u, 0, sizeof(*u));
	pv_ops = user_pv_ops;
	u->hdr = h;
	u->table_size = bytes;
	u->mode = -1;
	err = pv_table_check(h, bytes); /* -PV_ENOEXEC: not sealed by elfscan */
	if (err)
		return err;
	err = pv_backend_build(&u->be, PV_BACKEND_USER, "user",
			       (uint64_t)(uintptr_t)&pv_ops,
			       (const uint64_t *)&user_pv_ops,
			       (uint64_t)(uintptr_t)__pv_templates_start,
			       (uint64_t)(uintptr_t)__pv_templates_end,
			       (uint64_t)(uintptr_t)__pv_hcalls_start,
			       (uint64_t)(uintptr_t)__pv_hcalls_end,
			       &__pv_inline, &pv_user_mem);
	if (err)
		return err;
	u->be.cpu_features = host_features();
	return pv_user_repatch(u, mode, cb, ctx);
}

int pv_user_repatch(struct pv_user *u, enum pv_patch_mode mode, pv_site_cb cb,
		    void *ctx)
{
	int err;

	memset(&u->st, 0, sizeof(u->st));
	err = pv_patch_table(u->hdr, (uint64_t)(uintptr_t)u->hdr, u->table_size,
			     &u->be, &pv_user_mem, u->mode, mode, &u->st, cb, ctx);
	if (!err)
		u->mode = mode;
	return err;
}
