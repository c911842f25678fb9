/* fbtext.c: the text grid of fbtext.h: cells drawn from font8x16, changes
 * found by comparing what is wanted with what was drawn. */
#include "core/fbtext.h"

static const uint32_t fg[FBTEXT_NR_ATTRS] = {
	0xc0c0c0, 0x000000, 0xffff55, 0x55ff55, 0xff5555, 0x808080,
};
static const uint32_t bg[FBTEXT_NR_ATTRS] = {
	0x000000, 0x00a8a8, 0x000000, 0x000000, 0x000000, 0x000000,
};

uint32_t fbtext_fg(unsigned attr)
{
	return fg[attr < FBTEXT_NR_ATTRS ? attr : 0];
}

uint32_t fbtext_bg(unsigned attr)
{
	return bg[attr < FBTEXT_NR_ATTRS ? attr : 0];
}

void fbtext_clear(struct fbtext *t)
{
	for (unsigned r = 0; r < FBTEXT_MAX_ROWS; r++)
		for (unsigned c = 0; c < FBTEXT_MAX_COLS; c++)
			t->want[r][c] = (struct fbtext_cell){ ' ', 0 };
}

/* shown is set to an impossible cell: the next flush draws everything. */
void fbtext_reset(struct fbtext *t, unsigned width, unsigned height)
{
	t->cols = width / FONT_W;
	t->rows = height / FONT_H;
	if (t->cols > FBTEXT_MAX_COLS)
		t->cols = FBTEXT_MAX_COLS;
	if (t->rows > FBTEXT_MAX_ROWS)
		t->rows = FBTEXT_MAX_ROWS;
	fbtext_clear(t);
	for (unsigned r = 0; r < FBTEXT_MAX_ROWS; r++)
		for (unsigned c = 0; c < FBTEXT_MAX_COLS; c++)
			t->shown[r][c] = (struct fbtext_cell){ 0, 0xff };
}

unsigned fbtext_put(struct fbtext *t, unsigned col, unsigned row,
		    const char *s, unsigned attr)
{
	if (row >= t->rows)
		return col;
	for (; *s && col < t->cols; s++, col++)
		t->want[row][col] = (struct fbtext_cell){ *s, (unsigned char)attr };
	return col;
}

void fbtext_fill(struct fbtext *t, unsigned row, unsigned attr)
{
	for (unsigned c = 0; row < t->rows && c < t->cols; c++)
		t->want[row][c].attr = (unsigned char)attr;
}

void fbtext_draw_cell(const struct fbtext_fb *fb, unsigned col, unsigned row,
		      char ch, unsigned attr)
{
	unsigned g = (unsigned char)ch - FONT_FIRST;
	uint32_t f = fbtext_fg(attr), b = fbtext_bg(attr);
	unsigned x0 = col * FONT_W, y0 = row * FONT_H;

	if (g >= FONT_GLYPHS)
		g = '?' - FONT_FIRST;
	if (x0 + FONT_W > fb->width || y0 + FONT_H > fb->height)
		return;
	for (unsigned y = 0; y < FONT_H; y++) {
		uint32_t *p = (uint32_t *)((char *)fb->pix +
					   (y0 + y) * fb->stride) + x0;
		unsigned bits = font8x16[g][y];

		for (unsigned x = 0; x < FONT_W; x++)
			p[x] = bits & (0x80u >> x) ? f : b;
	}
}

/* Draws the changed cells of one row; their column span, or 0. */
static int flush_row(struct fbtext *t, const struct fbtext_fb *fb,
		     unsigned r, unsigned *c0, unsigned *c1)
{
	int any = 0;

	for (unsigned c = 0; c < t->cols; c++) {
		struct fbtext_cell w = t->want[r][c], *s = &t->shown[r][c];

		if (w.ch == s->ch && w.attr == s->attr)
			continue;
		fbtext_draw_cell(fb, c, r, w.ch, w.attr);
		*s = w;
		if (!any || c < *c0)
			*c0 = c;
		if (!any || c > *c1)
			*c1 = c;
		any = 1;
	}
	return any;
}

unsigned fbtext_flush(struct fbtext *t, const struct fbtext_fb *fb,
		      void (*fn)(const struct fbtext_rect *r, void *arg),
		      void *arg)
{
	unsigned n = 0, run = 0, r0 = 0, lo = 0, hi = 0;

	for (unsigned r = 0; r <= t->rows; r++) {
		unsigned c0 = 0, c1 = 0;
		int any = r < t->rows && flush_row(t, fb, r, &c0, &c1);

		if (any && !run) {
			run = 1, r0 = r, lo = c0, hi = c1;
			continue;
		}
		if (any) {
			lo = c0 < lo ? c0 : lo;
			hi = c1 > hi ? c1 : hi;
			continue;
		}
		if (run) {
			struct fbtext_rect rc = { lo * FONT_W, r0 * FONT_H,
						  (hi - lo + 1) * FONT_W,
						  (r - r0) * FONT_H };
			fn(&rc, arg);
			n++;
			run = 0;
		}
	}
	return n;
}
