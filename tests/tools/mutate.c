/* mutate.c: mutation test for elfscan and pvpatch: writes corrupted copies
 * of seed ELF files and runs the (sanitized) tools on each, in parallel.
 *
 * usage: mutate -t TOOLDIR -d WORKDIR [-n N] [-s SEED] [-j JOBS] FILE[:N]...
 * Each seed gets N mutations (default -n).  Every run must end with exit
 * status 0 or 1, by exit (no signal, no sanitizer report), within 20 s, and
 * an exit 1 must have said why on stderr.  Failing inputs are kept in
 * WORKDIR/fail-*.  Prints one summary line; exit 0 iff nothing failed. */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_JOBS 16

struct seed {
	const char *path;
	uint8_t *buf;
	size_t size;
	unsigned n;
};

struct job {
	pid_t pid;
	unsigned id, cmd;
	char in[512], err[512];
	const char *kind;
};

static const char *tooldir, *workdir;
static uint64_t rng;
static unsigned runs, exit0, exit1, failures;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Values that tend to break parsers: zero, all ones, sizes, off-by-one. */
static uint64_t nasty(size_t size)
{
	static const uint64_t v[] = {
		0, 1, 4, 7, 8, 0x7fffffff, 0x80000000, 0xffffffff, ~0ull,
		1ull << 63,
	};
	switch (below(4)) {
	case 0: return v[below(sizeof(v) / sizeof(v[0]))];
	case 1: return size + below(3) - 1;
	case 2: return rnd();
	}
	return below(size);
}

static void put(uint8_t *b, size_t size, uint64_t off, uint64_t v, int w)
{
	if (off < size && (size_t)w <= size - off)
		memcpy(b + off, &v, (size_t)w);
}

static const Elf64_Shdr *shdr(const uint8_t *b, size_t size, unsigned i)
{
	const Elf64_Ehdr *e = (const void *)b;
	uint64_t off;

	if (size < sizeof(*e) || i >= e->e_shnum)
		return NULL;
	off = e->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr);
	if (e->e_shoff > size || off + sizeof(Elf64_Shdr) > size)
		return NULL;
	return (const void *)(b + off);
}

/* The seed's section called one of the names (first match), or NULL. */
static const Elf64_Shdr *find_sec(const uint8_t *b, size_t size,
				  const char *const *names)
{
	const Elf64_Ehdr *e = (const void *)b;
	const Elf64_Shdr *str = shdr(b, size, e->e_shstrndx), *s;
	unsigned i, k;

	for (i = 0; str && (s = shdr(b, size, i)); i++) {
		uint64_t n = str->sh_offset + s->sh_name;

		for (k = 0; names[k]; k++)
			if (n < size && s->sh_offset + s->sh_size <= size &&
			    !strncmp((const char *)b + n, names[k], size - n))
				return s;
	}
	return NULL;
}

static const char *mut_shdr(uint8_t *b, size_t size)
{
	const Elf64_Ehdr *e = (const void *)b;
	unsigned i = (unsigned)below(e->e_shnum);
	uint64_t off = e->e_shoff + (uint64_t)i * sizeof(Elf64_Shdr);
	static const uint8_t fo[] = { 0, 4, 8, 16, 24, 32, 40, 44, 48, 56 };
	unsigned f = (unsigned)below(sizeof(fo));

	put(b, size, off + fo[f], nasty(size), fo[f] == 0 || fo[f] == 4 ||
				 fo[f] == 40 || fo[f] == 44 ? 4 : 8);
	return "section header";
}

static const char *mut_ehdr(uint8_t *b, size_t size)
{
	static const struct { uint8_t off, w; } f[] = {
		{ 4, 1 }, { 5, 1 }, { 16, 2 }, { 18, 2 }, { 24, 8 },
		{ 40, 8 }, { 58, 2 }, { 60, 2 }, { 62, 2 },
	};
	unsigned i = (unsigned)below(sizeof(f) / sizeof(f[0]));

	put(b, size, f[i].off, nasty(size), f[i].w);
	return "ELF header";
}

