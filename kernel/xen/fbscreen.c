/* fbscreen.c: what the DomU's screen shows: the boot log, then a live
 * screen (patch report, selftests, memory, uptime, the console's tail). */
#include "core/cmdloop.h"
#include "core/kernel.h"
#include "core/mm.h"
#include "core/platform.h"
#include "core/pvboot.h"
#include "selftest/selftest.h"
#include "pv/pvcalls.h"
#include "xen/fb.h"
#include "xen/front.h"
#include "xen/xenbus.h"

#define CON_LINES 64 /* the console's last lines, as the screen shows them */
/* The live screen: title, blank, report heading and table, selftests,
 * memory, a rule; then the console's tail. */
#define STATE_ROW (2 + 2 + PV_NR_STRATS + 1)
#define HEAD_ROWS (STATE_ROW + 3)

static struct {
	char line[CON_LINES][FBTEXT_MAX_COLS + 1];
	unsigned n, col; /* lines begun; column in the last */
	int live, held;
	char name[64];
	struct site_counts sites;
	char bench[FBTEXT_MAX_COLS + 1]; /* `screen bench`'s changing line */
} scr = { .n = 1 };

static char *cur_line(void)
{
	return scr.line[(scr.n - 1) % CON_LINES];
}

static void new_line(void)
{
	scr.n++;
	scr.col = 0;
	memset(cur_line(), 0, FBTEXT_MAX_COLS + 1);
}

/* The console tee (console_ring.c, interrupts off): \b moves back, as
 * the loop's line editor erases with "\b \b". */
void xen_fbscreen_write(const char *s, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		char c = s[i], *l = cur_line();

		if (c == '\n') {
			new_line();
		} else if (c == '\b') {
			scr.col -= scr.col > 0;
		} else if (c != '\r') {
			if (scr.col == FBTEXT_MAX_COLS) {
				new_line();
				l = cur_line();
			}
			l[scr.col++] = c == '\t' ? ' ' : c;
		}
	}
}

/* The last count console lines into rows first.. of t. */
static void put_tail(struct fbtext *t, unsigned first, unsigned count)
{
	unsigned from = scr.n > count ? scr.n - count : 0;

	for (unsigned i = 0; i < count && from + i < scr.n; i++)
		fbtext_put(t, 0, first + i, scr.line[(from + i) % CON_LINES],
			   FBTEXT_NORMAL);
	if (scr.bench[0] && first + count >= 1)
		fbtext_put(t, 0, first + count - 1, scr.bench, FBTEXT_HEAD);
}

static void put_title(struct fbtext *t, unsigned long long secs)
{
	char s[FBTEXT_MAX_COLS + 1];

	fbtext_fill(t, 0, FBTEXT_TITLE);
	snprintf(s, sizeof(s), " pvkernel on %s, domain %s",
		 kernel_platform()->name, scr.name);
	fbtext_put(t, 0, 0, s, FBTEXT_TITLE);
	snprintf(s, sizeof(s), "uptime %llu s ", secs);
	fbtext_put(t, t->cols - (unsigned)strlen(s), 0, s, FBTEXT_TITLE);
}

