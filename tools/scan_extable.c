/* scan_extable.c: the image's exception table (.ex_table): which code has a
 * fixup, so that it is never copied into a site, and where a fault resumes. */
#include <stdlib.h>
#include <string.h>

#include "pv/extable.h"
#include "scan.h"

static int ex_cmp(const void *a, const void *b)
{
	const struct scan_ex *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* Reads every entry.  An image without the section has none.  Returns 0,
 * or -1 after an error line. */
int scan_extable_load(struct scan *sc)
{
	struct elf_sec *s = elf_sec_by_name(sc->img, PV_EXTABLE_SECTION);
	const size_t esz = sizeof(struct pv_extable_entry);
	size_t i, n;

	sc->nex = 0;
	if (!s || !s->sh.sh_size)
		return 0;
	if (!s->bytes || s->sh.sh_size % esz)
		return elf_err(sc->img, s->name, "size %llu is not a whole "
			       "number of %zu-byte entries",
			       (unsigned long long)s->sh.sh_size, esz);
	n = s->sh.sh_size / esz;
	sc->ex = calloc(n, sizeof(*sc->ex));
	if (!sc->ex)
		return elf_err(sc->img, NULL, "out of memory");
	for (i = 0; i < n; i++) {
		struct pv_extable_entry e;
		uint64_t a = s->addr + i * esz;

		memcpy(&e, s->bytes + i * esz, esz);
		sc->ex[i].insn = a + (uint64_t)(int64_t)e.insn;
		sc->ex[i].fixup = a + 4 + (uint64_t)(int64_t)e.fixup;
	}
	sc->nex = n;
	qsort(sc->ex, n, sizeof(*sc->ex), ex_cmp);
	return 0;
}

/* 1 if an entry's faulting instruction or landing pad lies in [lo, hi). */
int scan_extable_hit(const struct scan *sc, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < sc->nex; i++)
		if ((sc->ex[i].insn >= lo && sc->ex[i].insn < hi) ||
		    (sc->ex[i].fixup >= lo && sc->ex[i].fixup < hi))
			return 1;
	return 0;
}

/* The landing pad for a fault at insn, or 0 if it has none. */
uint64_t scan_extable_fixup(const struct scan *sc, uint64_t insn)
{
	size_t lo = 0, hi = sc->nex;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->ex[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sc->nex && sc->ex[lo].insn == insn ? sc->ex[lo].fixup : 0;
}