/* Site records: our .pv_table/.pv_sites, or Linux's tables. */
static const char *mut_records(uint8_t *b, size_t size)
{
	static const char *const names[] = { ".pv_table", ".pv_sites",
		".pv_templates", ".pv_inline", ".parainstructions",
		".altinstructions", ".return_sites", ".BTF", NULL };
	const char *one[2] = { names[below(8)], NULL };
	const Elf64_Shdr *s = find_sec(b, size, one);
	uint64_t off;

	if (!s)
		s = find_sec(b, size, names);
	if (!s || !s->sh_size)
		return NULL;
	off = s->sh_offset + (below(s->sh_size) & ~3ull);
	switch (below(3)) {
	case 0:
		put(b, size, off, nasty(size), 4);
		break;
	case 1: /* copy one record over the next: duplicate/overlap */
		if (s->sh_size >= 32 && off + 16 <= s->sh_offset + s->sh_size)
			memmove(b + off + 8, b + off, 8);
		break;
	default:
		put(b, size, off + below(8), rnd(), 1);
	}
	return "site records";
}

static const char *mut_symtab(uint8_t *b, size_t size)
{
	static const char *const names[] = { ".symtab", NULL };
	const Elf64_Shdr *s = find_sec(b, size, names);
	uint64_t off;

	if (!s || s->sh_size < 24)
		return NULL;
	off = s->sh_offset + below(s->sh_size / 24) * 24;
	put(b, size, off + (below(2) ? 0 : 8), nasty(size), below(2) ? 4 : 8);
	return "symbol";
}

/* Applies one mutation to b; may shorten *size.  Returns its kind. */
static const char *mutate(uint8_t *b, size_t *size)
{
	const char *k = NULL;
	unsigned i, n;

	switch (below(8)) {
	case 0:
		*size = below(below(2) ? *size : 4096);
		return "truncation";
	case 1: k = mut_ehdr(b, *size); break;
	case 2: case 3: k = mut_shdr(b, *size); break;
	case 4: case 5: k = mut_records(b, *size); break;
	case 6: k = mut_symtab(b, *size); break;
	}
	if (k)
		return k;
	for (n = 1 + (unsigned)below(8), i = 0; i < n; i++)
		b[below(*size)] ^= (uint8_t)(1u << below(8));
	return "bit flips";
}

static const char *const cmds[][6] = {
	{ "elfscan", "@", NULL },
	{ "elfscan", "--json", "--strict", "@", NULL },
	{ "elfscan", "--emit-table", "@", "-o", "@out", NULL },
	{ "pvpatch", "--diff", "@", NULL },
	{ "pvpatch", "--text-hash", "@", "-o", "@out", NULL },
	{ "pvpatch", "--lengths", "@", NULL },
	{ "elfscan", "--linux", "--json", "@", NULL },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int write_file(const char *path, const uint8_t *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < n) {
		ssize_t w = write(fd, b + done, n - done);

		if (w <= 0)
			break;
		done += (size_t)w;
	}
	close(fd);
	return done == n ? 0 : -1;
}

static void spawn(struct job *j)
{
	char tool[512], out[600];
	const char *argv[8];
	unsigned i;

	snprintf(tool, sizeof(tool), "%s/%s", tooldir, cmds[j->cmd][0]);
	snprintf(out, sizeof(out), "%s.out", j->in);
	argv[0] = tool;
	for (i = 1; cmds[j->cmd][i]; i++)
		argv[i] = !strcmp(cmds[j->cmd][i], "@")      ? j->in
			  : !strcmp(cmds[j->cmd][i], "@out") ? out
							     : cmds[j->cmd][i];
	argv[i] = NULL;
	j->pid = fork();
	if (j->pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		int err = open(j->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(null, 1);
		dup2(err, 2);
		alarm(20); /* survives exec: a hang ends in SIGALRM */
		execv(tool, (char *const *)argv);
		_exit(127);
	}
}

static int stderr_says(const char *path, int *lines, char *first, size_t n)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int bad = 0;

	*lines = 0;
	first[0] = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!(*lines)++)
			snprintf(first, n, "%.200s", line);
		if (strstr(line, "Sanitizer") || strstr(line, "runtime error"))
			bad = 1;
	}
	fclose(f);
	return bad;
}