/* The patch report: strategy by op group, as `sites` prints it. */
static void put_sites(struct fbtext *t, unsigned row)
{
	const struct site_counts *k = &scr.sites;
	struct pv_summary s;
	char b[24];
	unsigned c;

	pvboot_summary(&s);
	snprintf(b, sizeof(b), "%u sites", s.sites);
	c = fbtext_put(t, 1, row, "patch report: ", FBTEXT_HEAD);
	c = fbtext_put(t, c, row, b, FBTEXT_HEAD);
	snprintf(b, sizeof(b), ", %u hold their plan", s.sites - k->bad);
	fbtext_put(t, c, row, b, k->bad ? FBTEXT_BAD : FBTEXT_GOOD);
	c = fbtext_put(t, 3, row + 1, "strategy  ", FBTEXT_DIM);
	for (unsigned g = 0; g < k->ngroups; g++) {
		snprintf(b, sizeof(b), " %7s", k->group[g]);
		c = fbtext_put(t, c, row + 1, b, FBTEXT_DIM);
	}
	fbtext_put(t, c, row + 1, "   total", FBTEXT_DIM);
	for (unsigned st = 0; st < PV_NR_STRATS; st++) {
		snprintf(b, sizeof(b), "%-10s", pv_strategy_name(st));
		c = fbtext_put(t, 3, row + 2 + st, b, FBTEXT_NORMAL);
		for (unsigned g = 0; g <= k->ngroups; g++) {
			unsigned col = g < k->ngroups ? g : CMDLOOP_MAX_GROUPS;

			snprintf(b, sizeof(b), " %7u", k->n[st][col]);
			c = fbtext_put(t, c, row + 2 + st, b, FBTEXT_NORMAL);
		}
	}
}

static void put_state(struct fbtext *t, unsigned row, unsigned long long s)
{
	struct pv_summary sum;
	unsigned ok = 0, bad = 0, c;
	char b[FBTEXT_MAX_COLS + 1];
	int pass;

	pvboot_summary(&sum);
	selftest_counts(&ok, &bad);
	pass = !bad && !sum.failed;
	snprintf(b, sizeof(b), "selftests: %u pass, %u fail   RESULT: %s", ok,
		 bad, pass ? "PASS" : "FAIL");
	fbtext_put(t, 1, row, b, pass ? FBTEXT_GOOD : FBTEXT_BAD);
	snprintf(b, sizeof(b), "memory: %llu KiB, %llu pages free   uptime: "
		 "%llu s   grant references: %u",
		 (unsigned long long)pmm_total_pages() * 4,
		 (unsigned long long)pmm_free_pages(), s, xen_gnttab_in_use());
	fbtext_put(t, 1, row + 1, b, FBTEXT_NORMAL);
	c = fbtext_put(t, 0, row + 2, "-- console: last commands and their "
			"output (type here or on xl console) ", FBTEXT_DIM);
	while (c < t->cols)
		c = fbtext_put(t, c, row + 2, "-", FBTEXT_DIM);
}

void xen_fbscreen_compose(struct fbtext *t)
{
	unsigned long long secs = pv_sched_clock() / 1000000000ull;

	fbtext_clear(t);
	if (!scr.live || t->rows <= HEAD_ROWS) {
		put_tail(t, 0, t->rows);
		return;
	}
	put_title(t, secs);
	put_sites(t, 2);
	put_state(t, STATE_ROW, secs);
	put_tail(t, HEAD_ROWS, t->rows - HEAD_ROWS);
}

/* The console loop is up: the live screen from now (counted once). */
void xen_fbscreen_go_live(void)
{
	if (scr.live)
		return;
	if (xenbus_read(XENBUS_NO_TX, "name", scr.name, sizeof(scr.name)) < 0)
		snprintf(scr.name, sizeof(scr.name), "?");
	cmdloop_count_sites(&scr.sites);
	scr.live = 1;
}

int xen_fbscreen_held(void)
{
	return scr.held;
}

/* What `screen hold` prints: per row the attribute digits and the text,
 * for the host's renderer (tools/fbrender.c) to draw the same image. */
static void dump(void)
{
	const struct fbtext *t = xen_fb_text();
	struct xen_fb_stats st;
	char a[FBTEXT_MAX_COLS + 1], x[FBTEXT_MAX_COLS + 1];

	xen_fb_get_stats(&st);
	printk("screen: held: %ux%u, %ux%u cells, frame %lu\n", st.width,
	       st.height, t->cols, t->rows, st.frames);
	for (unsigned r = 0; r < t->rows; r++) {
		for (unsigned c = 0; c < t->cols; c++) {
			a[c] = (char)('0' + t->shown[r][c].attr);
			x[c] = t->shown[r][c].ch;
		}
		a[t->cols] = x[t->cols] = 0;
		printk("screen: row %02u %s |%s|\n", r, a, x);
	}
	printk("screen: end\n");
}

