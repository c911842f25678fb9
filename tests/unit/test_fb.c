/* test_fb.c: cmocka tests of the DomU screen's drawing (the production
 * kernel/core/fbtext.c, font8x16.c) and the vkbd keymap (kernel/xen/keymap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "core/fbtext.h"
#include "xen/keymap.h"

#define W 800
#define H 600

static struct fbtext t;
static uint32_t pix[W * H];
static const struct fbtext_fb fb = { pix, W, H, W * 4 };
static struct fbtext_rect rects[64];
static unsigned nrects;

static void keep(const struct fbtext_rect *r, void *arg)
{
	(void)arg;
	if (nrects < 64)
		rects[nrects] = *r;
	nrects++;
}

static unsigned flush(void)
{
	nrects = 0;
	return fbtext_flush(&t, &fb, keep, NULL);
}

static int setup(void **state)
{
	(void)state;
	memset(pix, 0xee, sizeof(pix));
	fbtext_reset(&t, W, H);
	return 0;
}

/* After a reset everything is drawn once, as one rectangle. */
static void first_flush_draws_all(void **state)
{
	(void)state;
	assert_int_equal(t.cols, 100);
	assert_int_equal(t.rows, 37);
	assert_int_equal(flush(), 1);
	assert_int_equal(rects[0].x, 0);
	assert_int_equal(rects[0].y, 0);
	assert_int_equal(rects[0].w, 800);
	assert_int_equal(rects[0].h, 37 * 16);
	assert_int_equal(pix[0], fbtext_bg(FBTEXT_NORMAL));
	assert_int_equal(flush(), 0); /* nothing changed: nothing sent */
}

/* One character: one 8x16 rectangle; its pixels are the glyph's bits. */
static void one_cell_one_rect(void **state)
{
	(void)state;
	flush();
	fbtext_put(&t, 10, 5, "A", FBTEXT_GOOD);
	assert_int_equal(flush(), 1);
	assert_int_equal(rects[0].x, 80);
	assert_int_equal(rects[0].y, 80);
	assert_int_equal(rects[0].w, 8);
	assert_int_equal(rects[0].h, 16);
	for (unsigned y = 0; y < 16; y++)
		for (unsigned x = 0; x < 8; x++) {
			int on = font8x16['A' - FONT_FIRST][y] & (0x80 >> x);

			assert_int_equal(pix[(80 + y) * W + 80 + x],
					 on ? fbtext_fg(FBTEXT_GOOD) :
					      fbtext_bg(FBTEXT_GOOD));
		}
}

/* Adjacent changed rows merge (union of columns); a gap splits. */
static void rows_merge_gaps_split(void **state)
{
	(void)state;
	flush();
	fbtext_put(&t, 2, 3, "ab", 0);
	fbtext_put(&t, 5, 4, "c", 0);
	fbtext_put(&t, 0, 9, "d", 0);
	assert_int_equal(flush(), 2);
	assert_int_equal(rects[0].x, 16);
	assert_int_equal(rects[0].y, 48);
	assert_int_equal(rects[0].w, 4 * 8);
	assert_int_equal(rects[0].h, 32);
	assert_int_equal(rects[1].y, 9 * 16);
	assert_int_equal(rects[1].w, 8);
}

/* Text past the row's end is clipped; a byte the font lacks is '?'. */
static void clip_and_unknown(void **state)
{
	struct fbtext_cell q;

	(void)state;
	assert_int_equal(fbtext_put(&t, 98, 0, "xyz", 0), 100);
	assert_int_equal(t.want[0][99].ch, 'y');
	assert_int_equal(fbtext_put(&t, 0, 37, "x", 0), 0); /* no row 37 */
	fbtext_put(&t, 0, 1, "\x01", 0);
	fbtext_put(&t, 1, 1, "?", 0);
	flush();
	q = t.shown[1][0];
	assert_int_equal(q.ch, 1);
	assert_memory_equal(&pix[16 * W], &pix[16 * W + 8], 8 * 4);
}

/* A smaller geometry: whole cells only. */
static void resize_grid(void **state)
{
	(void)state;
	fbtext_reset(&t, 640, 480);
	assert_int_equal(t.cols, 80);
	assert_int_equal(t.rows, 30);
	fbtext_reset(&t, 801, 9999);
	assert_int_equal(t.cols, 100);
	assert_int_equal(t.rows, 37);
}

static void keymap_us(void **state)
{
	(void)state;
	assert_int_equal(xen_kbd_keychar(30, 0, 0), 'a');   /* KEY_A */
	assert_int_equal(xen_kbd_keychar(30, 1, 0), 'A');
	assert_int_equal(xen_kbd_keychar(2, 1, 0), '!');    /* KEY_1 */
	assert_int_equal(xen_kbd_keychar(11, 0, 0), '0');   /* KEY_0 */
	assert_int_equal(xen_kbd_keychar(12, 1, 0), '_');   /* KEY_MINUS */
	assert_int_equal(xen_kbd_keychar(40, 1, 0), '"');   /* KEY_APOSTROPHE */
	assert_int_equal(xen_kbd_keychar(43, 0, 0), '\\');  /* KEY_BACKSLASH */
	assert_int_equal(xen_kbd_keychar(53, 1, 0), '?');   /* KEY_SLASH */
	assert_int_equal(xen_kbd_keychar(57, 0, 0), ' ');   /* KEY_SPACE */
	assert_int_equal(xen_kbd_keychar(28, 0, 0), '\r');  /* KEY_ENTER */
	assert_int_equal(xen_kbd_keychar(96, 0, 0), '\r');  /* KEY_KPENTER */
	assert_int_equal(xen_kbd_keychar(14, 0, 0), 0x7f);  /* KEY_BACKSPACE */
	assert_int_equal(xen_kbd_keychar(22, 0, 1), 0x15);  /* Ctrl-U */
	assert_int_equal(xen_kbd_keychar(42, 0, 0), -1);    /* KEY_LEFTSHIFT */
	assert_int_equal(xen_kbd_keychar(59, 0, 0), -1);    /* KEY_F1 */
	assert_int_equal(xen_kbd_keychar(0x110, 0, 0), -1); /* BTN_LEFT */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(first_flush_draws_all, setup),
		cmocka_unit_test_setup(one_cell_one_rect, setup),
		cmocka_unit_test_setup(rows_merge_gaps_split, setup),
		cmocka_unit_test_setup(clip_and_unknown, setup),
		cmocka_unit_test_setup(resize_grid, setup),
		cmocka_unit_test(keymap_us),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