static void judge(struct job *j, int st)
{
	char first[256], why[64] = "", keep[600];
	int lines, san = stderr_says(j->err, &lines, first, sizeof(first));

	runs++;
	if (WIFSIGNALED(st))
		snprintf(why, sizeof(why), "signal %d", WTERMSIG(st));
	else if (WEXITSTATUS(st) > 1)
		snprintf(why, sizeof(why), "exit %d", WEXITSTATUS(st));
	else if (san)
		snprintf(why, sizeof(why), "sanitizer report");
	else if (WEXITSTATUS(st) == 1 && !lines)
		snprintf(why, sizeof(why), "exit 1 without a message");
	if (!why[0]) {
		WEXITSTATUS(st) ? exit1++ : exit0++;
		return;
	}
	failures++;
	snprintf(keep, sizeof(keep), "%s/fail-%u-%u", workdir, j->id, j->cmd);
	rename(j->in, keep);
	printf("# FAIL %s: %s %s on %s (%s): %s", why, cmds[j->cmd][0],
	       cmds[j->cmd][1], keep, j->kind, first[0] ? first : "\n");
}

static int load_seed(struct seed *s, char *arg)
{
	char *c = strchr(arg, ':');
	struct stat st;
	int fd;

	if (c) {
		*c = 0;
		s->n = (unsigned)strtoul(c + 1, NULL, 0);
	}
	s->path = arg;
	fd = open(arg, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < 64)
		return -1;
	s->size = (size_t)st.st_size;
	s->buf = malloc(s->size);
	if (!s->buf || read(fd, s->buf, s->size) != (ssize_t)s->size)
		return -1;
	close(fd);
	return 0;
}

/* Waits for one child and judges it; returns its slot. */
static int reap(struct job *jobs, int njobs)
{
	int st, i;
	pid_t pid = wait(&st);

	for (i = 0; i < njobs; i++)
		if (jobs[i].pid == pid && pid > 0) {
			judge(&jobs[i], st);
			jobs[i].pid = 0;
			return i;
		}
	return -1;
}

static int run_seed(const struct seed *s, struct job *jobs, int njobs,
		    uint8_t *buf, unsigned *id)
{
	unsigned k;
	int busy = 0, slot;
	int big = s->size > (64u << 20) / 4; /* large: Linux mode only */

	for (k = 0; k < s->n; k++) {
		size_t size = s->size;
		struct job *j;

		slot = busy < njobs ? busy++ : reap(jobs, njobs);
		if (slot < 0)
			return -1;
		j = &jobs[slot];
		memcpy(buf, s->buf, s->size);
		j->kind = mutate(buf, &size);
		j->id = (*id)++;
		j->cmd = big ? NCMDS - 1 : (unsigned)below(NCMDS);
		snprintf(j->in, sizeof(j->in), "%s/in-%d", workdir, slot);
		snprintf(j->err, sizeof(j->err), "%s/err-%d", workdir, slot);
		if (write_file(j->in, buf, size))
			return -1;
		spawn(j);
	}
	while (busy-- > 0)
		reap(jobs, njobs);
	return 0;
}

int main(int argc, char **argv)
{
	struct job jobs[MAX_JOBS] = { 0 };
	unsigned n = 500, id = 0;
	int c, njobs = 2, i;
	uint64_t seed = 1;

	while ((c = getopt(argc, argv, "t:d:n:s:j:")) != -1) {
		switch (c) {
		case 't': tooldir = optarg; break;
		case 'd': workdir = optarg; break;
		case 'n': n = (unsigned)strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'j': njobs = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!tooldir || !workdir || optind >= argc || njobs < 1 ||
	    njobs > MAX_JOBS) {
		fputs("usage: mutate -t TOOLDIR -d WORKDIR [-n N] [-s SEED] "
		      "[-j JOBS] FILE[:N]...\n", stderr);
		return 2;
	}
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	setenv("ASAN_OPTIONS", "abort_on_error=1:detect_leaks=1", 0);
	setenv("UBSAN_OPTIONS",
	       "halt_on_error=1:abort_on_error=1:print_stacktrace=1", 0);
	for (i = optind; i < argc; i++) {
		struct seed s = { .n = n };
		uint8_t *buf;

		if (load_seed(&s, argv[i]) || !(buf = malloc(s.size))) {
			fprintf(stderr, "mutate: %s: cannot read\n", argv[i]);
			return 2;
		}
		if (run_seed(&s, jobs, njobs, buf, &id)) {
			fprintf(stderr, "mutate: %s: cannot run\n", workdir);
			return 2;
		}
		free(buf);
		free(s.buf);
	}
	printf("mutations %u runs %u exit0 %u exit1 %u failures %u\n", id, runs,
	       exit0, exit1, failures);
	return failures ? 1 : 0;
}
