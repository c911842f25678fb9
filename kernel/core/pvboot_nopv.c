/* pvboot_nopv.c: the PV=n stand-in for pvboot.c: no pv_ops, no sites, no
 * patching; ops are native instructions compiled in.  Hashes the text. */
#include "core/kernel.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "patch.h"

static uint64_t text_hash;

static const uint8_t *kmem_ptr(void *ctx, uint64_t addr, uint32_t len)
{
	(void)ctx;
	return kernel_image_ptr(addr, len);
}

int pvboot_install(const struct platform *pf, const char **missing)
{
	(void)pf, (void)missing;
	return 0;
}

int pvboot_patch(const struct platform *pf)
{
	struct pv_mem m = { kmem_ptr, NULL, NULL, NULL };

	printk("pv: PV=n build: ops are native instructions, no sites, "
	       "platform %s\n", pf->name);
	/* for the selftests; the in-place ops themselves assume a CPU with
	 * every feature (rdtscp), as a kernel built for one CPU model does */
	cpu_features_detect();
	pv_text_hash(&m, (uint64_t)(uintptr_t)_stext,
		     (uint64_t)(uintptr_t)_etext, &text_hash);
	printk("pv: text hash %016llx over [%p, %p)\n",
	       (unsigned long long)text_hash, _stext, _etext);
	return 0;
}

void pvboot_summary(struct pv_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->text_hash = text_hash;
	pv_features_str(cpu_features, s->cpu_features, sizeof(s->cpu_features));
}