static void print_stats(void)
{
	struct xen_fb_stats st;

	xen_fb_get_stats(&st);
	printk("screen: %s, %ux%u, %u pages, feature-resize %d, %lu frames, "
	       "%lu updates (%lu bytes), %lu ring full, %lu resizes, first "
	       "frame %llu ms after connect, grant references %u\n",
	       xen_fb_connected() ? "connected" : "not connected", st.width,
	       st.height, st.pages, st.feature_resize, st.frames, st.updates,
	       st.update_bytes, st.ring_full, st.resizes,
	       st.first_frame_ns ? (st.first_frame_ns - st.connect_ns) /
					   1000000ull : 0ull,
	       xen_gnttab_in_use());
}

/* n frames, each changing one console line: updates a second and bytes
 * an update (guest clock: under TCG, compare, do not quote as real). */
static int bench(unsigned n)
{
	struct xen_fb_stats a, b;
	unsigned long long t0, ns;

	xen_fb_flush(); /* what was pending is not the bench's */
	xen_fb_get_stats(&a);
	t0 = pv_sched_clock();
	for (unsigned i = 0; i < n; i++) {
		snprintf(scr.bench, sizeof(scr.bench), "screen bench: "
			 "frame %u of %u", i + 1, n);
		xen_fb_flush();
	}
	ns = pv_sched_clock() - t0;
	scr.bench[0] = 0;
	xen_fb_get_stats(&b);
	b.updates -= a.updates;
	printk("screen: bench: %u one-line frames in %llu us: %lu updates, "
	       "%llu updates/s, %lu bytes an update, ring full %lu times\n",
	       n, ns / 1000, b.updates,
	       ns ? b.updates * 1000000000ull / ns : 0ull,
	       b.updates ? (b.update_bytes - a.update_bytes) / b.updates : 0,
	       b.ring_full - a.ring_full);
	return 0;
}

static unsigned long num(const char *s)
{
	unsigned long v = 0;

	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long)(*s - '0');
	return *s ? 0 : v;
}

static int cmd_screen(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	int err = 0;

	if (argc == 1) {
		print_stats();
	} else if (!xen_fb_connected()) {
		err = -PV_ENOTCONN;
	} else if (!strcmp(op, "hold") && argc == 2) {
		xen_fb_flush();
		scr.held = 1;
		dump();
	} else if (!strcmp(op, "live") && argc == 2) {
		scr.held = 0;
		printk("screen: live\n");
	} else if (!strcmp(op, "bench") && argc == 3 && num(argv[2])) {
		err = bench((unsigned)num(argv[2]));
	} else if (!strcmp(op, "resize") && argc == 4) {
		err = xen_fb_resize((unsigned)num(argv[2]),
				    (unsigned)num(argv[3]));
		if (err == -PV_ERANGE)
			printk("screen: resize: %sx%s refused: at most 800x600, "
			       "a multiple of 8x16\n", argv[2], argv[3]);
		else if (!err)
			printk("screen: resized to %sx%s\n", argv[2], argv[3]);
		err = err == -PV_ERANGE ? 0 : err;
	} else {
		return -PV_EINVAL;
	}
	if (err == -PV_ENOTCONN)
		printk("screen: no screen connected\n");
	return err == -PV_ENOTCONN ? 0 : err;
}

static const struct cmdloop_cmd screen_cmd = {
	"screen", "[hold|live|bench N|resize W H]",
	"the vfb screen: stats, freeze+dump, one-line bench, resize",
	cmd_screen,
};

void xen_fbscreen_register(void)
{
	(void)cmdloop_register(&screen_cmd);
}
